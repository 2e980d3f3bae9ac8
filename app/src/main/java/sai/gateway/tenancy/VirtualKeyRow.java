package sai.gateway.tenancy;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/** A row of {@code virtual_key}: the key's SHA-256 and a display prefix, never the key. */
@MappedEntity("virtual_key")
public record VirtualKeyRow(@Id String id,
                            String tenantId,
                            String name,
                            @Nullable String owner,
                            String allowedModels,
                            long requestsPerMinute,
                            long tokensPerMinute,
                            long tokensPerDay,
                            long tokensPerMonth,
                            String modelBudgets,
                            @Nullable Instant expiresAt,
                            boolean revoked,
                            String keyHash,
                            String keyPrefix,
                            Instant createdAt,
                            Instant updatedAt,
                            @Nullable Instant lastUsedAt) {

    @Override
    public String toString() {
        return "VirtualKeyRow[" + id + ", " + keyPrefix + "...]";
    }
}
