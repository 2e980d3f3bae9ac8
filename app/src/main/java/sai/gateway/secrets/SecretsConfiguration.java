package sai.gateway.secrets;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * Raw secret settings as the environment gives them: a value, a path under {@code /run/secrets/},
 * or a {@code *_FILE} variable. {@link SecretValueReader} turns them into {@link Secret}s.
 */
@ConfigurationProperties(SecretsConfiguration.PREFIX)
public record SecretsConfiguration(@Nullable String saiKey,
                                   @Nullable String saiKeyFile,
                                   @Nullable String saiCookie,
                                   @Nullable String saiCookieFile,
                                   @Nullable String gatewayApiKeys,
                                   @Nullable String gatewayApiKeysFile) {

    public static final String PREFIX = "secrets";

    @Override
    public String toString() {
        return "SecretsConfiguration[redacted]";
    }
}
