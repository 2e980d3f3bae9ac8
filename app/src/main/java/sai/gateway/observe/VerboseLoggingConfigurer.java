package sai.gateway.observe;

import io.micronaut.context.annotation.Context;
import io.micronaut.logging.LogLevel;
import io.micronaut.logging.LoggingSystem;
import sai.gateway.config.GatewayConfiguration;

/**
 * {@code VERBOSE_LOGGING=true} turns on the gateway's DEBUG lines (message previews, at most 100
 * characters each). It never widens what is logged about credentials: those lines do not exist at any level.
 */
@Context
public class VerboseLoggingConfigurer {

    static final String GATEWAY_LOGGER = "sai.gateway";

    public VerboseLoggingConfigurer(GatewayConfiguration configuration, LoggingSystem loggingSystem) {
        loggingSystem.setLogLevel(GATEWAY_LOGGER, configuration.verboseLogging() ? LogLevel.DEBUG : LogLevel.INFO);
    }
}
