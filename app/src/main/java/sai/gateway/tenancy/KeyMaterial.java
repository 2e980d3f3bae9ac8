package sai.gateway.tenancy;

import sai.gateway.secrets.Secret;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Virtual key secrets: {@code sk-sai-} + 32 random bytes, base64url (43 characters). Only the SHA-256 (hex) and the
 * first characters are stored. A plain hash is enough: the secret has 256 bits of entropy, nothing to guess.
 */
public final class KeyMaterial {

    public static final String PREFIX = "sk-sai-";
    private static final int RANDOM_BYTES = 32;
    /** {@code sk-sai-} and four characters of the random part: enough to tell keys apart, nothing to search with. */
    private static final int SHOWN = PREFIX.length() + 4;
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyMaterial() {
    }

    public static String newSecret() {
        return PREFIX + randomToken();
    }

    /** 32 random bytes in base64url without padding (43 characters): a virtual key's secret, a dashboard session id. */
    public static String randomToken() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hash(String secret) {
        return HexFormat.of().formatHex(Secret.sha256(secret));
    }

    public static String displayPrefix(String secret) {
        return secret.substring(0, Math.min(SHOWN, secret.length()));
    }

    /** Whether a presented token looks like a virtual key at all (so static access keys are not hashed and looked up). */
    public static boolean looksVirtual(String token) {
        return token.startsWith(PREFIX);
    }
}
