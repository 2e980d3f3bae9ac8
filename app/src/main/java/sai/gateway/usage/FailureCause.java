package sai.gateway.usage;

import io.micronaut.core.annotation.Nullable;
import sai.gateway.auth.CredentialKind;
import sai.gateway.error.ErrorCode;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Whose failure a failed usage row was: SAI's (it limited, timed out, was down or answered wrongly) or the gateway's
 * side (the client's request, the gateway's limits and budgets, the gateway itself). Read from what a row keeps:
 * {@code error_code} is the wire code the client got ({@link ErrorCode#code()}), which several {@link ErrorCode}s
 * share, so {@code sai_latency_ms} and {@code credential} settle the ambiguous ones.
 */
public enum FailureCause {
    /** SAI answered 429 (after the cookie fallback, when there is one). */
    SAI_RATE_LIMIT(true),
    /** SAI did not answer within SAI_REQUEST_TIMEOUT. */
    SAI_TIMEOUT(true),
    /** SAI down, unreachable, a 5xx other than 500, or the circuit breaker refusing because it was. */
    SAI_UNAVAILABLE(true),
    /** SAI failed otherwise: a 500, a refused translation, an empty answer, the gateway's own credential refused. */
    SAI_ERROR(true),
    /** The client's making: a malformed or too long request, a model it may not use, its own SAI credential refused. */
    CLIENT_ERROR(false),
    /** The gateway's limits and budgets said no (per client, per key, per tenant). */
    GATEWAY_LIMIT(false),
    /** The gateway itself: an internal error, the rate limiter's store down, a replica stopping. */
    GATEWAY_ERROR(false);

    private final boolean sai;

    FailureCause(boolean sai) {
        this.sai = sai;
    }

    /** Whether SAI's side failed, rather than the gateway refusing or failing. */
    public boolean sai() {
        return sai;
    }

    /** Every cause a wire code can stand for; more than one where ErrorCodes share it (rate_limit_exceeded). */
    private static final Map<String, Set<FailureCause>> BY_CODE = new HashMap<>();

    static {
        for (ErrorCode code : ErrorCode.values()) {
            BY_CODE.computeIfAbsent(code.code(), c -> EnumSet.noneOf(FailureCause.class)).add(of(code));
        }
    }

    /**
     * Exhaustive on purpose: a new ErrorCode does not compile until someone says whose failure it is.
     * INVALID_API_KEY is the client's here; {@link #of(String, int, boolean, String)} moves SAI's refusal of the
     * gateway's own credential to SAI.
     */
    static FailureCause of(ErrorCode code) {
        return switch (code) {
            case RATE_LIMIT_EXCEEDED -> SAI_RATE_LIMIT;
            case UPSTREAM_TIMEOUT -> SAI_TIMEOUT;
            case UPSTREAM_UNAVAILABLE, UPSTREAM_CIRCUIT_OPEN -> SAI_UNAVAILABLE;
            case UPSTREAM_ERROR, UPSTREAM_EMPTY_RESPONSE -> SAI_ERROR;
            case CLIENT_REQUEST_LIMIT, CLIENT_TOKEN_QUOTA, BUDGET_EXCEEDED -> GATEWAY_LIMIT;
            case RATE_LIMITER_UNAVAILABLE, USAGE_UNAVAILABLE, GATEWAY_SHUTTING_DOWN, INTERNAL_ERROR -> GATEWAY_ERROR;
            case INVALID_JSON, INVALID_TYPE, MISSING_PARAMETER, INVALID_VALUE, UNSUPPORTED_CONTENT, INVALID_USER_KEY,
                    CONTEXT_LENGTH_EXCEEDED, BAD_REQUEST, INVALID_API_KEY, MODEL_NOT_ALLOWED, MODEL_NOT_FOUND, UNKNOWN_URL,
                    NOT_FOUND, METHOD_NOT_ALLOWED, REQUEST_TIMEOUT, CONFLICT, REQUEST_TOO_LARGE, URI_TOO_LONG,
                    UNSUPPORTED_MEDIA_TYPE, REQUEST_HEADERS_TOO_LARGE -> CLIENT_ERROR;
        };
    }

    /**
     * The cause of one failed row. {@code calledSai}: the row has SAI time ({@code sai_latency_ms > 0}); the
     * gateway's limits refuse before any SAI call, so a rate_limit_exceeded without SAI time is theirs. A code no
     * ErrorCode has (or none) goes by the status.
     */
    static FailureCause of(@Nullable String errorCode, int status, boolean calledSai, @Nullable String credential) {
        Set<FailureCause> causes = errorCode == null ? null : BY_CODE.get(errorCode);
        if (causes == null) {
            return status >= 400 && status < 500 ? CLIENT_ERROR : GATEWAY_ERROR;
        }
        if (causes.size() > 1) {
            return causes.stream().filter(c -> c.sai == calledSai).findFirst().orElse(causes.iterator().next());
        }
        FailureCause cause = causes.iterator().next();
        if (ErrorCode.INVALID_API_KEY.code().equals(errorCode) && calledSai && !clientsOwn(credential)) {
            return SAI_ERROR;
        }
        return cause;
    }

    /** The client brought this SAI credential (its own key or cookie): SAI refusing it is the client's to fix. */
    private static boolean clientsOwn(@Nullable String credential) {
        return CredentialKind.USER_KEY.label().equals(credential) || CredentialKind.USER_COOKIE.label().equals(credential);
    }
}
