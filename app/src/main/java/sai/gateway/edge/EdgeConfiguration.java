package sai.gateway.edge;

import io.micronaut.context.annotation.ConfigurationProperties;
import sai.gateway.config.Setting;

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
        Setting.CLIENT_HEADER_TIMEOUT.require(headerTimeout);
        Setting.CLIENT_BODY_TIMEOUT.require(bodyTimeout);
    }
}
