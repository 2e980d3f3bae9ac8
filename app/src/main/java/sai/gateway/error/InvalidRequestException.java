package sai.gateway.error;

import io.micronaut.core.annotation.Nullable;

/** The client sent something the gateway will not forward: a 4xx raised before any SAI call. */
public final class InvalidRequestException extends GatewayException {

    public InvalidRequestException(ErrorCode code, @Nullable String param, Object... args) {
        super(code, code.messageKey(), param, args);
    }

    private InvalidRequestException(ErrorCode code, String messageKey, @Nullable String param, Object[] args) {
        super(code, messageKey, param, args);
    }

    /** For codes whose message depends on what exactly was wrong (an empty array, an unknown role, ...). */
    public static InvalidRequestException keyed(ErrorCode code, String messageKey, @Nullable String param, Object... args) {
        return new InvalidRequestException(code, messageKey, param, args);
    }
}
