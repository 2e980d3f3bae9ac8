package sai.gateway.lifecycle;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.runtime.graceful.GracefulShutdownCapable;
import io.micronaut.runtime.graceful.GracefulShutdownConfiguration;
import io.micronaut.runtime.graceful.GracefulShutdownManager;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Puts Micronaut's graceful shutdown in the log, which it otherwise does at DEBUG only: during a
 * rolling update an operator reading {@code sai_handler.log} sees when a replica began draining and
 * whether its requests finished or were cut when {@code SHUTDOWN_GRACE_SECONDS} ran out.
 *
 * <p>The draining itself is Micronaut's: on shutdown, {@code GracefulShutdownListener} (first in line
 * for the {@link ShutdownEvent}) closes the listening socket, lets each open connection finish its
 * request (streams included), flips the {@code gracefulShutdown} readiness indicator to DOWN, and waits
 * up to the grace period. This bean is one more participant: called when draining starts, and, as an
 * ordinary listener of the same event, again once the wait is over; requests still open then are cut through
 * {@link ShutdownCutoff}, so each gets an answer (and a log line) before the process stops.
 */
@Singleton
@Requires(bean = GracefulShutdownConfiguration.class)
final class ShutdownDrainLog implements GracefulShutdownCapable, ApplicationEventListener<ShutdownEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownDrainLog.class);

    /** How long the cut requests get to have their 503 or final event written before the server stops. */
    private static final long CUT_WRITE_MILLIS = 5_000;

    private final GracefulShutdownConfiguration config;
    private final BeanProvider<GracefulShutdownManager> manager; // lazy: the manager is built from beans like this one
    private final ShutdownCutoff cutoff;
    private volatile long drainStartedNanos;

    ShutdownDrainLog(GracefulShutdownConfiguration config, BeanProvider<GracefulShutdownManager> manager, ShutdownCutoff cutoff) {
        this.config = config;
        this.manager = manager;
        this.cutoff = cutoff;
    }

    @Override
    public CompletionStage<?> shutdownGracefully() {
        drainStartedNanos = System.nanoTime();
        LOG.info("[SHUTDOWN] draining: new connections refused, readiness DOWN; waiting up to {}s for requests in flight",
                config.getGracePeriod().toSeconds());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onApplicationEvent(ShutdownEvent event) {
        if (drainStartedNanos == 0) {
            return;
        }
        long millis = (System.nanoTime() - drainStartedNanos) / 1_000_000;
        long left = open();
        if (left == 0) {
            LOG.info("[SHUTDOWN] drained in {} ms; stopping", millis);
            return;
        }
        LOG.warn("[SHUTDOWN] grace period of {}s over after {} ms with {} request(s) still open: they are cut now, "
                + "answered 503 gateway_shutting_down (a final error event on a stream)", config.getGracePeriod().toSeconds(), millis, left);
        // Still inside the context's shutdown, before the server's event loops stop: the answers can be written.
        cutoff.cut();
        long deadline = System.nanoTime() + CUT_WRITE_MILLIS * 1_000_000;
        while ((left = open()) > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (left > 0) {
            LOG.warn("[SHUTDOWN] {} connection(s) still open after the cut: closed without an answer; stopping", left);
        } else {
            LOG.info("[SHUTDOWN] cut requests answered; stopping");
        }
    }

    private long open() {
        OptionalLong left = manager.get().reportActiveTasks();
        return left.isPresent() ? left.getAsLong() : 0;
    }
}
