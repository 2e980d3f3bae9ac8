package sai.gateway.observe;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import net.logstash.logback.encoder.LogstashEncoder;

/**
 * The encoder {@code logback.xml} gives every appender, chosen by {@code LOG_FORMAT}: {@code text} writes
 * the readable pattern, {@code json} one JSON object per line (logstash-logback-encoder) with the request id
 * from the MDC and no other MDC key, so a new MDC entry is a decision, not an accident. One appender per
 * destination either way: two file appenders on one file, picked by name, would make logback report a
 * collision at every start. An unknown value falls back to text with a logback status error;
 * {@code GatewayConfiguration} then refuses to start with a message naming the variable.
 */
public class LogFormatEncoder extends EncoderBase<ILoggingEvent> {

    private String format = "text";
    private String pattern = "%-5level [%X{requestId:-no-req}] %logger{0} - %msg%n";
    private Encoder<ILoggingEvent> delegate;

    public void setFormat(String format) {
        this.format = format == null ? "text" : format.trim();
    }

    public void setPattern(String pattern) {
        this.pattern = pattern;
    }

    @Override
    public void start() {
        if (format.equals("json")) {
            LogstashEncoder json = new LogstashEncoder();
            json.addIncludeMdcKeyName(RequestIds.MDC_KEY);
            json.getFieldNames().setVersion("[ignore]");
            json.getFieldNames().setLevelValue("[ignore]");
            delegate = json;
        } else {
            if (!format.equals("text")) {
                addError("LOG_FORMAT must be text or json, got '" + format + "': writing text");
            }
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setPattern(pattern);
            delegate = text;
        }
        delegate.setContext(getContext());
        delegate.start();
        super.start();
    }

    @Override
    public void stop() {
        if (delegate != null) {
            delegate.stop();
        }
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return delegate.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return delegate.encode(event);
    }

    @Override
    public byte[] footerBytes() {
        return delegate.footerBytes();
    }
}
