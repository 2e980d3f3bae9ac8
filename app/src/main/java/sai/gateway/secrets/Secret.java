package sai.gateway.secrets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A credential value. It cannot be printed by accident: {@code toString()} is redacted, and the raw
 * value is only reachable through {@link #reveal()}, which the SAI client calls when it sets a header.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        Objects.requireNonNull(value, "value");
        return new Secret(value);
    }

    public String reveal() {
        return value;
    }

    public int length() {
        return value.length();
    }

    /** Compares in time independent of where the values differ, so callers cannot probe a key byte by byte. */
    public boolean matches(String candidate) {
        if (candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(value), sha256(candidate));
    }

    /** SHA-256 of a text's UTF-8 bytes: what every hash of a credential here is (comparisons, limit keys, stored key hashes). */
    public static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    @Override
    public String toString() {
        return "Secret[redacted, length=" + value.length() + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && MessageDigest.isEqual(sha256(value), sha256(other.value));
    }

    @Override
    public int hashCode() {
        return 0; // equal secrets must collide; a content hash would leak information
    }
}
