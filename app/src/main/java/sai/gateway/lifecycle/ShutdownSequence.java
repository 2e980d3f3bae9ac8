package sai.gateway.lifecycle;

import ch.qos.logback.classic.LoggerContext;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.EmbeddedApplication;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;

/**
 * What SIGTERM does to the container's gateway, as one JVM shutdown hook, in this order: stop the server
 * (Micronaut's graceful shutdown drains the requests and streams in flight, {@link ShutdownDrainLog} says so),
 * close the context, and only then stop logging, which flushes the asynchronous appenders. logback.xml
 * therefore registers no shutdown hook of its own: it would stop logging the moment the signal arrives.
 */
public final class ShutdownSequence {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSequence.class);

    private final CountDownLatch stopped = new CountDownLatch(1);

    private ShutdownSequence() {
    }

    public static ShutdownSequence install(ApplicationContext context, EmbeddedApplication<?> server) {
        ShutdownSequence sequence = new ShutdownSequence();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> sequence.run(context, server), "gateway-shutdown"));
        return sequence;
    }

    /** Blocks the caller (the main thread) until the sequence has run. */
    public void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(ApplicationContext context, EmbeddedApplication<?> server) {
        try (context) {
            server.stop();
        } catch (RuntimeException e) {
            LOG.error("[SHUTDOWN] stopping failed: {}", e.getMessage(), e);
        } finally {
            stopLogging();
            stopped.countDown();
        }
    }

    /** The last step of any exit: queued lines are written, files closed. */
    public static void stopLogging() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext logback) {
            logback.stop();
        }
    }
}
