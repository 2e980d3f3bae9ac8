package sai.gateway.usage;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.LocalDate;

/**
 * Totals of usage for one group of {@link UsageTotals#totals}: the fields grouped by are set, the others null.
 * A tenant or key id of {@code ""} is the group of requests without one (the admin key, or no tenancy on the route).
 */
@Serdeable
public record UsageGroup(@Nullable LocalDate day,
                         @Nullable String tenantId,
                         @Nullable String keyId,
                         @Nullable String model,
                         long requests,
                         long errors,
                         long promptTokens,
                         long completionTokens,
                         long latencyMs,
                         long cacheHits,
                         long tokensSaved) {
}
