package sai.gateway.account;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.Map;
import sai.gateway.tenancy.ModelBudget;

/** {@code GET /v1/me}: a virtual key's own view of itself: its tenant, what it may use, its limits and what is left. */
public final class AccountWire {

    private AccountWire() {
    }

    @Serdeable
    public record Me(String object, String id, String name, @Nullable String owner, @JsonProperty("key_prefix") String keyPrefix,
                     @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("expires_at") @Nullable Long expiresAt,
                     Tenant tenant, @JsonProperty("allowed_models") List<String> allowedModels, Level key,
                     @JsonProperty("tenant_limits") Level tenantLimits) {
    }

    @Serdeable
    public record Tenant(String id, String name) {
    }

    /** One level's limits (0: none at this level) and, for each limit set, what is left now and when it resets. */
    @Serdeable
    public record Level(@JsonProperty("requests_per_minute") long requestsPerMinute, @JsonProperty("tokens_per_minute") long tokensPerMinute,
                        @JsonProperty("tokens_per_day") long tokensPerDay, @JsonProperty("tokens_per_month") long tokensPerMonth,
                        @JsonProperty("model_budgets") Map<String, ModelBudget> modelBudgets, List<Remaining> remaining) {
    }

    @Serdeable
    public record Remaining(String limit, @Nullable String model, long used, long left, @JsonProperty("resets_at") long resetsAt) {
    }
}
