package sai.gateway.admin;

import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;
import sai.gateway.tenancy.TenancyRefusal;

import java.util.function.Supplier;

/**
 * The tenancy rules' refusals as the gateway's own 4xx, rendered by its exception handler in the OpenAI shape with
 * the field at fault as {@code param} and the rule's sentence as the message.
 */
final class AdminRefusals {

    private AdminRefusals() {
    }

    static <T> T call(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (TenancyRefusal refusal) {
            throw translate(refusal);
        }
    }

    static InvalidRequestException translate(TenancyRefusal refusal) {
        ErrorCode code = switch (refusal.kind()) {
            case INVALID -> ErrorCode.INVALID_VALUE;
            case NOT_FOUND -> ErrorCode.NOT_FOUND;
            case CONFLICT -> ErrorCode.CONFLICT;
        };
        return InvalidRequestException.keyed(code, "admin_refusal", refusal.param(), refusal.getMessage());
    }

    static InvalidRequestException invalid(String param, String message) {
        return InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "admin_refusal", param, message);
    }
}
