package sai.gateway.tenancy;

/**
 * An admin change that cannot be made as asked: the field at fault and a sentence for the operator. The admin API
 * answers it as a 400 (or 404, 409) in the OpenAI error shape.
 */
public final class TenancyRefusal extends RuntimeException {

    public enum Kind { INVALID, NOT_FOUND, CONFLICT }

    private final Kind kind;
    private final String param;

    public TenancyRefusal(Kind kind, String param, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.param = param;
    }

    public static TenancyRefusal invalid(String param, String message) {
        return new TenancyRefusal(Kind.INVALID, param, message);
    }

    public static TenancyRefusal notFound(String param, String message) {
        return new TenancyRefusal(Kind.NOT_FOUND, param, message);
    }

    public Kind kind() {
        return kind;
    }

    public String param() {
        return param;
    }
}
