package sai.gateway.auth;

import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.secrets.SystemCredentials;

/** Says once, at startup, whether anyone who reaches the port can spend the system SAI credentials. */
@Singleton
public class AccessModeAnnouncer {

    private static final Logger LOG = LoggerFactory.getLogger(AccessModeAnnouncer.class);

    private final SystemCredentials credentials;

    public AccessModeAnnouncer(SystemCredentials credentials) {
        this.credentials = credentials;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        int keys = credentials.gatewayApiKeys().size();
        if (keys == 0) {
            LOG.warn("Gateway access: OPEN. Anyone who can reach this port can spend the system SAI credentials; set GATEWAY_API_KEYS to require a key.");
        } else {
            LOG.info("Gateway access: PROTECTED by {} access key(s) (Authorization: Bearer, or x-api-key).", keys);
        }
    }
}
