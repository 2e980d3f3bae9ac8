package sai.gateway.secrets;

import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Singleton;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's own credentials: the system SAI key and cookie (upstream, gateway to SAI) and the
 * gateway access keys (client, caller to gateway). Resolved once at startup.
 */
@Singleton
public final class SystemCredentials {

    private final Optional<Secret> saiKey;
    private final Optional<Secret> saiCookie;
    private final List<Secret> gatewayApiKeys;

    public SystemCredentials(SecretsConfiguration config) {
        this.saiKey = SecretValueReader.read(config.saiKey(), config.saiKeyFile(), "SAI_KEY").map(Secret::of);
        this.saiCookie = SecretValueReader.read(config.saiCookie(), config.saiCookieFile(), "SAI_COOKIE").map(Secret::of);
        if (saiKey.isEmpty() && saiCookie.isEmpty()) {
            throw new ConfigurationException("Set SAI_KEY or SAI_COOKIE (or SAI_KEY_FILE / SAI_COOKIE_FILE): "
                    + "the gateway needs at least one system credential for SAI");
        }
        this.gatewayApiKeys = SecretValueReader.read(config.gatewayApiKeys(), config.gatewayApiKeysFile(), "GATEWAY_API_KEYS")
                .map(SystemCredentials::splitKeys)
                .orElse(List.of());
    }

    private static List<Secret> splitKeys(String csv) {
        return Arrays.stream(csv.split("[,\\n]"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(Secret::of)
                .toList();
    }

    public Optional<Secret> saiKey() {
        return saiKey;
    }

    public Optional<Secret> saiCookie() {
        return saiCookie;
    }

    public List<Secret> gatewayApiKeys() {
        return gatewayApiKeys;
    }

    @Override
    public String toString() {
        return "SystemCredentials[saiKey=" + saiKey.isPresent() + ", saiCookie=" + saiCookie.isPresent()
                + ", gatewayApiKeys=" + gatewayApiKeys.size() + "]";
    }
}
