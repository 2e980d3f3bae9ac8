package sai.gateway.tenancy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sai.gateway.config.InvalidConfigurationException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What operators write in GATEWAY_CONFIG_FILE and what the gateway makes of it, without starting one. */
class ConfigFileParserTest {

    static final String LAPTOP_KEY = "sk-sai-" + "L".repeat(43);
    static final String CI_BOT_KEY = "sk-sai-R9Gmi3og7btUSX5aEv9IH_s17MWhZwhHf5tGSscs2ss";

    @TempDir
    Path dir;

    private final ConfigFileParser parser = new ConfigFileParser(Map.of("LAPTOP_KEY", LAPTOP_KEY, "NO_SAI_KEY", "sai-key-from-env",
            "EMPTY", " ")::get);

    @Test
    void theDocumentedExampleReadsAsWritten() throws java.io.IOException {
        // Copied out with the files it names: on the Lambda module's run the resources are inside the test jar, which has no file path.
        Path dir = java.nio.file.Files.createTempDirectory("config-file");
        for (String name : List.of("example.yml", "ds-sai.key", "ci-bot.key")) {
            try (java.io.InputStream in = ConfigFileParserTest.class.getResourceAsStream("/config-file/" + name)) {
                java.nio.file.Files.copy(in, dir.resolve(name));
            }
        }
        ConfigFile file = parser.parse(dir.resolve("example.yml"));

        assertThat(file.tenants()).hasSize(2);
        ConfigFile.DeclaredTenant ds = file.tenants().get(0);
        assertThat(ds.path()).isEqualTo("tenants[0]");
        assertThat(ds.name()).isEqualTo("data-science");
        assertThat(ds.allowedModels()).containsExactly("sai-model");
        assertThat(List.of(ds.requestsPerMinute(), ds.tokensPerMinute(), ds.tokensPerDay(), ds.tokensPerMonth()))
                .containsExactly(60L, 0L, 200_000L, 0L);
        assertThat(ds.saiKey().reveal()).as("read next to the file, trailing newline gone").isEqualTo("tenant-SAI-key-from-a-file");
        assertThat(ds.saiKeyField()).isEqualTo("sai_api_key_file");
        assertThat(ds.lines()).containsEntry("requests_per_minute", 5);

        ConfigFile.DeclaredKey ci = ds.keys().get(0);
        assertThat(ci.path()).isEqualTo("tenants[0].keys[0]");
        assertThat(ci.owner()).isEqualTo("ci@example.com");
        assertThat(ci.requestsPerMinute()).isEqualTo(30L);
        assertThat(ci.tokensPerDay()).as("left out: left as it is").isNull();
        assertThat(ci.expiresAt()).isEqualTo(Instant.parse("2027-06-30T00:00:00Z"));
        assertThat(ci.revoked()).isFalse();
        assertThat(ci.plainKey().reveal()).isEqualTo(CI_BOT_KEY);
        assertThat(ci.keyHash()).isEqualTo(KeyMaterial.hash(CI_BOT_KEY));
        assertThat(ci.keyField()).isEqualTo("key_file");

        ConfigFile.DeclaredKey notebook = ds.keys().get(1);
        assertThat(notebook.keyHash()).as("as KeyMaterial.hash writes it").isEqualTo("ec84b58f83de4cb3b805d56344cb7e06a8a79566f9f32d8464796cdb76c8a4ac");
        assertThat(notebook.plainKey()).isNull();
        assertThat(notebook.owner()).isNull();
        assertThat(notebook.allowedModels()).isNull();
        assertThat(notebook.revoked()).isNull();

        ConfigFile.DeclaredKey laptop = ds.keys().get(2);
        assertThat(laptop.owner()).as("null clears it").isEmpty();
        assertThat(laptop.expiresAt()).as("null: never, as KeyChange takes it").isEqualTo(Instant.EPOCH);
        assertThat(laptop.keyHash()).isEqualTo(KeyMaterial.hash(LAPTOP_KEY));

        ConfigFile.DeclaredTenant no = file.tenants().get(1);
        assertThat(no.name()).as("text as written, not YAML 1.1's false").isEqualTo("no");
        assertThat(no.saiKey().reveal()).isEqualTo("sai-key-from-env");
        assertThat(no.keys()).isEmpty();
        assertThat(no.requestsPerMinute()).isNull();
    }

