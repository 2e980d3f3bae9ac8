package sai.gateway.error;

import java.util.Optional;

/**
 * A dependency of the gateway's own (not SAI) did not answer, and what was asked cannot be served without it: the
 * admin API's usage totals while the database is away. A 503 with {@code Retry-After}; the cause is logged, never sent.
 */
public final class UnavailableException extends GatewayException {

    private static final long RETRY_AFTER_SECONDS = 5;

    private UnavailableException(ErrorCode code) {
        super(code, code.messageKey(), null);
    }

    public static UnavailableException usage() {
        return new UnavailableException(ErrorCode.USAGE_UNAVAILABLE);
    }

    @Override
    public Optional<Long> retryAfterSeconds() {
        return Optional.of(RETRY_AFTER_SECONDS);
    }
}
