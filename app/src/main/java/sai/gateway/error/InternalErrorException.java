package sai.gateway.error;

/** The gateway itself failed. The cause is logged server-side; the client only reads a generic message. */
public final class InternalErrorException extends GatewayException {

    public InternalErrorException() {
        super(ErrorCode.INTERNAL_ERROR, ErrorCode.INTERNAL_ERROR.messageKey(), null);
    }
}
