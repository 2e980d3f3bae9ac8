package sai.gateway.tenancy;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sai.gateway.config.InvalidConfigurationException;
import sai.gateway.testing.SaiFakeTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** GATEWAY_CONFIG_FILE as the operator sets it: a gateway starts with what a good file declares, and not at all with a bad one. */
class ConfigFileStartupTest {

    @TempDir
    Path dir;

    private Map<String, Object> tenancyOn(Path configFile) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("SAI_URL", "https://sai.example.com");
        properties.put("SAI_TEMPLATE_ID", SaiFakeTest.TEMPLATE_ID);
        properties.put("SAI_KEY", "k");
        properties.put("GATEWAY_ADMIN_KEY", "admin-" + UUID.randomUUID());
        properties.put("DATABASE_URL", "jdbc:h2:mem:cfg-start-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        properties.put("DATA_DIR", dir.resolve("data").toString());
        properties.put("GATEWAY_CONFIG_FILE", configFile.toString());
        return properties;
    }

    @Test
    void aGoodFileIsThereWhenTheGatewayIsUp() throws IOException {
        String key = KeyMaterial.newSecret();
        Path file = Files.writeString(dir.resolve("gateway.yml"),
                "tenants: [{name: team, keys: [{name: ci, requests_per_minute: 7, key_sha256: " + KeyMaterial.hash(key) + "}]}]\n");

        try (ApplicationContext context = ApplicationContext.run(tenancyOn(file))) {
            KeyGrant grant = context.getBean(KeyDirectory.class).find(key).orElseThrow();
            assertThat(grant.tenant().name()).isEqualTo("team");
            assertThat(grant.key().limits().requestsPerMinute()).isEqualTo(7);
        }
    }

    @Test
    void aBadFileStopsTheGatewayWithAllItsProblems() throws IOException {
        Path file = Files.writeString(dir.resolve("gateway.yml"), """
                tenants:
                  - name: team
                    request_per_minute: 7
                    keys:
                      - name: ci
                        key_env: CONFIG_FILE_TEST_UNSET_VARIABLE
                """);

        Throwable failure = catchThrowable(() -> ApplicationContext.run(tenancyOn(file)).close());

        InvalidConfigurationException invalid = InvalidConfigurationException.in(failure);
        assertThat(invalid).as("thrown: %s", failure).isNotNull();
        assertThat(invalid.lines()).containsExactly(
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].request_per_minute is not a field of a tenant: did you mean requests_per_minute? (line 3)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].keys[0].key_env names CONFIG_FILE_TEST_UNSET_VARIABLE, which is not set or empty (line 6)");
        assertThat(failure.getMessage()).as("the Lambda runtime reports the message").contains(invalid.lines());
    }

    @Test
    void aTenantsSaiKeyNeedsTheEncryptionKeyAndTheLineSaysWhereItWasDeclared() throws IOException {
        Files.writeString(dir.resolve("team.sai"), "team-SAI-key\n");
        Path file = Files.writeString(dir.resolve("gateway.yml"), "tenants:\n  - name: team\n    sai_api_key_file: team.sai\n");

        Throwable failure = catchThrowable(() -> ApplicationContext.run(tenancyOn(file)).close());

        assertThat(InvalidConfigurationException.in(failure).lines()).containsExactly("Configuration error: GATEWAY_CONFIG_FILE tenants[0].sai_api_key_file: "
                + "A tenant's SAI key is stored encrypted: set GATEWAY_ENCRYPTION_KEY (32 random bytes in base64) and restart the gateway (line 3)");
        assertThat(failure.getMessage()).doesNotContain("team-SAI-key");
    }

    @Test
    void aMissingFileStopsTheGatewayNamingThePath() {
        Path missing = dir.resolve("not-mounted.yml");

        Throwable failure = catchThrowable(() -> ApplicationContext.run(tenancyOn(missing)).close());

        assertThat(InvalidConfigurationException.in(failure).lines())
                .containsExactly("Configuration error: GATEWAY_CONFIG_FILE points to a file that cannot be read: " + missing);
    }

    @Test
    void aFileWithoutTenancyIsAMistakeNotSomethingToIgnore() throws IOException {
        Path file = Files.writeString(dir.resolve("gateway.yml"), "tenants: []\n");
        Map<String, Object> properties = tenancyOn(file);
        properties.remove("GATEWAY_ADMIN_KEY");

        Throwable failure = catchThrowable(() -> ApplicationContext.run(properties).close());

        assertThat(InvalidConfigurationException.in(failure)).as("thrown: %s", failure).isNotNull();
        assertThat(InvalidConfigurationException.in(failure).lines()).containsExactly("Configuration error: GATEWAY_CONFIG_FILE is set, but tenants "
                + "and keys are off: set GATEWAY_ADMIN_KEY (or GATEWAY_ADMIN_KEY_FILE) to use it, or unset GATEWAY_CONFIG_FILE");
    }

    @Test
    void noFileNoChange() {
        Map<String, Object> properties = tenancyOn(dir.resolve("unused.yml"));
        properties.put("GATEWAY_CONFIG_FILE", "");

        try (ApplicationContext context = ApplicationContext.run(properties)) {
            assertThat(context.getBean(TenancyAdmin.class).tenants(null, 10, 0).total()).isZero();
            assertThat(context.getBean(ConfigFileApplier.class)).as("there, with nothing to do").isNotNull();
        }
        properties.remove("GATEWAY_ADMIN_KEY");
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            assertThat(context.containsBean(ConfigFileApplier.class)).isFalse();
        }
    }
}
