package sai.gateway.auth;

/** Which upstream credential a SAI call carries; decides the header and the 401 message. */
public enum CredentialKind {
    USER_KEY("X-Api-Key", "user key", "upstream_unauthorized_user_key"),
    USER_COOKIE("Cookie", "user cookie", "upstream_unauthorized_user_cookie"),
    SYSTEM_KEY("X-Api-Key", "system key", "upstream_unauthorized_system_key"),
    /** A virtual key's tenant's own SAI key: in place of the system key. */
    TENANT_KEY("X-Api-Key", "tenant key", "upstream_unauthorized_tenant_key"),
    SYSTEM_COOKIE("Cookie", "system cookie", "upstream_unauthorized_system_cookie");

    private final String header;
    private final String label;
    private final String unauthorizedMessageKey;

    CredentialKind(String header, String label, String unauthorizedMessageKey) {
        this.header = header;
        this.label = label;
        this.unauthorizedMessageKey = unauthorizedMessageKey;
    }

    public String header() {
        return header;
    }

    /** For logs and metrics: names the kind, never the value. */
    public String label() {
        return label;
    }

    public String unauthorizedMessageKey() {
        return unauthorizedMessageKey;
    }
}
