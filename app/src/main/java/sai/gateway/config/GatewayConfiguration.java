package sai.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;
import java.util.Locale;

/**
 * How the gateway speaks to its clients: message language, error style, stream heartbeats, log detail.
 * Bound from {@code GATEWAY_LOCALE}, {@code SAI_ERROR_STYLE}, {@code STREAM_HEARTBEAT_SECONDS},
 * {@code VERBOSE_LOGGING}, {@code LOG_FORMAT}.
 */
@ConfigurationProperties(GatewayConfiguration.PREFIX)
public record GatewayConfiguration(String locale,
                                   String errorStyle,
                                   int streamHeartbeatSeconds,
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
