package sai.gateway.sai;

import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.config.SaiConfiguration;

/** Says once, at startup, which SAI address and models every call will use, so a wrong SAI_URL shows before the first request. */
@Singleton
public class SaiEndpointAnnouncer {

    private static final Logger LOG = LoggerFactory.getLogger(SaiEndpointAnnouncer.class);

    private final SaiEndpoint endpoint;
    private final SaiConfiguration sai;

    public SaiEndpointAnnouncer(SaiEndpoint endpoint, SaiConfiguration sai) {
        this.endpoint = endpoint;
        this.sai = sai;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        LOG.info("SAI: POST {}, models {}", endpoint.printable(), sai.models());
    }
}
