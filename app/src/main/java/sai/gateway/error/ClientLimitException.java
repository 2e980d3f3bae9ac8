package sai.gateway.error;

import java.util.Optional;

/** The gateway's own per-client limits refused the request, before any SAI call. */
public final class ClientLimitException extends GatewayException {

    private final long retryAfterSeconds;

    private ClientLimitException(ErrorCode code, long retryAfterSeconds, Object... args) {
        super(code, code == ErrorCode.CLIENT_REQUEST_LIMIT ? "gateway_request_limit"
                : code == ErrorCode.CLIENT_TOKEN_QUOTA ? "gateway_token_quota" : "rate_limiter_unavailable", null, args);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ClientLimitException requests(long perMinute, long retryAfterSeconds) {
        return new ClientLimitException(ErrorCode.CLIENT_REQUEST_LIMIT, retryAfterSeconds, perMinute, retryAfterSeconds);
    }

    public static ClientLimitException tokens(long perDay, long retryAfterSeconds) {
        return new ClientLimitException(ErrorCode.CLIENT_TOKEN_QUOTA, retryAfterSeconds, perDay, retryAfterSeconds);
    }

    /** The shared store cannot be reached and {@code RATE_LIMIT_FAIL_OPEN=false}. */
    public static ClientLimitException storeUnavailable(long retryAfterSeconds) {
        return new ClientLimitException(ErrorCode.RATE_LIMITER_UNAVAILABLE, retryAfterSeconds);
    }

    @Override
    public Optional<Long> retryAfterSeconds() {
        return Optional.of(retryAfterSeconds);
    }
}
