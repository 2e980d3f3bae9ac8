package sai.gateway.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * {@code LOG_FORMAT=json}: one JSON object per line, with the field names log collectors know from
 * logstash-logback-encoder ({@code @timestamp}, {@code message}, {@code logger_name}, {@code thread_name},
 * {@code level}, {@code stack_trace}) plus the request id. Written with jackson-core, which both jars ship
 * for Micronaut's serde anyway: a full JSON encoder would need jackson-databind as well, megabytes the
 * Lambda jar would carry for six fields.
 */
public class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

    private static final JsonFactory JSON = new JsonFactory();
    // Not ISO_OFFSET_DATE_TIME: it drops trailing zeros of the fraction (".77", or none at all), and collectors
    // parse the field with one fixed pattern.
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX");
    private static final byte[] NONE = new byte[0];

    private final ZoneId zone = ZoneId.systemDefault();

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("@timestamp",
                    TIMESTAMP.format(OffsetDateTime.ofInstant(event.getInstant(), zone).truncatedTo(ChronoUnit.MILLIS)));
            json.writeStringField("message", event.getFormattedMessage());
            json.writeStringField("logger_name", event.getLoggerName());
            json.writeStringField("thread_name", event.getThreadName());
            json.writeStringField("level", event.getLevel().toString());
            // The request id only: a new MDC entry in the output is a decision, not an accident.
            Map<String, String> mdc = event.getMDCPropertyMap();
            String requestId = mdc == null ? null : mdc.get(RequestIds.MDC_KEY);
            if (requestId != null) {
                json.writeStringField(RequestIds.MDC_KEY, requestId);
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                json.writeStringField("stack_trace", ThrowableProxyUtil.asString(thrown));
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }
}
