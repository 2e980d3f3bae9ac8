package sai.gateway.tenancy;

import io.micronaut.serde.annotation.Serdeable;

/** A tenant's or a key's limits and budgets; 0 means none at this level. Tokens are prompt + completion, as SAI reports them. */
@Serdeable
public record Limits(long requestsPerMinute, long tokensPerMinute, long tokensPerDay, long tokensPerMonth) {

    public static final Limits NONE = new Limits(0, 0, 0, 0);

    /**
     * The largest value of each limit, by field name: far above any real use, and within what a token bucket can refill
     * (one token per nanosecond: 6e10 a minute, 8.6e13 a day). Above it the admin API answers 400.
     */
    public static final java.util.Map<String, Long> MAX = java.util.Map.of(
            "requests_per_minute", 1_000_000_000L,
            "tokens_per_minute", 10_000_000_000L,
            "tokens_per_day", 10_000_000_000_000L,
            "tokens_per_month", 100_000_000_000_000L);

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
