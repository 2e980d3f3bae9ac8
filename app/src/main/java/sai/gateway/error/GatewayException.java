package sai.gateway.error;

import io.micronaut.core.annotation.Nullable;

import java.util.Arrays;
import java.util.Optional;

/**
 * The one family of failures the gateway raises on the request path. Each carries what the renderer
 * needs (code, message key, message arguments, the offending parameter) and nothing else: arguments
 * are never credentials, so neither the exception message nor a stack trace can leak one.
 */
public abstract sealed class GatewayException extends RuntimeException
        permits InvalidRequestException, AccessDeniedException, UpstreamException, InternalErrorException, ClientLimitException,
        ShuttingDownException, UnavailableException {

    private final ErrorCode code;
    private final String messageKey;
    private final Object[] args;
    private final String param;

    protected GatewayException(ErrorCode code, String messageKey, @Nullable String param, Object... args) {
        super(code.code() + (param == null ? "" : " (param " + param + ")"), null, false, false);
        this.code = code;
        this.messageKey = messageKey;
        this.param = param;
        this.args = args.clone();
    }

    public ErrorCode code() {
        return code;
    }

    public String messageKey() {
        return messageKey;
    }

    public Object[] args() {
        return args.clone();
    }

    @Nullable
    public String param() {
        return param;
    }

    /** Seconds a client should wait before retrying, when known. */
    public Optional<Long> retryAfterSeconds() {
        return Optional.empty();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + code.code() + ", key=" + messageKey + ", param=" + param
                + ", args=" + Arrays.toString(args) + "]";
    }
}
