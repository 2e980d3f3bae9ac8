package sai.gateway.secrets;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Optional;

/**
 * The gateway's own credentials: the system SAI key and cookie (upstream, gateway to SAI) and the
 * gateway access keys (client, caller to gateway). Read from the {@link SecretSource} on every call,
 * so rotated values reach the next request; checked once at startup.
 */
@Singleton
public final class SystemCredentials {

    private final SecretSource source;

    @Inject
    public SystemCredentials(SecretSource source, @Value("${secrets.require-gateway-api-keys:false}") boolean requireGatewayApiKeys) {
        this.source = source;
        if (source instanceof EnvironmentSecretSource environment) {
            environment.requireInUse();
        }
        if (requireGatewayApiKeys && source.gatewayApiKeys().isEmpty()) {
            throw new ConfigurationException("GATEWAY_REQUIRE_API_KEYS is true but no access key is set: set GATEWAY_API_KEYS"
                    + " (with SAI_SECRET_ID, the secret's GATEWAY_API_KEYS field); " + source.describe() + " had none");
        }
    }

    /** The container's way: environment variables and {@code /run/secrets} files. */
    public SystemCredentials(SecretsConfiguration config) {
        this(new EnvironmentSecretSource(config), false);
    }

    public Optional<Secret> saiKey() {
        return source.saiKey();
    }

    public Optional<Secret> saiCookie() {
        return source.saiCookie();
    }

    public List<Secret> gatewayApiKeys() {
        return source.gatewayApiKeys();
    }

    /** SAI refused a system credential; true when the source now holds different values (it was rotated). */
    public boolean reloadAfterRejection() {
        return source.reloadAfterRejection();
    }

    @Override
    public String toString() {
        return "SystemCredentials[saiKey=" + saiKey().isPresent() + ", saiCookie=" + saiCookie().isPresent()
                + ", gatewayApiKeys=" + gatewayApiKeys().size() + ", from " + source.describe() + "]";
    }
}
