package sai.gateway.secrets;

import io.micronaut.context.exceptions.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sai.gateway.auth.CredentialKind;
import sai.gateway.auth.UpstreamCredential;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Where secret values come from (CONTRACT.md section 4 plus the {@code *_FILE} variables), and that none can be printed. */
class SecretValueReaderTest {

    private static final String VALUE = "s3cr3t-VALUE-5e6f7a8b";

    @TempDir
    Path dir;

    @Test
    void plainValueIsUsedAsIs() {
        assertThat(SecretValueReader.read(VALUE, null, "SAI_KEY")).contains(VALUE);
    }

    @Test
    void plainValueWinsOverTheFileVariable() throws IOException {
        Path file = write("other-value\n");

        assertThat(SecretValueReader.read(VALUE, file.toString(), "SAI_KEY")).contains(VALUE);
    }

    @Test
    void nothingSetMeansAbsent() {
        assertThat(SecretValueReader.read(null, null, "SAI_KEY")).isEmpty();
        assertThat(SecretValueReader.read("", "", "SAI_KEY")).isEmpty();
        assertThat(SecretValueReader.read("  ", null, "SAI_KEY")).isEmpty();
    }

    @Test
    void fileVariableIsReadWithTrailingNewlineTrimmed() throws IOException {
        Path file = write(VALUE + "\n");

        assertThat(SecretValueReader.read(null, file.toString(), "SAI_KEY")).contains(VALUE);
        assertThat(SecretValueReader.read("", file.toString(), "SAI_KEY")).contains(VALUE);
    }

    @Test
    void windowsLineEndingIsTrimmedToo() throws IOException {
        Path file = write(VALUE + "\r\n");

        assertThat(SecretValueReader.read(null, file.toString(), "SAI_COOKIE")).contains(VALUE);
    }

    @Test
    void emptyFileFailsNamingTheVariable() throws IOException {
        Path file = write("\n");

        assertThatThrownBy(() -> SecretValueReader.read(null, file.toString(), "SAI_KEY"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("SAI_KEY_FILE")
                .hasMessageContaining("empty");
    }

    @Test
    void missingFileFailsNamingTheVariable() {
        Path missing = dir.resolve("no-such-secret");

        assertThatThrownBy(() -> SecretValueReader.read(null, missing.toString(), "SAI_COOKIE"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("SAI_COOKIE_FILE");
    }

    @Test
    void unreadableFileFailsWithoutQuotingItsContent() throws IOException {
        // Not UTF-8: the read fails after the secret's first bytes, which must not reach the message.
        Path file = dir.resolve("latin1-secret");
        byte[] head = VALUE.getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[head.length + 2];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xFF;
        bytes[head.length + 1] = (byte) 0xFE;
        Files.write(file, bytes);

        assertThatThrownBy(() -> SecretValueReader.read(null, file.toString(), "GATEWAY_API_KEYS"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("GATEWAY_API_KEYS_FILE")
                .satisfies(e -> assertThat(e.toString()).doesNotContain(VALUE, "5e6f7a8b"));
    }

    @Test
    void missingSwarmSecretFailsNamingTheVariable() {
        String path = SecretValueReader.SWARM_SECRETS_DIR + "sai-gateway-test-" + UUID.randomUUID();

        assertThatThrownBy(() -> SecretValueReader.read(path, null, "SAI_KEY"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("SAI_KEY")
                .hasMessageNotContaining("SAI_KEY_FILE");
    }

    @Test
    void valueThatIsASwarmSecretPathIsReadFromTheFile() throws IOException {
        Path swarm = Path.of(SecretValueReader.SWARM_SECRETS_DIR);
        boolean created = false;
        if (!Files.isDirectory(swarm)) {
            try {
                Files.createDirectories(swarm);
                created = true;
            } catch (IOException | SecurityException e) {
                // handled by the assumption below
            }
        }
        assumeTrue(Files.isDirectory(swarm) && Files.isWritable(swarm),
                "skipped: " + swarm + " is not writable here, so no Swarm secret can be planted (the *_FILE tests cover reading)");
        Path secret = swarm.resolve("sai-gateway-test-" + UUID.randomUUID());
        try {
            Files.writeString(secret, VALUE + "\n");

            assertThat(SecretValueReader.read(secret.toString(), null, "SAI_KEY")).contains(VALUE);
            assertThat(SecretValueReader.read(" " + secret + " ", null, "SAI_KEY")).contains(VALUE);
        } finally {
            Files.deleteIfExists(secret);
            if (created) {
                Files.deleteIfExists(swarm);
            }
        }
    }

    @Test
    void secretNeverPrintsItsValue() {
        Secret secret = Secret.of(VALUE);

        assertThat(secret.toString()).doesNotContain(VALUE, "5e6f7a8b").contains("redacted");
        assertThat(String.valueOf(secret)).doesNotContain(VALUE);
        assertThat(Optional.of(secret).toString()).doesNotContain(VALUE);
        assertThat(new UpstreamCredential(CredentialKind.SYSTEM_KEY, secret).toString()).doesNotContain(VALUE);
        assertThat(secret.reveal()).isEqualTo(VALUE);
    }

    @Test
    void secretComparesByValue() {
        Secret secret = Secret.of(VALUE);

        assertThat(secret.matches(VALUE)).isTrue();
        assertThat(secret.matches(VALUE + "x")).isFalse();
        assertThat(secret.matches(VALUE.substring(1))).isFalse();
        assertThat(secret.matches(null)).isFalse();
    }

    @Test
    void systemCredentialsNeedAKeyOrACookie() {
        assertThatThrownBy(() -> new SystemCredentials(config(null, null, null)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("SAI_KEY")
                .hasMessageContaining("SAI_COOKIE");
        assertThatThrownBy(() -> new SystemCredentials(config("", " ", null)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("SAI_KEY")
                .hasMessageContaining("SAI_COOKIE");
    }

    @Test
    void systemCredentialsFromValuesAndFilesNeverPrintThem() throws IOException {
        Path cookieFile = write("session=" + VALUE + "\n");
        SystemCredentials credentials = new SystemCredentials(
                new SecretsConfiguration("sys-key-1234", null, null, cookieFile.toString(), " k1-abc , k2-def,\n", null));

        assertThat(credentials.saiKey().map(Secret::reveal)).contains("sys-key-1234");
        assertThat(credentials.saiCookie().map(Secret::reveal)).contains("session=" + VALUE);
        assertThat(credentials.gatewayApiKeys()).extracting(Secret::reveal).containsExactly("k1-abc", "k2-def");
        assertThat(credentials.toString()).doesNotContain("sys-key-1234", VALUE, "k1-abc", "k2-def");
    }

    @Test
    void gatewayKeysAreOffUnlessConfigured() {
        assertThat(new SystemCredentials(config("sys-key", null, null)).gatewayApiKeys()).isEmpty();
    }

    @Test
    void configurationRecordNeverPrintsItsValues() {
        assertThat(config("sys-key-1234", "session=abc", "k1-abc").toString()).doesNotContain("sys-key-1234", "session=abc", "k1-abc");
    }

    private static SecretsConfiguration config(String key, String cookie, String gatewayKeys) {
        return new SecretsConfiguration(key, null, cookie, null, gatewayKeys, null);
    }

    private Path write(String content) throws IOException {
        Path file = dir.resolve("secret-" + UUID.randomUUID());
        Files.writeString(file, content);
        return file;
    }
}
