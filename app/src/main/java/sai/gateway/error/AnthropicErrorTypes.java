package sai.gateway.error;

/**
 * Anthropic's error type and HTTP status for each of the gateway's failures. SAI's failures map as on the other
 * surfaces, in Anthropic's terms: SAI down, unreachable or refused by the breaker (and a replica stopping) is
 * {@code overloaded_error} 529, which Anthropic's SDKs and Claude Code retry; anything else SAI got wrong is
 * {@code api_error} 500. Statuses Anthropic has no type for (405, 408, 414, 415, 431) keep their status.
 */
final class AnthropicErrorTypes {

    static final String INVALID_REQUEST = "invalid_request_error";
    static final String OVERLOADED = "overloaded_error";
    static final String API_ERROR = "api_error";

    private AnthropicErrorTypes() {
    }

    static String type(ErrorCode code) {
        return switch (code) {
            case INVALID_JSON, INVALID_TYPE, MISSING_PARAMETER, INVALID_VALUE, UNSUPPORTED_CONTENT, INVALID_USER_KEY,
                    CONTEXT_LENGTH_EXCEEDED, BAD_REQUEST, METHOD_NOT_ALLOWED, REQUEST_TIMEOUT, URI_TOO_LONG, UNSUPPORTED_MEDIA_TYPE,
                    REQUEST_HEADERS_TOO_LARGE, CONFLICT -> INVALID_REQUEST;
            case INVALID_API_KEY -> "authentication_error";
            case MODEL_NOT_ALLOWED -> "permission_error";
            case MODEL_NOT_FOUND, UNKNOWN_URL, NOT_FOUND -> "not_found_error";
            case REQUEST_TOO_LARGE -> "request_too_large";
            case RATE_LIMIT_EXCEEDED, CLIENT_REQUEST_LIMIT, CLIENT_TOKEN_QUOTA, BUDGET_EXCEEDED -> "rate_limit_error";
            case RATE_LIMITER_UNAVAILABLE, UPSTREAM_UNAVAILABLE, UPSTREAM_CIRCUIT_OPEN, GATEWAY_SHUTTING_DOWN -> OVERLOADED;
            case UPSTREAM_ERROR, UPSTREAM_EMPTY_RESPONSE, UPSTREAM_TIMEOUT, INTERNAL_ERROR, USAGE_UNAVAILABLE -> API_ERROR;
        };
    }

    static int status(ErrorCode code) {
        return switch (type(code)) {
            case OVERLOADED -> 529;
            case API_ERROR -> 500;
            default -> code.status();
        };
    }
}
