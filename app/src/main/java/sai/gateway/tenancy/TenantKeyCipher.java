package sai.gateway.tenancy;

import sai.gateway.secrets.Secret;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Tenants' SAI keys at rest: AES-256-GCM (the JDK's), a fresh 96-bit nonce per value, the tenant id as associated
 * data so a value copied to another tenant's row does not decrypt. Stored as {@code v1:} + base64url(nonce || ciphertext).
 * The key is {@code GATEWAY_ENCRYPTION_KEY}: 32 bytes in base64 ({@code openssl rand -base64 32}).
 */
public final class TenantKeyCipher {

    static final String VERSION = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private TenantKeyCipher(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** @throws IllegalArgumentException with a sentence for the operator (never the value) when the key is not 32 bytes of base64 */
    public static TenantKeyCipher of(Secret encoded) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(encoded.reveal().strip());
        } catch (IllegalArgumentException e) {
            try {
                bytes = Base64.getUrlDecoder().decode(encoded.reveal().strip());
            } catch (IllegalArgumentException again) {
                throw new IllegalArgumentException("GATEWAY_ENCRYPTION_KEY must be 32 random bytes in base64 (openssl rand -base64 32)");
            }
        }
        if (bytes.length != 32) {
            throw new IllegalArgumentException("GATEWAY_ENCRYPTION_KEY must be 32 random bytes in base64 (openssl rand -base64 32); it decodes to "
                    + bytes.length + " bytes");
        }
        return new TenantKeyCipher(bytes);
    }

    public String encrypt(String context, Secret plain) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain.reveal().getBytes(StandardCharsets.UTF_8));
            return VERSION + Base64.getUrlEncoder().withoutPadding().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                    .put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JRE", e);
        }
    }

    /** @throws WrongKeyException when the value was sealed under another key, or altered, or belongs to another context */
    public Secret decrypt(String context, String stored) {
        if (!stored.startsWith(VERSION)) {
            throw new WrongKeyException();
        }
        try {
            byte[] all = Base64.getUrlDecoder().decode(stored.substring(VERSION.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return Secret.of(new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8));
        } catch (AEADBadTagException | IllegalArgumentException e) {
            throw new WrongKeyException();
        } catch (GeneralSecurityException e) {
            throw new WrongKeyException();
        }
    }

    /** The stored value does not open with this key. Carries no detail: there is none an operator could use but "wrong key". */
    public static final class WrongKeyException extends RuntimeException {
        WrongKeyException() {
            super("GATEWAY_ENCRYPTION_KEY does not open the stored tenant SAI keys: it is not the key they were encrypted with", null, false, false);
        }
    }
}
