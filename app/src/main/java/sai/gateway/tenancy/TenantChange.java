package sai.gateway.tenancy;

import io.micronaut.core.annotation.Nullable;
import sai.gateway.secrets.Secret;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tenant to create, or the fields of one to change: null leaves a field as it is on an update. {@code saiKey}:
 * empty leaves it, a blank secret removes it. {@code modelBudgets}: the whole set, replacing the old one.
 */
public record TenantChange(@Nullable String name, @Nullable List<String> allowedModels, @Nullable Long requestsPerMinute,
                           @Nullable Long tokensPerMinute, @Nullable Long tokensPerDay, @Nullable Long tokensPerMonth,
                           Optional<Secret> saiKey, @Nullable Map<String, ModelBudget> modelBudgets) {

    public TenantChange(@Nullable String name, @Nullable List<String> allowedModels, @Nullable Long requestsPerMinute,
                        @Nullable Long tokensPerMinute, @Nullable Long tokensPerDay, @Nullable Long tokensPerMonth, Optional<Secret> saiKey) {
        this(name, allowedModels, requestsPerMinute, tokensPerMinute, tokensPerDay, tokensPerMonth, saiKey, null);
    }

    @Override
    public String toString() {
        return "TenantChange[" + name + "]";
    }
}
