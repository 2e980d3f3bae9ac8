package sai.gateway.tenancy;

import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import sai.gateway.config.InvalidConfigurationException;
import sai.gateway.config.Setting;
import sai.gateway.database.TenancyConfiguration;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.secrets.Secret;

import java.util.List;
import java.util.Optional;

/** The cipher for tenants' SAI keys, when {@code GATEWAY_ENCRYPTION_KEY} is set; the setting's problems are the operator's to fix. */
@Singleton
@Requires(condition = TenancyEnabled.class)
public class TenantSecrets {

    static final String CHECK_SETTING = "encryption-check";
    private static final String CHECK_CONTEXT = "sai-gateway:encryption-check";
    private static final Secret CHECK_VALUE = Secret.of("the key that sealed this also seals the tenants' SAI keys");

    private final Optional<TenantKeyCipher> cipher;

    TenantSecrets(TenancyConfiguration config) {
        try {
            this.cipher = config.encryption().map(TenantKeyCipher::of);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(List.of(Setting.PREFIX + e.getMessage()));
        }
    }

    public Optional<TenantKeyCipher> cipher() {
        return cipher;
    }

    String newCheck(TenantKeyCipher cipher) {
        return cipher.encrypt(CHECK_CONTEXT, CHECK_VALUE);
    }

    boolean opens(TenantKeyCipher cipher, String check) {
        try {
            return cipher.decrypt(CHECK_CONTEXT, check).equals(CHECK_VALUE);
        } catch (TenantKeyCipher.WrongKeyException e) {
            return false;
        }
    }
}
