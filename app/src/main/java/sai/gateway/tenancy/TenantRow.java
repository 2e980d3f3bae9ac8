package sai.gateway.tenancy;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;
import java.util.List;

/** A row of {@code tenant}. The tenant's SAI key is only ever here encrypted ({@link TenantKeyCipher}). */
@MappedEntity("tenant")
public record TenantRow(@Id String id,
                        String name,
                        String allowedModels,
                        long requestsPerMinute,
                        long tokensPerMinute,
                        long tokensPerDay,
                        long tokensPerMonth,
                        String modelBudgets,
                        @Nullable String saiKeyEncrypted,
                        Instant createdAt,
                        Instant updatedAt) {

    /** The allowed models as a list (empty: every model). */
    public List<String> models() {
        return ModelList.parse(allowedModels);
    }

    public Limits limits() {
        return new Limits(requestsPerMinute, tokensPerMinute, tokensPerDay, tokensPerMonth);
    }

    @Override
    public String toString() {
        return "TenantRow[" + id + ", " + name + "]";
    }
}
