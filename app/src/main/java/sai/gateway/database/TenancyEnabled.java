package sai.gateway.database;

import io.micronaut.context.condition.Condition;
import io.micronaut.context.condition.ConditionContext;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.value.PropertyResolver;

/**
 * The condition of every bean of tenants, keys and usage: an admin key is configured. Read from the
 * properties directly, not from {@link TenancyConfiguration}, so deciding does not create the configuration.
 */
@Introspected
public final class TenancyEnabled implements Condition {

    @Override
    public boolean matches(ConditionContext context) {
        if (!(context.getBeanContext() instanceof PropertyResolver properties)) {
            return false;
        }
        return set(properties, TenancyConfiguration.PREFIX + ".admin-key") || set(properties, TenancyConfiguration.PREFIX + ".admin-key-file");
    }

    private static boolean set(PropertyResolver properties, String name) {
        return properties.getProperty(name, String.class).filter(v -> !v.isBlank()).isPresent();
    }
}
