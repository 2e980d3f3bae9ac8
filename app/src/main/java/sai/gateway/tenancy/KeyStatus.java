package sai.gateway.tenancy;

import java.time.Instant;

/** Whether a key opens the gateway now: revoked wins over expired, as the key directory refuses it either way. */
public enum KeyStatus {
    ACTIVE, REVOKED, EXPIRED;

    public static KeyStatus of(VirtualKeyRow key, Instant now) {
        if (key.revoked()) {
            return REVOKED;
        }
        return key.expiresAt() != null && !now.isBefore(key.expiresAt()) ? EXPIRED : ACTIVE;
    }
}
