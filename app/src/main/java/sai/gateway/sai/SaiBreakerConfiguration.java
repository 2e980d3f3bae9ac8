package sai.gateway.sai;

import io.micronaut.context.annotation.ConfigurationProperties;
import sai.gateway.config.Setting;

import java.time.Duration;

/**
 * The circuit breaker in front of SAI: after {@code SAI_BREAKER_FAILURES} requests in a row found SAI down
 * it pauses calls for {@code SAI_BREAKER_OPEN}; {@code SAI_BREAKER_FAILURES=0} turns it off.
 */
@ConfigurationProperties(SaiBreakerConfiguration.PREFIX)
public record SaiBreakerConfiguration(int failures, Duration open) {

    public static final String PREFIX = "sai.breaker";

    public SaiBreakerConfiguration {
        Setting.SAI_BREAKER_FAILURES.require(failures);
        Setting.SAI_BREAKER_OPEN.require(open);
    }

    public boolean enabled() {
        return failures > 0;
    }
}
