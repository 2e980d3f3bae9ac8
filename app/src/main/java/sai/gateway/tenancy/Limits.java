package sai.gateway.tenancy;

import io.micronaut.serde.annotation.Serdeable;

/** A tenant's or a key's limits and budgets; 0 means none at this level. Tokens are prompt + completion, as SAI reports them. */
@Serdeable
public record Limits(long requestsPerMinute, long tokensPerMinute, long tokensPerDay, long tokensPerMonth) {

    public static final Limits NONE = new Limits(0, 0, 0, 0);

    public Limits {
        if (requestsPerMinute < 0 || tokensPerMinute < 0 || tokensPerDay < 0 || tokensPerMonth < 0) {
            throw new IllegalArgumentException("limits are 0 (none) or positive");
        }
    }

    /** The field names (as the admin API writes them) where this key's limits are above its tenant's, which a key may never be. */
    public java.util.List<String> above(Limits tenant) {
        java.util.List<String> above = new java.util.ArrayList<>();
        check(above, "requests_per_minute", requestsPerMinute, tenant.requestsPerMinute);
        check(above, "tokens_per_minute", tokensPerMinute, tenant.tokensPerMinute);
        check(above, "tokens_per_day", tokensPerDay, tenant.tokensPerDay);
        check(above, "tokens_per_month", tokensPerMonth, tenant.tokensPerMonth);
        return above;
    }

    private static void check(java.util.List<String> above, String field, long key, long tenant) {
        // A tenant's 0 is "no limit"; a key's 0 is "the tenant's": either way nothing is above.
        if (tenant > 0 && key > tenant) {
            above.add(field);
        }
    }
}
