package sai.gateway.limits;

import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/** Whether the shared limit store (Redis) is answering; each outage is logged once, not per request, whichever limit met it. */
@Singleton
class StoreOutage {

    private static final Logger LOG = LoggerFactory.getLogger(ClientLimits.class);

    private final LimitsConfiguration config;
    private final AtomicBoolean down = new AtomicBoolean();

    StoreOutage(LimitsConfiguration config) {
        this.config = config;
    }

    /** @return whether the request may go on (fail open) */
    boolean failed(Throwable error) {
        if (down.compareAndSet(false, true)) {
            LOG.error("[LIMITS] Redis cannot be reached ({}): failing {} until it answers again", error.getClass().getSimpleName(),
                    config.failOpen() ? "OPEN, requests are not limited" : "CLOSED, requests are refused with 503");
        }
        return config.failOpen();
    }

    void answered() {
        if (down.compareAndSet(true, false)) {
            LOG.info("[LIMITS] Redis answers again: limits apply");
        }
    }
}
