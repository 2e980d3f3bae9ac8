package sai.gateway.limits;

/**
 * The highest limits a Bucket4j bucket can hold: it refills at most one token per nanosecond, and a bucket built with
 * more fails with IllegalArgumentException. Settings and the admin API refuse anything above these, so no limit an
 * operator sets can stop the gateway from starting or fail the requests it applies to.
 */
public final class RateCeilings {

    /** Requests or tokens per minute. */
    public static final long PER_MINUTE = 60L * 1_000_000_000L;
    /** Tokens per day (a UTC day). */
    public static final long PER_DAY = 86_400L * 1_000_000_000L;
    /** Tokens per month: KeyLimits refills a monthly budget over 31 days. */
    public static final long PER_MONTH = 31L * PER_DAY;

    private RateCeilings() {
    }
}
