package sai.gateway;

import sai.gateway.config.GatewayConfiguration;
import sai.gateway.config.InvalidConfigurationException;
import sai.gateway.config.SaiConfiguration;
import sai.gateway.config.Setting;

import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Order;
import io.micronaut.core.order.Ordered;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.secrets.SystemCredentials;
import sai.gateway.tools.ToolPrompt;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks the whole configuration before anything else is created, and refuses to start on any problem with
 * all of them listed: an operator fixes the environment once, not once per restart, and a gateway that could
 * only fail its requests never reports itself healthy. The first eager bean of the context, in the container
 * and on Lambda alike.
 *
 * <p>Settings are read as the environment gave them and judged by {@link Setting}'s rules. What has its own
 * checks where it is read (the secrets, the tool prompt file) is then created here, and its
 * {@link ConfigurationException}, whose message names the variable, joins the report.
 */
@Context
@Order(Ordered.HIGHEST_PRECEDENCE)
public final class StartupConfigurationCheck {

    private static final Logger LOG = LoggerFactory.getLogger(StartupConfigurationCheck.class);
    private static final List<Class<?>> SELF_CHECKING = List.of(SystemCredentials.class, ToolPrompt.class, SaiConfiguration.class, GatewayConfiguration.class);

    StartupConfigurationCheck(Environment environment, BeanContext beans) {
        List<String> problems = new ArrayList<>();
        List<String> reported = new ArrayList<>();
        for (Setting setting : Setting.values()) {
            String problem = setting.problem(environment.getProperty(setting.property(), String.class).orElse(null));
            if (problem != null) {
                problems.add(problem);
                reported.add(Setting.PREFIX + setting.name() + " ");
            }
        }
        for (Class<?> type : SELF_CHECKING) {
            try {
                beans.getBean(type);
            } catch (RuntimeException e) {
                String line = lineFor(e);
                if (line != null) {
                    // The bean read the refused value its own way (the framework takes GATEWAY_REQUIRE_API_KEYS=on as true):
                    // the variable's line is already there, and this one would contradict it.
                    if (reported.stream().noneMatch(line::startsWith)) {
                        problems.add(line);
                    }
                } else if (problems.isEmpty()) {
                    throw e;
                }
                // else: most likely a consequence of a setting already reported, whose line says more.
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        LOG.debug("Configuration checked: {} settings", Setting.values().length);
    }

    /** The innermost configuration problem's line, or null when the failure is not one (not the operator's to fix). */
    private static String lineFor(RuntimeException failure) {
        ConfigurationException found = null;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConfigurationException c) {
                found = c;
            }
        }
        if (found == null) {
            return null;
        }
        String message = found.getMessage();
        return message.startsWith(Setting.PREFIX) ? message : Setting.PREFIX + message;
    }
}
