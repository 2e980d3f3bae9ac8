package sai.gateway.error;

/**
 * Every failure a client can see, with its HTTP status and OpenAI {@code type}/{@code code}. The
 * message text lives in {@code messages_*.properties} under {@link #messageKey()} (some codes have
 * variants, see {@link GatewayException#messageKey()}).
 */
public enum ErrorCode {
    INVALID_JSON(400, "invalid_request_error", "invalid_json"),
    INVALID_TYPE(400, "invalid_request_error", "invalid_type"),
    MISSING_PARAMETER(400, "invalid_request_error", "missing_required_parameter"),
    INVALID_VALUE(400, "invalid_request_error", "invalid_value"),
    UNSUPPORTED_CONTENT(400, "invalid_request_error", "unsupported_content_type"),
    INVALID_USER_KEY(400, "invalid_request_error", "invalid_user_api_key"),
    CONTEXT_LENGTH_EXCEEDED(400, "invalid_request_error", "context_length_exceeded"),
    BAD_REQUEST(400, "invalid_request_error", "bad_request"),
    INVALID_API_KEY(401, "invalid_request_error", "invalid_api_key"),
    /** A virtual key asked for a model its tenant or itself does not allow. */
    MODEL_NOT_ALLOWED(403, "invalid_request_error", "model_not_allowed"),
    MODEL_NOT_FOUND(404, "invalid_request_error", "model_not_found"),
    UNKNOWN_URL(404, "invalid_request_error", "unknown_url"),
    /** The admin API: no tenant or key with that id. */
    NOT_FOUND(404, "invalid_request_error", "not_found"),
    METHOD_NOT_ALLOWED(405, "invalid_request_error", "method_not_allowed"),
    /** The request (its headers, or its body) did not arrive within CLIENT_HEADER_TIMEOUT / CLIENT_BODY_TIMEOUT. */
    REQUEST_TIMEOUT(408, "invalid_request_error", "request_timeout"),
    /** The admin API: the change clashes with what exists (a tenant name taken). */
    CONFLICT(409, "invalid_request_error", "conflict"),
    REQUEST_TOO_LARGE(413, "invalid_request_error", "request_too_large"),
    URI_TOO_LONG(414, "invalid_request_error", "uri_too_long"),
    UNSUPPORTED_MEDIA_TYPE(415, "invalid_request_error", "unsupported_media_type"),
    RATE_LIMIT_EXCEEDED(429, "requests", "rate_limit_exceeded"),
    REQUEST_HEADERS_TOO_LARGE(431, "invalid_request_error", "request_headers_too_large"),
    /** The gateway's own limits (RATE_LIMIT_RPM, TOKEN_QUOTA_DAILY), typed as OpenAI types its own. */
    CLIENT_REQUEST_LIMIT(429, "requests", "rate_limit_exceeded"),
    CLIENT_TOKEN_QUOTA(429, "tokens", "rate_limit_exceeded"),
    /** A virtual key's or its tenant's daily or monthly token budget is spent. */
    BUDGET_EXCEEDED(429, "tokens", "budget_exceeded"),
    RATE_LIMITER_UNAVAILABLE(503, "server_error", "rate_limiter_unavailable"),
    /** The admin API: the tenancy database did not answer a read of usage totals. */
    USAGE_UNAVAILABLE(503, "server_error", "usage_unavailable"),
    UPSTREAM_ERROR(502, "server_error", "upstream_error"),
    UPSTREAM_UNAVAILABLE(502, "server_error", "upstream_unavailable"),
    /** The circuit breaker refused the call without trying SAI: a 503 with Retry-After, which SDKs retry on their own. */
    UPSTREAM_CIRCUIT_OPEN(503, "server_error", "upstream_unavailable"),
    UPSTREAM_EMPTY_RESPONSE(502, "server_error", "upstream_empty_response"),
    UPSTREAM_TIMEOUT(504, "server_error", "upstream_timeout"),
    /** The replica is stopping and SHUTDOWN_GRACE_SECONDS ran out before the answer: another replica can take the retry. */
    GATEWAY_SHUTTING_DOWN(503, "server_error", "gateway_shutting_down"),
    INTERNAL_ERROR(500, "server_error", "internal_error");

    private final int status;
    private final String type;
    private final String code;

    ErrorCode(int status, String type, String code) {
        this.status = status;
        this.type = type;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String messageKey() {
        return code;
    }
}
