package sai.gateway.secrets;

import io.micronaut.context.annotation.Secondary;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The container's secrets: {@code SAI_KEY}, {@code SAI_COOKIE}, {@code GATEWAY_API_KEYS}, each a value,
 * a path under {@code /run/secrets/} or a {@code *_FILE} variable. Resolved once, at startup.
 * {@code @Secondary}: a build that ships another {@link SecretSource} (the Lambda's Secrets Manager) replaces it.
 */
@Singleton
@Secondary
public final class EnvironmentSecretSource implements SecretSource {

    private final Optional<Secret> saiKey;
    private final Optional<Secret> saiCookie;
    private final List<Secret> gatewayApiKeys;
    /** Set when SAI_SECRET_ID names the source to use instead; this one then holds nothing. */
    private final String standsAsideFor;

    @Inject
    public EnvironmentSecretSource(SecretsConfiguration config, @Nullable @Value("${secrets.aws.secret-id:}") String awsSecretId) {
        // Created even where unused (the Lambda creates every bean at init), so it must not fail there.
        this(awsSecretId != null && !awsSecretId.isBlank() ? awsSecretId.strip() : null, config);
    }

    public EnvironmentSecretSource(SecretsConfiguration config) {
        this(null, config);
    }

    private EnvironmentSecretSource(@Nullable String standsAsideFor, SecretsConfiguration config) {
        this.standsAsideFor = standsAsideFor;
        if (standsAsideFor != null) {
            this.saiKey = Optional.empty();
            this.saiCookie = Optional.empty();
            this.gatewayApiKeys = List.of();
            return;
        }
        this.saiKey = SecretValueReader.read(config.saiKey(), config.saiKeyFile(), "SAI_KEY").map(Secret::of);
        this.saiCookie = SecretValueReader.read(config.saiCookie(), config.saiCookieFile(), "SAI_COOKIE").map(Secret::of);
        if (saiKey.isEmpty() && saiCookie.isEmpty()) {
            throw new ConfigurationException("SAI_KEY or SAI_COOKIE is required (or SAI_KEY_FILE / SAI_COOKIE_FILE): set at least "
                    + "one system credential for SAI, for example SAI_KEY=/run/secrets/SAI_KEY");
        }
        this.gatewayApiKeys = SecretValueReader.read(config.gatewayApiKeys(), config.gatewayApiKeysFile(), "GATEWAY_API_KEYS")
                .map(EnvironmentSecretSource::splitKeys)
                .orElse(List.of());
    }

    /** Called when this source is the one in use: with SAI_SECRET_ID set, it means the build cannot read the secret. */
    void requireInUse() {
        if (standsAsideFor != null) {
            // Silently running without credentials, or failing with a misleading message, would be worse.
            throw new ConfigurationException("SAI_SECRET_ID is set, but this build reads secrets from environment variables and "
                    + "/run/secrets files only: AWS Secrets Manager is read by the Lambda build (function-lambda). "
                    + "Unset SAI_SECRET_ID, or set SAI_KEY / SAI_COOKIE / GATEWAY_API_KEYS");
        }
    }

    /** Comma- or newline-separated access keys, blanks dropped. Shared with other sources so the format is one. */
    public static List<Secret> splitKeys(String csv) {
        return Arrays.stream(csv.split("[,\\n]"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(Secret::of)
                .toList();
    }

    @Override
    public Optional<Secret> saiKey() {
        return saiKey;
    }

    @Override
    public Optional<Secret> saiCookie() {
        return saiCookie;
    }

    @Override
    public List<Secret> gatewayApiKeys() {
        return gatewayApiKeys;
    }

    @Override
    public String describe() {
        return "environment variables and files";
    }
}
