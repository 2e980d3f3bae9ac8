package sai.gateway.error;

import java.util.Optional;

/**
 * The gateway is stopping (SIGTERM) and {@code SHUTDOWN_GRACE_SECONDS} ran out while this request still waited
 * for SAI: the client gets an answer it can act on, a retry, instead of a connection closed mid-request.
 */
public final class ShuttingDownException extends GatewayException {

    /** Another replica is ready at once; a client that honours Retry-After should not wait long. */
    private static final long RETRY_AFTER_SECONDS = 1;

    public ShuttingDownException() {
        super(ErrorCode.GATEWAY_SHUTTING_DOWN, ErrorCode.GATEWAY_SHUTTING_DOWN.messageKey(), null);
    }

    @Override
    public Optional<Long> retryAfterSeconds() {
        return Optional.of(RETRY_AFTER_SECONDS);
    }
}
