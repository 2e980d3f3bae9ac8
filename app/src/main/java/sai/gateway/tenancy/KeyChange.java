package sai.gateway.tenancy;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.List;

/** A key to create (tenantId required), or the fields of one to change: null leaves a field as it is. */
public record KeyChange(@Nullable String tenantId, @Nullable String name, @Nullable String owner, @Nullable List<String> allowedModels,
                        @Nullable Long requestsPerMinute, @Nullable Long tokensPerMinute, @Nullable Long tokensPerDay,
                        @Nullable Long tokensPerMonth, @Nullable Instant expiresAt, @Nullable Boolean revoked) {
}
