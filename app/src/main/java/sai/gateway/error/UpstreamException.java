package sai.gateway.error;

import io.micronaut.core.annotation.Nullable;

import java.util.Optional;

/**
 * SAI answered with a failure (or did not answer). Classified once, in {@code SaiResponseClassifier}.
 * These are the failures that {@code SAI_ERROR_STYLE=message} turns into an assistant answer.
 */
public final class UpstreamException extends GatewayException {

    private final boolean retryable;
    private final Long retryAfterSeconds;

    private UpstreamException(ErrorCode code, String messageKey, @Nullable String param, boolean retryable,
                              @Nullable Long retryAfterSeconds, Object... args) {
        super(code, messageKey, param, args);
        this.retryable = retryable;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static UpstreamException unauthorized(String credentialMessageKey) {
        return new UpstreamException(ErrorCode.INVALID_API_KEY, credentialMessageKey, null, false, null);
    }

    public static UpstreamException rateLimited(@Nullable Long retryAfterSeconds) {
        return new UpstreamException(ErrorCode.RATE_LIMIT_EXCEEDED, "rate_limit_exceeded", null, false, retryAfterSeconds);
    }

    public static UpstreamException contextTooLong() {
        return new UpstreamException(ErrorCode.CONTEXT_LENGTH_EXCEEDED, "upstream_context_length_exceeded", "messages", false, null);
    }

    public static UpstreamException internalError() {
        return new UpstreamException(ErrorCode.UPSTREAM_ERROR, "upstream_error", null, false, null);
    }

    /** A 5xx other than 500, or a refused or reset connection: worth another attempt. */
    public static UpstreamException unavailable(int status) {
        return new UpstreamException(ErrorCode.UPSTREAM_UNAVAILABLE, "upstream_unavailable", null, true, null, status);
    }

    /** The connection was refused, reset or never completed. */
    public static UpstreamException unreachable() {
        return new UpstreamException(ErrorCode.UPSTREAM_UNAVAILABLE, "upstream_unreachable", null, true, null);
    }

    /** SAI was found down by the last requests in a row: refused without a call until the next probe. */
    public static UpstreamException circuitOpen(long retryAfterSeconds) {
        return new UpstreamException(ErrorCode.UPSTREAM_CIRCUIT_OPEN, "upstream_circuit_open", null, false, retryAfterSeconds, retryAfterSeconds);
    }

    public static UpstreamException emptyAnswer() {
        return new UpstreamException(ErrorCode.UPSTREAM_EMPTY_RESPONSE, "upstream_empty_response", null, false, null);
    }

    public static UpstreamException timeout(long seconds) {
        return new UpstreamException(ErrorCode.UPSTREAM_TIMEOUT, "upstream_timeout", null, false, null, seconds);
    }

    /** SAI refused the request as malformed (a 4xx other than 401/429): our translation is at fault, not the client. */
    public static UpstreamException rejected(int status) {
        return new UpstreamException(ErrorCode.UPSTREAM_ERROR, "upstream_rejected", null, false, null, status);
    }

    public boolean retryable() {
        return retryable;
    }

    public boolean isRateLimit() {
        return code() == ErrorCode.RATE_LIMIT_EXCEEDED;
    }

    @Override
    public Optional<Long> retryAfterSeconds() {
        return Optional.ofNullable(retryAfterSeconds);
    }
}
