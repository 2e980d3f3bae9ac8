package sai.gateway;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.EmbeddedApplication;
import io.micronaut.runtime.Micronaut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.config.InvalidConfigurationException;
import sai.gateway.lifecycle.ShutdownSequence;

/**
 * The Netty runtime: {@code java -jar app.jar} serves the gateway on port 4000.
 *
 * <p>Started here rather than by {@code Micronaut.run}, which would register its own JVM shutdown hook: JVM
 * hooks run all at once and in no order, so logging could only be stopped beside the drain, never after it,
 * and the drain's lines and the last answers' would be lost. {@link ShutdownSequence} is the only hook and
 * does the steps in order. A configuration that cannot work ends the process with its report, one line per
 * problem on standard error and exit status 1, without a stack trace: the lines already say what to change.
 */
public class Application {

    public static void main(String[] args) {
        long started = System.nanoTime();
        ApplicationContext context = Micronaut.build(args).banner(false).mainClass(Application.class).build();
        EmbeddedApplication<?> server;
        try {
            context.start();
            server = context.getBean(EmbeddedApplication.class);
            server.start();
        } catch (Throwable failure) {
            refuseToStart(failure);
            return;
        }
        ShutdownSequence shutdown = ShutdownSequence.install(context, server);
        // Micronaut's own wording, which operators' scripts and .ci/run's smoke test look for.
        LoggerFactory.getLogger(Application.class).info("Startup completed in {} ms. Server Running: {}",
                (System.nanoTime() - started) / 1_000_000, server instanceof io.micronaut.runtime.server.EmbeddedServer s ? s.getURL() : "");
        shutdown.awaitStopped();
    }

    private static void refuseToStart(Throwable failure) {
        InvalidConfigurationException invalid = InvalidConfigurationException.in(failure);
        if (invalid != null) {
            invalid.lines().forEach(System.err::println);
        } else {
            Logger log = LoggerFactory.getLogger(Application.class);
            log.error("Error starting the gateway: {}", failure.getMessage(), failure);
        }
        System.err.flush();
        ShutdownSequence.stopLogging();
        System.exit(1);
    }
}
