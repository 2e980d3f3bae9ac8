package sai.gateway.edge;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;

import java.time.Duration;

/**
 * How long a client may take to send a request, apart from the (long) wait for SAI: its headers, from the
 * connection's opening or the request's first byte, and its body, from the end of its headers. Bound from
 * {@code CLIENT_HEADER_TIMEOUT} and {@code CLIENT_BODY_TIMEOUT}. Once a request has arrived neither applies:
 * a stream or a plain answer may wait for SAI as long as {@code REQUEST_TIMEOUT} allows.
 */
@ConfigurationProperties(EdgeConfiguration.PREFIX)
public record EdgeConfiguration(Duration headerTimeout, Duration bodyTimeout) {

    public static final String PREFIX = "edge";

    public EdgeConfiguration {
        requirePositive(headerTimeout, "CLIENT_HEADER_TIMEOUT", "10s");
        requirePositive(bodyTimeout, "CLIENT_BODY_TIMEOUT", "60s");
    }

    private static void requirePositive(Duration value, String variable, String example) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new ConfigurationException(variable + " must be a positive duration such as " + example + ", got " + value);
        }
    }
}
