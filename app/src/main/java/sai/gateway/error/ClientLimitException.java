package sai.gateway.error;

import java.util.Optional;

/** The gateway's own per-client limits refused the request, before any SAI call. */
public final class ClientLimitException extends GatewayException {

    private final long retryAfterSeconds;

    private ClientLimitException(ErrorCode code, long retryAfterSeconds, Object... args) {
        this(code, code == ErrorCode.CLIENT_REQUEST_LIMIT ? "gateway_request_limit"
                : code == ErrorCode.CLIENT_TOKEN_QUOTA ? "gateway_token_quota" : "rate_limiter_unavailable", retryAfterSeconds, args);
    }

    private ClientLimitException(ErrorCode code, String messageKey, long retryAfterSeconds, Object... args) {
        super(code, messageKey, null, args);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A virtual key's or its tenant's requests per minute ({@code tenant}: whose limit). */
    public static ClientLimitException keyRequests(boolean tenant, long perMinute, long retryAfterSeconds) {
        return new ClientLimitException(ErrorCode.CLIENT_REQUEST_LIMIT, tenant ? "request_limit_tenant" : "request_limit_key",
                retryAfterSeconds, perMinute, retryAfterSeconds);
    }

    /** A virtual key's or its tenant's tokens per minute. */
    public static ClientLimitException keyTokens(boolean tenant, long perMinute, long retryAfterSeconds) {
        return new ClientLimitException(ErrorCode.CLIENT_TOKEN_QUOTA, tenant ? "token_limit_tenant" : "token_limit_key",
                retryAfterSeconds, perMinute, retryAfterSeconds);
    }

    /** A daily or monthly token budget is spent; it resets at {@code resetsAt} (an ISO instant, UTC). */
    public static ClientLimitException budget(boolean tenant, boolean monthly, long budget, String resetsAt, long retryAfterSeconds) {
        return new ClientLimitException(ErrorCode.BUDGET_EXCEEDED, "budget_" + (tenant ? "tenant" : "key") + (monthly ? "_month" : "_day"),
                retryAfterSeconds, budget, resetsAt, retryAfterSeconds);
    }

    /** A daily or monthly token budget for one model is spent. */
    public static ClientLimitException modelBudget(boolean tenant, boolean monthly, String model, long budget, String resetsAt, long retryAfterSeconds) {
        return new ClientLimitException(ErrorCode.BUDGET_EXCEEDED, "budget_model_" + (tenant ? "tenant" : "key") + (monthly ? "_month" : "_day"),
                retryAfterSeconds, model, budget, resetsAt, retryAfterSeconds);
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
