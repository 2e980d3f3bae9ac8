package sai.gateway.tenancy;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import sai.gateway.config.InvalidConfigurationException;
import sai.gateway.testing.SaiFakeTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A gateway started with GATEWAY_CONFIG_FILE: the keys it declares are answered, applying the file again changes
 * nothing, a changed file changes what it says and nothing else, and a file the admin rules refuse changes nothing.
 * Not transactional: the gateway's own threads must see what the file wrote.
 */
@MicronautTest(transactional = false)
class ConfigFileApplierTest extends SaiFakeTest {

    static final String FILE_KEY = KeyMaterial.newSecret();
    static final String HASHED_KEY = KeyMaterial.newSecret();
    static final String TEAM_SAI_KEY = "team-SAI-key-" + UUID.randomUUID();
    static final Path DIR = tempDir();
    static final Path STARTUP_FILE = DIR.resolve("gateway.yml");

    @Inject
    ConfigFileApplier applier;
    @Inject
    TenancyAdmin admin;

    @Override
    protected Map<String, String> extraProperties() {
        write("from-file.key", FILE_KEY + "\n");
        write("team.sai", TEAM_SAI_KEY + "\n");
        write("gateway.yml", """
                tenants:
                  - name: team
                    requests_per_minute: 100
                    sai_api_key_file: team.sai
                    keys:
                      - name: from-file
                        owner: ci@example.com
                        requests_per_minute: 50
                        key_file: from-file.key
                      - name: from-hash
                        key_sha256: %s
                """.formatted(KeyMaterial.hash(HASHED_KEY)));
        return Map.of("tenancy.admin-key", "admin-" + UUID.randomUUID(), "tenancy.encryption-key", VirtualKeysTest.ENCRYPTION_KEY,
                "tenancy.database-url", "jdbc:h2:mem:cfg-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "tenancy.data-dir", DIR.resolve("data").toString(), "tenancy.config-file", STARTUP_FILE.toString());
    }

    @Test
    void theKeysTheFileDeclaresAreAnsweredAndTheirTenantsSaiKeyPays() {
        stubAnswer("hola", 3, 4, "sai-model");

        assertThat(postJson("/v1/chat/completions", chat("hi"), "Authorization", "Bearer " + FILE_KEY).statusCode()).isEqualTo(200);
        assertThat(postJson("/v1/chat/completions", chat("hi"), "Authorization", "Bearer " + HASHED_KEY).statusCode()).isEqualTo(200);

        sai.verify(2, postRequestedFor(urlPathEqualTo(EXECUTE_PATH)).withHeader("X-Api-Key", equalTo(TEAM_SAI_KEY)));
        VirtualKeyRow fromFile = key("team", "from-file");
        assertThat(fromFile.owner()).isEqualTo("ci@example.com");
        assertThat(fromFile.requestsPerMinute()).isEqualTo(50);
        assertThat(fromFile.keyPrefix()).isEqualTo(FILE_KEY.substring(0, 11));
        assertThat(key("team", "from-hash").keyPrefix()).as("from a hash alone nothing of the key is known").isEqualTo("sk-sai-");
    }

    @Test
    void applyingTheSameFileAgainChangesNothing() {
        TenantRow tenant = admin.tenantByName("team").orElseThrow();
        VirtualKeyRow fromFile = key("team", "from-file");
        VirtualKeyRow fromHash = key("team", "from-hash");

        ConfigFileApplier.Applied again = applier.apply(STARTUP_FILE);

        assertThat(List.of(again.tenants(), again.tenantsCreated(), again.tenantsUpdated(), again.keys(), again.keysCreated(), again.keysUpdated()))
                .containsExactly(1, 0, 0, 2, 0, 0);
        assertThat(admin.tenantByName("team").orElseThrow()).as("not even re-encrypted").isEqualTo(tenant);
        for (VirtualKeyRow before : List.of(fromFile, fromHash)) {
            VirtualKeyRow after = admin.key(before.id());
            assertThat(List.of(after.updatedAt(), after.keyHash(), after.keyPrefix()))
                    .containsExactly(before.updatedAt(), before.keyHash(), before.keyPrefix());
        }
    }

    @Test
    void aChangedFileChangesWhatItSaysAndLeavesTheRestAsItIs() {
        String first = KeyMaterial.newSecret();
        String second = KeyMaterial.newSecret();
        write("second.key", second);
        Path v1 = write("v1.yml", """
                tenants:
                  - name: changing
                    requests_per_minute: 60
                    keys:
                      - name: bot
                        requests_per_minute: 30
                        key_sha256: %s
                """.formatted(KeyMaterial.hash(first)));
        Path v2 = write("v2.yml", """
                tenants:
                  - name: changing
                    requests_per_minute: 60
                    tokens_per_day: 5000
                    keys:
                      - name: bot
                        requests_per_minute: 20
                        key_file: second.key
                """);
        ConfigFileApplier.Applied created = applier.apply(v1);
        assertThat(List.of(created.tenantsCreated(), created.keysCreated())).containsExactly(1, 1);
        TenantRow tenant = admin.tenantByName("changing").orElseThrow();
        VirtualKeyRow bot = key("changing", "bot");
        // Made through the admin API meanwhile: the file does not mention them, so they stay.
        admin.revokeKey(bot.id());
        IssuedKey other = admin.createKey(new KeyChange(tenant.id(), "made-by-hand", null, null, 5L, null, null, null, null, null));
        stubAnswer("ok", 1, 1, "sai-model");

        ConfigFileApplier.Applied changed = applier.apply(v2);

        assertThat(List.of(changed.tenantsCreated(), changed.tenantsUpdated(), changed.keysCreated(), changed.keysUpdated()))
                .containsExactly(0, 1, 0, 1);
        assertThat(changed.keysNotInFile()).as("made-by-hand, and the startup file's two").isGreaterThanOrEqualTo(3);
        TenantRow tenantAfter = admin.tenantByName("changing").orElseThrow();
        assertThat(tenantAfter.id()).isEqualTo(tenant.id());
        assertThat(List.of(tenantAfter.requestsPerMinute(), tenantAfter.tokensPerDay())).containsExactly(60L, 5000L);
        VirtualKeyRow botAfter = admin.key(bot.id());
        assertThat(botAfter.requestsPerMinute()).isEqualTo(20);
        assertThat(botAfter.revoked()).as("the file does not say revoked: false").isTrue();
        assertThat(botAfter.keyHash()).isEqualTo(KeyMaterial.hash(second));
        assertThat(admin.key(other.row().id()).requestsPerMinute()).isEqualTo(5);
        assertThat(postJson("/v1/chat/completions", chat("hi"), "Authorization", "Bearer " + other.secret().reveal()).statusCode()).isEqualTo(200);

        ConfigFileApplier.Applied unchanged = applier.apply(v2);
        assertThat(List.of(unchanged.tenantsUpdated(), unchanged.keysUpdated())).containsExactly(0, 0);
    }

    @Test
    void aNewSecretInTheFileReplacesTheOldOneAtOnce() {
        String first = KeyMaterial.newSecret();
        String second = KeyMaterial.newSecret();
        write("rotating.key", first);
        Path file = write("rotating.yml", "tenants: [{name: rotating, keys: [{name: k, key_file: rotating.key}]}]\n");
        applier.apply(file);
        stubAnswer("ok", 1, 1, "sai-model");
        assertThat(postJson("/v1/chat/completions", chat("hi"), "Authorization", "Bearer " + first).statusCode()).isEqualTo(200);

        write("rotating.key", second);
        assertThat(applier.apply(file).keysUpdated()).isEqualTo(1);

        assertThat(postJson("/v1/chat/completions", chat("hi"), "Authorization", "Bearer " + first).statusCode()).isEqualTo(401);
        assertThat(postJson("/v1/chat/completions", chat("hi"), "Authorization", "Bearer " + second).statusCode()).isEqualTo(200);
    }

    @Test
    void whatTheAdminRulesRefuseIsListedPerEntryAndNothingOfTheFileIsApplied() {
        Path file = write("refused.yml", """
                tenants:
                  - name: fresh
                    keys:
                      - name: fine
                        key_sha256: %s
                  - name: unknown-model
                    allowed_models: [gpt-4]
                  - name: narrow
                    requests_per_minute: 10
                    tokens_per_month: -1
                  - name: capped
                    requests_per_minute: 10
                    keys:
                      - name: greedy
                        requests_per_minute: 20
                        key_sha256: %s
                      - name: no-secret
                      - name: borrowed
                        key_sha256: %s
                      - name: elsewhere
                        allowed_models: [claude-sonnet-4-5-20250929]
                        key_sha256: %s
                """.formatted(KeyMaterial.hash(KeyMaterial.newSecret()), KeyMaterial.hash(KeyMaterial.newSecret()),
                KeyMaterial.hash(FILE_KEY), KeyMaterial.hash(KeyMaterial.newSecret())));
        long tenantsBefore = admin.tenants(null, 1000, 0).total();

        List<String> lines = catchThrowableOfType(() -> applier.apply(file), InvalidConfigurationException.class).lines();

        assertThat(lines).containsExactly(
                "Configuration error: GATEWAY_CONFIG_FILE tenants[1].allowed_models: \"gpt-4\" is not one of SAI_MODELS: sai-model, claude-sonnet-4-5-20250929 (line 7)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[2].tokens_per_month must be 0 (no limit) or a whole number up to 100000000000000 (line 10)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[3].keys[0].requests_per_minute: A key's limits cannot be above its tenant's: "
                        + "requests_per_minute exceed(s) tenant \"capped\"'s (line 15)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[3].keys[1] is a new key of tenant \"capped\" and needs its secret: key_sha256, key_env or key_file (line 17)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[3].keys[2].key_sha256 is the secret of another key already: every key needs its own (line 19)");
        assertThat(admin.tenantByName("fresh")).as("rolled back with the rest").isEmpty();
        assertThat(admin.tenantByName("capped")).isEmpty();
        assertThat(admin.tenants(null, 1000, 0).total()).isEqualTo(tenantsBefore);
        stubAnswer("ok", 1, 1, "sai-model");
        assertThat(postJson("/v1/chat/completions", chat("hi"), "Authorization", "Bearer " + FILE_KEY).statusCode())
                .as("what was there still works").isEqualTo(200);
    }

    private VirtualKeyRow key(String tenant, String name) {
        String tenantId = admin.tenantByName(tenant).orElseThrow().id();
        return admin.keys(tenantId, 100, 0).rows().stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
    }

    private static Path write(String name, String content) {
        try {
            return Files.writeString(DIR.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("config-file");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
