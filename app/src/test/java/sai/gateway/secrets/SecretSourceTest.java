package sai.gateway.secrets;

import io.micronaut.context.exceptions.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The extension point for where secret values come from, as the container build sees it. */
class SecretSourceTest {

    private static final SecretsConfiguration ENV = new SecretsConfiguration("sys-key-1234", null, null, null, null, null);

    @Test
    void secretIdInABuildWithoutSecretsManagerStopsStartupNamingIt() {
        EnvironmentSecretSource standingAside = new EnvironmentSecretSource(ENV, "sai-gateway/prod");

        assertThatThrownBy(() -> new SystemCredentials(standingAside, false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("SAI_SECRET_ID")
                .hasMessageContaining("function-lambda");
    }

    @Test
    void aBlankSecretIdIsNoSecretId() {
        SystemCredentials credentials = new SystemCredentials(new EnvironmentSecretSource(ENV, "  "), false);

        assertThat(credentials.saiKey().map(Secret::reveal)).contains("sys-key-1234");
    }

    @Test
    void requiredAccessKeysThatAreMissingStopStartupNamingTheVariables() {
        assertThatThrownBy(() -> new SystemCredentials(new EnvironmentSecretSource(ENV, ""), true))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("GATEWAY_REQUIRE_API_KEYS")
                .hasMessageContaining("GATEWAY_API_KEYS");
        SecretsConfiguration withKeys = new SecretsConfiguration("sys-key-1234", null, null, null, "gw-1", null);
        assertThat(new SystemCredentials(new EnvironmentSecretSource(withKeys, ""), true).gatewayApiKeys()).hasSize(1);
    }

    @Test
    void valuesAreAskedForOnEveryCallSoRotationReachesTheNextRequest() {
        AtomicReference<String> key = new AtomicReference<>("key-v1");
        SystemCredentials credentials = new SystemCredentials(new SecretSource() {
            @Override
            public Optional<Secret> saiKey() {
                return Optional.of(Secret.of(key.get()));
            }

            @Override
            public Optional<Secret> saiCookie() {
                return Optional.empty();
            }

            @Override
            public List<Secret> gatewayApiKeys() {
                return List.of(Secret.of("gw-" + key.get()));
            }

            @Override
            public String describe() {
                return "a rotating test source";
            }
        }, false);

        key.set("key-v2");

        assertThat(credentials.saiKey().map(Secret::reveal)).contains("key-v2");
        assertThat(credentials.gatewayApiKeys()).extracting(Secret::reveal).containsExactly("gw-key-v2");
        assertThat(credentials.reloadAfterRejection()).as("a source that cannot reload says so").isFalse();
        assertThat(credentials.toString()).doesNotContain("key-v2").contains("a rotating test source");
    }
}
