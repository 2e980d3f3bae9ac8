package sai.gateway.secrets;

import java.util.List;
import java.util.Optional;

/**
 * Where the gateway's own credentials come from. The default, {@link EnvironmentSecretSource}, reads
 * environment variables and {@code /run/secrets} files once at startup; the Lambda build adds one that
 * reads AWS Secrets Manager and wins over it. Asked on every request, so a source whose values change
 * (rotation) is seen at once by the credential chain and the access filter.
 */
public interface SecretSource {

    Optional<Secret> saiKey();

    Optional<Secret> saiCookie();

    List<Secret> gatewayApiKeys();

    /**
     * SAI refused a system credential: a source whose values can change looks again now instead of
     * waiting for its next scheduled refresh. Returns whether anything changed.
     */
    default boolean reloadAfterRejection() {
        return false;
    }

    /** Names where the values come from (never the values), for the startup log and error messages. */
    String describe();
}
