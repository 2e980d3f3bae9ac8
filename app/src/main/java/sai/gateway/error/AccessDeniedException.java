package sai.gateway.error;

/** The caller did not present a valid gateway access key. */
public final class AccessDeniedException extends GatewayException {

    public AccessDeniedException(boolean keyPresented) {
        super(ErrorCode.INVALID_API_KEY, keyPresented ? "gateway_key_invalid" : "gateway_key_missing", null);
    }

    private AccessDeniedException(String messageKey, Object... args) {
        super(ErrorCode.INVALID_API_KEY, messageKey, null, args);
    }

    /** A virtual key that exists but was revoked; {@code prefix} is its display prefix, which identifies it to its owner. */
    public static AccessDeniedException revoked(String prefix) {
        return new AccessDeniedException("virtual_key_revoked", prefix);
    }

    public static AccessDeniedException expired(String prefix, String expiredAt) {
        return new AccessDeniedException("virtual_key_expired", prefix, expiredAt);
    }

    /** The admin API: no Bearer token, or not the admin key. */
    public static AccessDeniedException admin(boolean keyPresented) {
        return new AccessDeniedException(keyPresented ? "admin_key_invalid" : "admin_key_missing");
    }
}
