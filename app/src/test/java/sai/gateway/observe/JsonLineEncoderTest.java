package sai.gateway.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sai.gateway.testing.Json;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a log collector reads from one {@code LOG_FORMAT=json} line, including the awkward cases: quotes, line breaks, an exception. */
class JsonLineEncoderTest {

    private final LoggerContext context = new LoggerContext();

    @Test
    void oneParseableLineWithTheStackTraceAndOnlyTheRequestIdFromTheMdc() {
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext(context);
        encoder.start();
        LoggingEvent event = new LoggingEvent("test", context.getLogger("sai.gateway.Example"), Level.WARN,
                "said \"{}\"\nthen left", new IllegalStateException("boom"), new Object[] {"hi"});
        event.setMDCPropertyMap(Map.of(RequestIds.MDC_KEY, "a1b2c3d4", "other", "not for the log"));

        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

        assertThat(line).endsWith("}\n");
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode json = Json.parse(line);
        assertThat(json.path("message").asText()).isEqualTo("said \"hi\"\nthen left");
        assertThat(json.path("level").asText()).isEqualTo("WARN");
        assertThat(json.path("logger_name").asText()).isEqualTo("sai.gateway.Example");
        assertThat(json.path("thread_name").asText()).isNotBlank();
        assertThat(json.path("@timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}.*");
        assertThat(json.path("requestId").asText()).isEqualTo("a1b2c3d4");
        assertThat(json.has("other")).isFalse();
        assertThat(json.path("stack_trace").asText()).startsWith("java.lang.IllegalStateException: boom").contains("\tat ");
    }

    /** Collectors parse the field with one pattern: always three digits of milliseconds, even when they end in zeros. */
    @ParameterizedTest
    @ValueSource(longs = {1764590718770L, 1764590718000L, 1764590718123L})
    void theTimestampAlwaysHasMillisecondsAndAnOffset(long epochMillis) {
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext(context);
        encoder.start();
        LoggingEvent event = new LoggingEvent("test", context.getLogger("sai.gateway.Example"), Level.INFO, "hi", null, null);
        event.setInstant(Instant.ofEpochMilli(epochMillis));
        event.setMDCPropertyMap(Map.of());

        String timestamp = Json.parse(new String(encoder.encode(event), StandardCharsets.UTF_8)).path("@timestamp").asText();

        assertThat(timestamp).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)");
        assertThat(OffsetDateTime.parse(timestamp).toInstant()).isEqualTo(Instant.ofEpochMilli(epochMillis));
    }
}
