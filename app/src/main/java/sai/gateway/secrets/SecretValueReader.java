package sai.gateway.secrets;

import io.micronaut.context.exceptions.ConfigurationException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Resolves one secret the way the old gateway did: a value that is a path under {@code /run/secrets/}
 * (Docker Swarm's mount point) is read from that file; otherwise an explicit {@code *_FILE} path is
 * read; otherwise the value itself is used. Trailing newlines, which {@code echo | docker secret create}
 * adds, are trimmed.
 */
public final class SecretValueReader {

    static final String SWARM_SECRETS_DIR = "/run/secrets/";

    private SecretValueReader() {
    }

    public static Optional<String> read(String value, String file, String variable) {
        if (value != null && !value.isBlank()) {
            String v = value.strip();
            if (v.startsWith(SWARM_SECRETS_DIR)) {
                return Optional.of(readFile(Path.of(v), variable));
            }
            return Optional.of(v);
        }
        if (file != null && !file.isBlank()) {
            return Optional.of(readFile(Path.of(file.strip()), variable + "_FILE"));
        }
        return Optional.empty();
    }

    private static String readFile(Path path, String variable) {
        try {
            String content = Files.readString(path, StandardCharsets.UTF_8).strip();
            if (content.isEmpty()) {
                throw new ConfigurationException(variable + " points to an empty file: " + path);
            }
            return content;
        } catch (IOException e) {
            // The path is configuration, not a secret; the content never appears here.
            throw new ConfigurationException(variable + " points to a file that cannot be read: " + path);
        }
    }
}
