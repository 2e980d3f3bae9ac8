package sai.gateway.simulator;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;

/**
 * Makes it impossible to miss, in the log, that a demo gateway is answering with fake text, so nobody
 * mistakes a demo deployment for a working one.
 */
@Singleton
@Requires(env = "demo")
class SimulatorStartupWarning {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatorStartupWarning.class);
    private static final String BAR = "=".repeat(78);

    private final String saiUrl;

    SimulatorStartupWarning(@Value("${sai.url:}") String saiUrl) {
        this.saiUrl = saiUrl;
    }

    @EventListener
    void onStartup(ServerStartupEvent event) {
        int port = event.getSource().getPort();
        LOG.warn("""

                {}
                  DEMO MODE: the 'demo' environment is active.
                  This gateway runs against the BUILT-IN SAI SIMULATOR, not a real SAI.
                  Every answer is FAKE (an echo of your message). Do not use this in production.
                  Simulator endpoint: http://127.0.0.1:{}/simulator/api/templates/{templateId}/execute
                  Remove 'demo' from MICRONAUT_ENVIRONMENTS to talk to a real SAI.
                {}""", BAR, port, BAR);
        if (!pointsAtSimulator(port)) {
            // An explicit SAI_URL outranks application-demo.yml, so the demo may really be calling elsewhere.
            LOG.warn("DEMO MODE, but SAI_URL points at {} rather than the built-in simulator on port {}: "
                    + "requests go to that server.", hostOnly(saiUrl), port);
        }
    }

    private boolean pointsAtSimulator(int port) {
        try {
            URI uri = URI.create(saiUrl);
            String host = uri.getHost();
            boolean local = "127.0.0.1".equals(host) || "localhost".equals(host);
            return local && uri.getPort() == port && uri.getPath() != null && uri.getPath().startsWith("/simulator");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Scheme, host and port only: a URL can carry user info or tokens, which have no place in a log. */
    private static String hostOnly(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        } catch (IllegalArgumentException e) {
            return "(an unparseable URL)";
        }
    }
}
