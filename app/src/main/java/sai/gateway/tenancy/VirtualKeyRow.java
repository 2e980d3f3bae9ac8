package sai.gateway.tenancy;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;
import java.util.List;

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

    /** The allowed models as a list (empty: the tenant's). */
    public List<String> models() {
        return ModelList.parse(allowedModels);
    }

    public Limits limits() {
        return new Limits(requestsPerMinute, tokensPerMinute, tokensPerDay, tokensPerMonth);
    }

    /** The same key with a new secret (its hash and display prefix): rotation, or a secret declared in the config file. */
    public VirtualKeyRow withSecret(String hash, String prefix, Instant changedAt) {
        return new VirtualKeyRow(id, tenantId, name, owner, allowedModels, requestsPerMinute, tokensPerMinute, tokensPerDay, tokensPerMonth,
                modelBudgets, expiresAt, revoked, hash, prefix, createdAt, changedAt, lastUsedAt);
    }

    @Override
    public String toString() {
        return "VirtualKeyRow[" + id + ", " + keyPrefix + "...]";
    }
}
