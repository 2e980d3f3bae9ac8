package sai.gateway.tenancy;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A key to create (tenantId required), or the fields of one to change: null leaves a field as it is ({@code modelBudgets}: the whole set). */
public record KeyChange(@Nullable String tenantId, @Nullable String name, @Nullable String owner, @Nullable List<String> allowedModels,
                        @Nullable Long requestsPerMinute, @Nullable Long tokensPerMinute, @Nullable Long tokensPerDay,
                        @Nullable Long tokensPerMonth, @Nullable Instant expiresAt, @Nullable Boolean revoked,
                        @Nullable Map<String, ModelBudget> modelBudgets) {

    public KeyChange(@Nullable String tenantId, @Nullable String name, @Nullable String owner, @Nullable List<String> allowedModels,
                     @Nullable Long requestsPerMinute, @Nullable Long tokensPerMinute, @Nullable Long tokensPerDay,
                     @Nullable Long tokensPerMonth, @Nullable Instant expiresAt, @Nullable Boolean revoked) {
        this(tenantId, name, owner, allowedModels, requestsPerMinute, tokensPerMinute, tokensPerDay, tokensPerMonth, expiresAt, revoked, null);
    }
}
