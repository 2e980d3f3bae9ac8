package sai.gateway.lambda;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.crac.OrderedResource;
import jakarta.inject.Singleton;
import org.crac.Context;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.tenancy.KeyDirectory;

import java.util.Optional;

/**
 * SnapStart (CRaC): a published version starts from a snapshot taken right after init, possibly days
 * before. After a restore the secret is read again, since it may have been rotated meanwhile. SAI
 * connections need no step of their own: init never calls SAI, so the snapshot holds none, and every
 * connection to SAI is opened after the restore (with a fresh DNS lookup). With tenancy on, tenants and keys are
 * re-read too, so a key revoked after the snapshot is refused from the first request.
 */
@Singleton
final class SnapStartRestoreHook implements OrderedResource {

    private static final Logger LOG = LoggerFactory.getLogger(SnapStartRestoreHook.class);

    @Nullable
    private final SecretsManagerSecretSource secrets;
    @Nullable
    private final KeyDirectory keys;

    SnapStartRestoreHook(@Nullable SecretsManagerSecretSource secrets, Optional<KeyDirectory> keys) {
        this.secrets = secrets;
        this.keys = keys.orElse(null);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        LOG.info("[SNAPSTART] checkpoint");
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        restored();
    }

    /**
     * Called by the Java runtime's CRaC hook in the buffered mode, and by {@link SnapStartHookController} in the
     * streaming mode, where the runtime's hook never reaches this JVM (the Lambda Web Adapter is the runtime client).
     */
    void restored() {
        LOG.info("[SNAPSTART] restored");
        if (secrets != null) {
            secrets.reloadNow("restored from a SnapStart snapshot");
        }
        if (keys != null) {
            // The snapshot's tenants and keys may be days old: a key revoked since must not be served until the next refresh.
            try {
                keys.reload();
            } catch (RuntimeException e) {
                LOG.warn("[SNAPSTART] tenants and keys not re-read after the restore ({}); the next refresh reads them", e.getClass().getSimpleName());
            }
        }
    }
}
