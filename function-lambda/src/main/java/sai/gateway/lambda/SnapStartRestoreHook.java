package sai.gateway.lambda;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.crac.OrderedResource;
import jakarta.inject.Singleton;
import org.crac.Context;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SnapStart (CRaC): a published version starts from a snapshot taken right after init, possibly days
 * before. After a restore the secret is read again, since it may have been rotated meanwhile. SAI
 * connections need no step of their own: init never calls SAI, so the snapshot holds none, and every
 * connection to SAI is opened after the restore (with a fresh DNS lookup).
 */
@Singleton
final class SnapStartRestoreHook implements OrderedResource {

    private static final Logger LOG = LoggerFactory.getLogger(SnapStartRestoreHook.class);

    @Nullable
    private final SecretsManagerSecretSource secrets;

    SnapStartRestoreHook(@Nullable SecretsManagerSecretSource secrets) {
        this.secrets = secrets;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        LOG.info("[SNAPSTART] checkpoint");
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        LOG.info("[SNAPSTART] restored");
        if (secrets != null) {
            secrets.reloadNow("restored from a SnapStart snapshot");
        }
    }
}
