package sai.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;

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
        locale = locale == null || locale.isBlank() ? "es" : locale.trim().toLowerCase(Locale.ROOT);
        if (!locale.equals("es") && !locale.equals("en")) {
            throw new ConfigurationException("GATEWAY_LOCALE must be es or en, got " + locale);
        }
        errorStyle = errorStyle == null || errorStyle.isBlank() ? "http" : errorStyle.trim().toLowerCase(Locale.ROOT);
        if (!errorStyle.equals("http") && !errorStyle.equals("message")) {
            throw new ConfigurationException("SAI_ERROR_STYLE must be http or message, got " + errorStyle);
        }
        // logback.xml reads LOG_FORMAT itself, before this runs; an unknown value leaves logback without its
        // appenders, so stop here with a message instead of running silently.
        logFormat = logFormat == null || logFormat.isBlank() ? "text" : logFormat.trim();
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            throw new ConfigurationException("LOG_FORMAT must be text or json (lower case), got " + logFormat);
        }
        if (streamHeartbeatSeconds < 0) {
            throw new ConfigurationException("STREAM_HEARTBEAT_SECONDS must be a whole number of seconds (0 turns heartbeats off), got "
                    + streamHeartbeatSeconds);
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
