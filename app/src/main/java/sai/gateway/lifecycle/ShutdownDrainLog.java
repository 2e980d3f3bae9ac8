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
 * ordinary listener of the same event, again once the wait is over.
 */
@Singleton
@Requires(bean = GracefulShutdownConfiguration.class)
final class ShutdownDrainLog implements GracefulShutdownCapable, ApplicationEventListener<ShutdownEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownDrainLog.class);

    private final GracefulShutdownConfiguration config;
    private final BeanProvider<GracefulShutdownManager> manager; // lazy: the manager is built from beans like this one
    private volatile long drainStartedNanos;

    ShutdownDrainLog(GracefulShutdownConfiguration config, BeanProvider<GracefulShutdownManager> manager) {
        this.config = config;
        this.manager = manager;
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
        OptionalLong left = manager.get().reportActiveTasks();
        if (left.isPresent() && left.getAsLong() > 0) {
            LOG.warn("[SHUTDOWN] grace period of {}s over after {} ms with {} request(s) still open: they are cut now",
                    config.getGracePeriod().toSeconds(), millis, left.getAsLong());
        } else {
            LOG.info("[SHUTDOWN] drained in {} ms; stopping", millis);
        }
    }
}
