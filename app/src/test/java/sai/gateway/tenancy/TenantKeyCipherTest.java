package sai.gateway.tenancy;

import org.junit.jupiter.api.Test;
import sai.gateway.secrets.Secret;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantKeyCipherTest {

    private static final Secret KEY = Secret.of(Base64.getEncoder().encodeToString(new byte[32]));
    private static final Secret OTHER = Secret.of(Base64.getEncoder().encodeToString("another key of 32 bytes, exactly".getBytes()));

    @Test
    void aSealedKeyOpensWithTheSameKeyAndTenantOnly() {
        TenantKeyCipher cipher = TenantKeyCipher.of(KEY);
        String sealed = cipher.encrypt("ten_1", Secret.of("tenant-sai-key"));

        assertThat(sealed).startsWith("v1:").doesNotContain("tenant-sai-key");
        assertThat(cipher.decrypt("ten_1", sealed).reveal()).isEqualTo("tenant-sai-key");
        assertThat(cipher.encrypt("ten_1", Secret.of("tenant-sai-key"))).as("a fresh nonce each time").isNotEqualTo(sealed);
        assertThatThrownBy(() -> cipher.decrypt("ten_2", sealed)).isInstanceOf(TenantKeyCipher.WrongKeyException.class);
        assertThatThrownBy(() -> TenantKeyCipher.of(OTHER).decrypt("ten_1", sealed)).isInstanceOf(TenantKeyCipher.WrongKeyException.class);
        String tampered = sealed.substring(0, sealed.length() - 2) + (sealed.endsWith("A") ? "BB" : "AA");
        assertThatThrownBy(() -> cipher.decrypt("ten_1", tampered)).isInstanceOf(TenantKeyCipher.WrongKeyException.class);
        assertThatThrownBy(() -> cipher.decrypt("ten_1", "plain")).isInstanceOf(TenantKeyCipher.WrongKeyException.class);
    }

    @Test
    void anEncryptionKeyMustBe32BytesOfBase64AndIsNeverQuoted() {
        assertThatThrownBy(() -> TenantKeyCipher.of(Secret.of("too-short-SECRET"))).hasMessageContaining("GATEWAY_ENCRYPTION_KEY")
                .hasMessageNotContaining("SECRET");
        assertThatThrownBy(() -> TenantKeyCipher.of(Secret.of(Base64.getEncoder().encodeToString(new byte[16]))))
                .hasMessageContaining("16 bytes");
        assertThat(TenantKeyCipher.of(Secret.of(Base64.getUrlEncoder().encodeToString(new byte[32])))).isNotNull();
    }

    @Test
    void keysAreLongRandomAndStoredAsTheirHash() {
        String key = KeyMaterial.newSecret();
        assertThat(key).startsWith("sk-sai-").hasSize(7 + 43).matches("sk-sai-[A-Za-z0-9_-]{43}");
        assertThat(KeyMaterial.newSecret()).isNotEqualTo(key);
        assertThat(KeyMaterial.hash(key)).hasSize(64).isEqualTo(KeyMaterial.hash(key)).isNotEqualTo(KeyMaterial.hash(key + "x"));
        assertThat(KeyMaterial.displayPrefix(key)).hasSize(11).isEqualTo(key.substring(0, 11));
    }

    @Test
    void aKeysLimitsAboveItsTenantsAreNamedAndZeroMeansNone() {
        Limits tenant = new Limits(10, 0, 1000, 0);
        assertThat(new Limits(11, 5, 1000, 7).above(tenant)).containsExactly("requests_per_minute");
        assertThat(new Limits(0, 0, 1001, 0).above(tenant)).containsExactly("tokens_per_day");
        assertThat(new Limits(10, 99, 1000, 99).above(tenant)).isEmpty();
    }
}
