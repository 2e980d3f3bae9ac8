package sai.gateway.sai;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.error.UpstreamException;
import sai.gateway.observe.GatewayMetrics;
import sai.gateway.observe.RequestLog;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Stops calling SAI while it is down. {@code SAI_BREAKER_FAILURES} requests in a row that found SAI down
 * (refused or reset connections, 5xx other than 500, each after its retries) open it: for
 * {@code SAI_BREAKER_OPEN} every call is refused at once with a 503 and {@code Retry-After}. Then one call
 * probes SAI (half-open): any answer from SAI closes the breaker, SAI still down opens it again.
 *
 * <p>Anything SAI answers, a 401, 429, 400 or classified 500 included, shows SAI is up and resets the count.
 * A timeout counts neither way: SAI is slow, not down, and one long prompt must not shut everyone out. A probe
 * that never reports (a timeout, a client gone) holds the half-open state only for one pause; then another
 * call may probe.
 *
 * <p>While closed, a call costs one volatile read on the way in and at most two on the way out.
 */
@Singleton
public class SaiCircuitBreaker {

    private static final Logger LOG = LoggerFactory.getLogger(SaiCircuitBreaker.class);

    enum Phase { CLOSED, OPEN, HALF_OPEN }

    /** {@code nextProbeNanos}: when the next call may probe SAI (unused while closed). */
    private record State(Phase phase, long nextProbeNanos) {
    }

    private static final State CLOSED = new State(Phase.CLOSED, 0);

    private final int threshold;
    private final long openNanos;
    private final long openSeconds;
    private final GatewayMetrics metrics;
    private final LongSupplier clock;
    private final AtomicReference<State> state = new AtomicReference<>(CLOSED);
    private final AtomicInteger failures = new AtomicInteger();

    @Inject
    public SaiCircuitBreaker(SaiBreakerConfiguration config, GatewayMetrics metrics) {
        this(config, metrics, System::nanoTime);
    }

    SaiCircuitBreaker(SaiBreakerConfiguration config, GatewayMetrics metrics, LongSupplier clock) {
        this.threshold = config.failures();
        this.openNanos = config.open().toNanos();
        this.openSeconds = Math.max(1, config.open().toSeconds());
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Lets a call go to SAI, or refuses it.
     *
     * @throws UpstreamException 503 {@code upstream_unavailable} with the seconds until the next probe
     */
    void admit(RequestLog log) {
        while (true) {
            State current = state.get();
            if (current == CLOSED) {
                return;
            }
            long now = clock.getAsLong();
            if (now - current.nextProbeNanos() < 0) {
                throw refusal(current, now);
            }
            if (state.compareAndSet(current, new State(Phase.HALF_OPEN, now + openNanos))) {
                changed(log, Phase.HALF_OPEN, current.phase() == Phase.OPEN
                        ? "[SAI] circuit HALF-OPEN: this request probes SAI"
                        : "[SAI] circuit HALF-OPEN: the last probe did not report within " + openSeconds + "s; this request probes SAI");
                return;
            }
        }
    }

    /** The refusal {@link #admit} would throw now, without taking the probe: lets a stream be refused before it starts. */
    Optional<UpstreamException> refusalNow() {
        State current = state.get();
        if (current == CLOSED) {
            return Optional.empty();
        }
        long now = clock.getAsLong();
        return now - current.nextProbeNanos() >= 0 ? Optional.empty() : Optional.of(refusal(current, now));
    }

    /** SAI answered, whatever it said: it is up. */
    void answered(RequestLog log) {
        if (failures.get() != 0) {
            failures.set(0);
        }
        State current = state.get();
        if (current != CLOSED && state.compareAndSet(current, CLOSED)) {
            failures.set(0);
            changed(log, Phase.CLOSED, "[SAI] circuit CLOSED: SAI answered again; calls go through");
        }
    }

    /** A call found SAI down, after its retries. */
    void down(RequestLog log) {
        if (threshold == 0) {
            return;
        }
        State current = state.get();
        if (current == CLOSED) {
            if (failures.incrementAndGet() >= threshold
                    && state.compareAndSet(CLOSED, new State(Phase.OPEN, clock.getAsLong() + openNanos))) {
                changed(log, Phase.OPEN, "[SAI] circuit OPEN after " + threshold + " requests in a row found SAI down: calls are refused"
                        + " with 503 upstream_unavailable for " + openSeconds + "s, then one request probes SAI");
            }
        } else if (current.phase() == Phase.HALF_OPEN
                && state.compareAndSet(current, new State(Phase.OPEN, clock.getAsLong() + openNanos))) {
            changed(log, Phase.OPEN, "[SAI] circuit OPEN again: the probe found SAI still down; next probe in " + openSeconds + "s");
        }
    }

    Phase phase() {
        return state.get().phase();
    }

    private static UpstreamException refusal(State current, long now) {
        long nanos = current.nextProbeNanos() - now;
        return UpstreamException.circuitOpen(Math.max(1, (nanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1)));
    }

    private void changed(RequestLog log, Phase phase, String line) {
        RequestLog breakerLog = log.with(LOG);
        if (phase == Phase.OPEN) {
            breakerLog.warn(line);
        } else {
            breakerLog.info(line);
        }
        metrics.breakerState(phase.name().toLowerCase(Locale.ROOT), phase.ordinal());
    }
}
