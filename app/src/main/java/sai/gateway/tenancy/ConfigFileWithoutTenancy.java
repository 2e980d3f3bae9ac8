package sai.gateway.tenancy;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.condition.Condition;
import io.micronaut.context.condition.ConditionContext;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.value.PropertyResolver;
import sai.gateway.config.InvalidConfigurationException;
import sai.gateway.database.TenancyConfiguration;
import sai.gateway.database.TenancyEnabled;

import java.util.List;

/**
 * {@code GATEWAY_CONFIG_FILE} without {@code GATEWAY_ADMIN_KEY}: there are no tenants or keys to apply it to, and a
 * gateway that started without the keys its operators declared would refuse them all without saying why.
 */
@Context
@Requires(condition = ConfigFileWithoutTenancy.Unused.class)
final class ConfigFileWithoutTenancy {

    ConfigFileWithoutTenancy() {
        throw new InvalidConfigurationException(List.of(ConfigFileParser.line(
                "is set, but tenants and keys are off: set GATEWAY_ADMIN_KEY (or GATEWAY_ADMIN_KEY_FILE) to use it, or unset GATEWAY_CONFIG_FILE")));
    }

    @Introspected
    public static final class Unused implements Condition {

        @Override
        public boolean matches(ConditionContext context) {
            if (!(context.getBeanContext() instanceof PropertyResolver properties)) {
                return false;
            }
            boolean set = properties.getProperty(TenancyConfiguration.PREFIX + ".config-file", String.class).filter(v -> !v.isBlank()).isPresent();
            return set && !new TenancyEnabled().matches(context);
        }
    }
}
