package sai.gateway.admin;

/**
 * The admin API's database did not answer: a 503 (see {@link AdminUnavailableHandler}). Its own type, not the
 * usage package's exception, so that only admin routes answer this way and the OpenAI routes keep their own shape.
 */
final class AdminUnavailable extends RuntimeException {

    /** The client's message: what failed and what to do, never the driver's text. */
    static final String MESSAGE = "Usage totals cannot be read right now: the gateway's database did not answer (the gateway's log "
            + "says why). Retry in a few seconds.";

    /** {@code reason}: for the log only, the cause's class and SQLState (drivers' messages can quote values). */
    AdminUnavailable(String reason) {
        super(reason, null, false, false);
    }
}
