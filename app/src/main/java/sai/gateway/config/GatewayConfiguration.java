package sai.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;

import java.time.Duration;
import java.util.Locale;

/**
 * How the gateway speaks to its clients: message language, error style, stream heartbeats, log detail.
 * Bound from {@code GATEWAY_LOCALE}, {@code SAI_ERROR_STYLE}, {@code STREAM_HEARTBEAT_SECONDS},
 * {@code VERBOSE_LOGGING}, {@code LOG_FORMAT}; {@code streamHeartbeatMaxSeconds} is not an operator's setting (0, no
 * limit; 25 in the streaming Lambda mode, application-streaming.yml).
 */
@ConfigurationProperties(GatewayConfiguration.PREFIX)
public record GatewayConfiguration(String locale,
                                   String errorStyle,
                                   int streamHeartbeatSeconds,
                                   int streamHeartbeatMaxSeconds,
                                   boolean verboseLogging,
                                   String logFormat) {

    public static final String PREFIX = "gateway";

    public GatewayConfiguration {
        Setting.GATEWAY_LOCALE.require(locale);
        locale = locale == null || locale.isBlank() ? "es" : locale.trim().toLowerCase(Locale.ROOT);
        Setting.SAI_ERROR_STYLE.require(errorStyle);
        errorStyle = errorStyle == null || errorStyle.isBlank() ? "http" : errorStyle.trim().toLowerCase(Locale.ROOT);
        // logback.xml reads LOG_FORMAT itself, before this runs, and writes text for any value it does not know.
        Setting.LOG_FORMAT.require(logFormat);
        logFormat = logFormat == null || logFormat.isBlank() ? "text" : logFormat.trim();
        Setting.STREAM_HEARTBEAT_SECONDS.require(streamHeartbeatSeconds);
        if (streamHeartbeatMaxSeconds > 0 && (streamHeartbeatSeconds < 1 || streamHeartbeatSeconds > streamHeartbeatMaxSeconds)) {
            throw new ConfigurationException(Setting.PREFIX + "STREAM_HEARTBEAT_SECONDS must be from 1 to " + streamHeartbeatMaxSeconds
                    + " in the streaming Lambda mode: API Gateway closes a stream that stays silent for 30 seconds on an edge-optimised endpoint"
                    + " (got \"" + streamHeartbeatSeconds + "\")");
        }
    }

    public Locale defaultLocale() {
        return Locale.forLanguageTag(locale);
    }

    /** The old gateway's behaviour: SAI failures come back as HTTP 200 with the explanation as the answer. */
    public boolean errorsAsMessages() {
        return errorStyle.equals("message");
    }

    public Duration streamHeartbeat() {
        return Duration.ofSeconds(streamHeartbeatSeconds);
    }

    /** Off where nothing reaches the client before the whole answer anyway (the Lambda build: API Gateway buffers). */
    public boolean streamHeartbeats() {
        return streamHeartbeatSeconds > 0;
    }
}
