package sai.gateway.tenancy;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A virtual key as the request path sees it (no secret: it is found by its hash). */
public record VirtualKey(String id, String tenantId, String name, @Nullable String owner, List<String> allowedModels, Limits limits,
                         Map<String, ModelBudget> modelBudgets, @Nullable Instant expiresAt, boolean revoked, String prefix) {

    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
