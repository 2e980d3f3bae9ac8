package sai.gateway.cache;

import io.micronaut.context.exceptions.ConfigurationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CACHE_TTL as operators write it: empty or zero is off, a duration is on, anything else refuses to start. */
class CacheConfigurationTest {

    @ParameterizedTest(name = "CACHE_TTL=[{0}] -> {1} ms")
    @CsvSource(nullValues = "null", value = {"null, 0", "'', 0", "'  ', 0", "0, 0", "0s, 0", "0ms, 0", "10m, 600000", "500ms, 500",
            "' 2h ', 7200000", "168h, 604800000"})
    void emptyOrZeroIsOffAndADurationIsOn(String ttl, long millis) {
        CacheConfiguration config = new CacheConfiguration(ttl, 10, 1 << 20, false, false);

        assertThat(config.timeToLive()).isEqualTo(Duration.ofMillis(millis));
        assertThat(config.enabled()).isEqualTo(millis > 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1s", "169h", "1.5s", "10"})
    void anythingElseIsRefusedNamingTheVariable(String ttl) {
        assertThatThrownBy(() -> new CacheConfiguration(ttl, 10, 1 << 20, false, false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("Configuration error: CACHE_TTL must be a duration");
    }
}