    @Test
    void everyProblemIsListedWithItsPlaceAndLine() {
        assertThat(problems("""
                tenants:
                  - name: a
                    request_per_minute: 60
                    tokens_per_day: -5
                    tokens_per_month: "100"
                    allowed_models: sai-model
                    sai_api_key_file: x
                    sai_api_key_env: Y
                    keys:
                      - name: k
                        revoked: yes
                        expires_at: 2027-06-30
                        key_env: UNSET_VARIABLE
                      - owner: o
                        key_sha256: abc
                  - name: a
                    tokens_per_day: 1
                    tokens_per_day: 2
                  - just text
                """)).containsExactly(
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].request_per_minute is not a field of a tenant: did you mean requests_per_minute? (line 3)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].allowed_models must be a list of model ids, for example [sai-model], or [] for every model (line 6)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].tokens_per_month must be 0 (no limit) or a positive whole number (line 5, got \"100\")",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0] sets both sai_api_key_file and sai_api_key_env: keep one (line 2)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].keys[0].expires_at must be a time with its offset, for example 2027-06-30T00:00:00Z, or null for never (line 12, got \"2027-06-30\")",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].keys[0].revoked must be true or false (line 11, got \"yes\")",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].keys[0].key_env names UNSET_VARIABLE, which is not set or empty (line 13)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].keys[1].name is required: tenants are matched by name, and keys by their tenant and name (line 14)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].keys[1].key_sha256 must be the key's SHA-256, 64 hex characters (printf %s \"$KEY\" | sha256sum) (line 15)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[1].tokens_per_day is written twice (first on line 17) (line 18)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[1].name \"a\" is declared twice (also tenants[0]) (line 16)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[2] must be a tenant: name: and its settings (line 19)");
    }

    @Test
    void negativeLimitsAreLeftToTheAdminRulesButNonNumbersAreNot() {
        // -5 is a whole number: TenancyAdmin refuses it with its own sentence (ConfigFileApplierTest); here it reads.
        assertThat(problems("tenants: [{name: a, requests_per_minute: 1.5, tokens_per_minute: 0x10, tokens_per_day: 9223372036854775808}]"))
                .containsExactly(
                        "Configuration error: GATEWAY_CONFIG_FILE tenants[0].requests_per_minute must be 0 (no limit) or a positive whole number (line 1, got \"1.5\")",
                        "Configuration error: GATEWAY_CONFIG_FILE tenants[0].tokens_per_minute must be 0 (no limit) or a positive whole number (line 1, got \"0x10\")",
                        "Configuration error: GATEWAY_CONFIG_FILE tenants[0].tokens_per_day must be 0 (no limit) or a positive whole number (line 1, got \"9223372036854775808\")");
    }

    @Test
    void aSecretWrittenInTheFileIsRefusedAndNeverRepeated() {
        String secret = "sk-sai-" + "S".repeat(43);
        List<String> lines = problems("""
                tenants:
                  - name: a
                    sai_api_key: the-tenants-SAI-key
                    keys:
                      - name: k1
                        key: %1$s
                      - name: k2
                        key_sha256: %1$s
                      - name: k3
                        key_env: %1$s
                      - name: k4
                        key_file: %1$s
                      - name: k5
                        %1$s: 1
                """.formatted(secret));

        assertThat(lines).containsExactly(
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].sai_api_key is not a field of a tenant: a tenant's SAI key is never written in the file; name where to read it with sai_api_key_file or sai_api_key_env (line 3)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].keys[0].key is not a field of a key: a key is never written in the file; declare it with key_sha256, key_env or key_file (line 6)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].keys[1].key_sha256 holds a key, not its SHA-256: the key itself never goes in the file; write its SHA-256 (printf %s \"$KEY\" | sha256sum) (line 8)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].keys[2].key_env must be the name of an environment variable, for example CI_BOT_KEY, not the key itself: the key never goes in the file (line 10)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].keys[3].key_file must be the path of a file, not the key itself: the key never goes in the file (line 12)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].keys[4] has a field that is not one of a key's: name, owner, allowed_models, requests_per_minute, tokens_per_minute, tokens_per_day, tokens_per_month, expires_at, revoked, key_sha256, key_env, key_file (line 14)");
        assertThat(String.join("\n", lines)).doesNotContain(secret).doesNotContain("the-tenants-SAI-key");
    }

    @Test
    void whereASecretIsReadFromMustLeadToOne() throws IOException {
        Files.writeString(dir.resolve("short.key"), "sk-sai-tooShort\n");
        Files.writeString(dir.resolve("empty.key"), "\n");
        Files.writeString(dir.resolve("good.key"), LAPTOP_KEY);
        List<String> lines = problems("""
                tenants:
                  - name: a
                    keys:
                      - {name: k1, key_file: short.key}
                      - {name: k2, key_file: empty.key}
                      - {name: k3, key_file: missing.key}
                      - {name: k4, key_env: EMPTY}
                      - {name: k5, key_env: LAPTOP_KEY, key_file: good.key}
                      - {name: k6, key_file: good.key}
                      - {name: k7, key_env: LAPTOP_KEY}
                      - {name: k6, key_sha256: %s}
                """.formatted("0".repeat(64)));

        assertThat(lines).containsExactly(
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].keys[0].key_file does not lead to a virtual key: it must be sk-sai- and at least 43 base64url characters (32 random bytes) (line 4)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].keys[1].key_file points to an empty file: " + dir.resolve("empty.key") + " (line 5)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].keys[2].key_file points to a file that cannot be read: " + dir.resolve("missing.key") + " (line 6)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].keys[3].key_env names EMPTY, which is not set or empty (line 7)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].keys[4] sets key_env and key_file: a key has one secret, keep one (line 8)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].keys[6].key_env is the same secret as tenants[0].keys[5]'s: every key needs its own (line 10)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0].keys[7].name \"k6\" is declared twice in this tenant (also tenants[0].keys[5]) (line 11)");
        assertThat(String.join("\n", lines)).doesNotContain("tooShort").doesNotContain(LAPTOP_KEY);
    }

    @Test
    void theFileItselfMustBeThereAndBeOneYamlMappingOfTenants() throws IOException {
        Path missing = dir.resolve("nope.yml");
        assertThat(problems(missing)).containsExactly("Configuration error: GATEWAY_CONFIG_FILE points to a file that cannot be read: " + missing);
        Path empty = Files.writeString(dir.resolve("empty.yml"), "\n  \n");
        assertThat(problems(empty)).containsExactly("Configuration error: GATEWAY_CONFIG_FILE points to an empty file: " + empty);
        assertThat(problems(dir)).as("a directory").containsExactly("Configuration error: GATEWAY_CONFIG_FILE points to a file that cannot be read: " + dir);

        assertThat(problems("# only a comment\n")).containsExactly("Configuration error: GATEWAY_CONFIG_FILE holds no YAML document: it must start with tenants:");
        assertThat(problems("tenants: []\n---\ntenants: []\n"))
                .containsExactly("Configuration error: GATEWAY_CONFIG_FILE holds more than one YAML document: put every tenant in one list under tenants: (line 3)");
        assertThat(problems("- name: a\n")).containsExactly("Configuration error: GATEWAY_CONFIG_FILE must start with tenants: and the list of tenants (line 1)");
        assertThat(problems("tenant:\n  - name: a\n")).containsExactly(
                "Configuration error: GATEWAY_CONFIG_FILE tenant is not a field of the file: did you mean tenants? (line 1)");
        assertThat(problems("tenants: {name: a}\n"))
                .containsExactly("Configuration error: GATEWAY_CONFIG_FILE tenants must be a list of tenants, each starting with - name: (line 1)");
        assertThat(problems("defaults: &d {requests_per_minute: 5}\ntenants:\n  - <<: *d\n    name: a\n")).containsExactly(
                "Configuration error: GATEWAY_CONFIG_FILE defaults is not a field of the file; the fields are tenants (line 1)",
                "Configuration error: GATEWAY_CONFIG_FILE tenants[0] uses a merge key (<<): write the fields out, so each entry reads as it applies (line 3)");
        assertThat(parser.parse("tenants:\n", dir).tenants()).as("every tenant commented out").isEmpty();
    }

    @Test
    void invalidYamlSaysWhereAndNeverQuotesTheFile() {
        String secret = "sk-sai-" + "Q".repeat(43);
        List<String> lines = problems("tenants:\n  - name: a\n    keys: [{name: k, key_sha256: " + secret + "\n  - name: b\n");

        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("Configuration error: GATEWAY_CONFIG_FILE is not valid YAML: ").containsPattern("\\(line \\d+, column \\d+\\)$")
                .doesNotContain(secret);
    }

    private List<String> problems(String yaml) {
        return catchThrowableOfType(() -> parser.parse(yaml, dir), InvalidConfigurationException.class).lines();
    }

    private List<String> problems(Path file) {
        return catchThrowableOfType(() -> parser.parse(file), InvalidConfigurationException.class).lines();
    }
}
