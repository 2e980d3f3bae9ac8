package sai.gateway.sai;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;

import java.time.Duration;

/**
 * The circuit breaker in front of SAI: after {@code SAI_BREAKER_FAILURES} requests in a row found SAI down
 * it pauses calls for {@code SAI_BREAKER_OPEN}; {@code SAI_BREAKER_FAILURES=0} turns it off.
 */
@ConfigurationProperties(SaiBreakerConfiguration.PREFIX)
public record SaiBreakerConfiguration(int failures, Duration open) {

    public static final String PREFIX = "sai.breaker";

    public SaiBreakerConfiguration {
        if (failures < 0) {
            throw new ConfigurationException("SAI_BREAKER_FAILURES must be a whole number (0 turns the circuit breaker off), got " + failures);
        }
        if (open == null || open.isNegative() || open.isZero()) {
            throw new ConfigurationException("SAI_BREAKER_OPEN must be a positive duration such as 30s");
        }
    }

    public boolean enabled() {
        return failures > 0;
    }
}
