package sai.gateway.error;

/** The caller did not present a valid gateway access key. */
public final class AccessDeniedException extends GatewayException {

    public AccessDeniedException(boolean keyPresented) {
        super(ErrorCode.INVALID_API_KEY, keyPresented ? "gateway_key_invalid" : "gateway_key_missing", null);
    }
}
