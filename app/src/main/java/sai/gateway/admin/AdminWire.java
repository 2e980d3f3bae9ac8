package sai.gateway.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import sai.gateway.tenancy.IssuedKey;
import sai.gateway.tenancy.ModelBudget;
import sai.gateway.tenancy.ModelBudgets;
import sai.gateway.tenancy.TenantRow;
import sai.gateway.tenancy.VirtualKeyRow;
import sai.gateway.usage.UsageGroup;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The admin API's JSON, snake_case and with times in unix seconds as OpenAI writes them. A tenant's own SAI key is
 * write-only: the answer says only whether one is set. A key's secret is in the answer that creates or rotates it,
 * and nowhere else.
 */
public final class AdminWire {

    private AdminWire() {
    }

    @Serdeable
    @Schema(name = "Tenant")
    public record TenantObject(String id,
                               String object,
                               String name,
                               @JsonProperty("allowed_models") List<String> allowedModels,
                               @JsonProperty("requests_per_minute") long requestsPerMinute,
                               @JsonProperty("tokens_per_minute") long tokensPerMinute,
                               @JsonProperty("tokens_per_day") long tokensPerDay,
                               @JsonProperty("tokens_per_month") long tokensPerMonth,
                               @JsonProperty("model_budgets") Map<String, ModelBudget> modelBudgets,
                               @JsonProperty("has_sai_api_key") boolean hasSaiApiKey,
                               @JsonProperty("created_at") long createdAt,
                               @JsonProperty("updated_at") long updatedAt) {

        static TenantObject of(TenantRow row) {
            return new TenantObject(row.id(), "tenant", row.name(), row.models(), row.requestsPerMinute(),
                    row.tokensPerMinute(), row.tokensPerDay(), row.tokensPerMonth(), ModelBudgets.parse(row.modelBudgets()), row.saiKeyEncrypted() != null,
                    row.createdAt().getEpochSecond(), row.updatedAt().getEpochSecond());
        }
    }

    @Serdeable
    @Schema(name = "VirtualKey")
    public record KeyObject(String id,
                            String object,
                            @JsonProperty("tenant_id") String tenantId,
                            String name,
                            // Written as null rather than left out: a client reading a key sees every field it can set.
                            @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable String owner,
                            @JsonProperty("allowed_models") List<String> allowedModels,
                            @JsonProperty("requests_per_minute") long requestsPerMinute,
                            @JsonProperty("tokens_per_minute") long tokensPerMinute,
                            @JsonProperty("tokens_per_day") long tokensPerDay,
                            @JsonProperty("tokens_per_month") long tokensPerMonth,
                            @JsonProperty("model_budgets") Map<String, ModelBudget> modelBudgets,
                            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("expires_at") @Nullable Long expiresAt,
                            boolean revoked,
                            @JsonProperty("key_prefix") String keyPrefix,
                            @JsonProperty("created_at") long createdAt,
                            @JsonProperty("updated_at") long updatedAt,
                            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("last_used_at") @Nullable Long lastUsedAt,
                            @Schema(description = "The key itself: only in the answers of POST /admin/keys and POST /admin/keys/{id}/rotate.")
                            @Nullable String key) {

        static KeyObject of(VirtualKeyRow row) {
            return of(row, null);
        }

        static KeyObject issued(IssuedKey issued) {
            return of(issued.row(), issued.secret().reveal());
        }

        private static KeyObject of(VirtualKeyRow row, @Nullable String key) {
            return new KeyObject(row.id(), "virtual_key", row.tenantId(), row.name(), row.owner(), row.models(),
                    row.requestsPerMinute(), row.tokensPerMinute(), row.tokensPerDay(), row.tokensPerMonth(),
                    ModelBudgets.parse(row.modelBudgets()), seconds(row.expiresAt()),
                    row.revoked(), row.keyPrefix(), row.createdAt().getEpochSecond(), row.updatedAt().getEpochSecond(),
                    seconds(row.lastUsedAt()), key);
        }

        @Override
        public String toString() {
            return "KeyObject[" + id + ", " + keyPrefix + "...]";
        }
    }

    /** One page of tenants, with what a client needs to ask for the next. */
    @Serdeable
    @Schema(name = "TenantList")
    public record TenantList(String object, List<TenantObject> data, long total, int limit, int offset,
                             @JsonProperty("has_more") boolean hasMore) {

        static TenantList of(List<TenantObject> data, long total, int limit, int offset) {
            return new TenantList("list", data, total, limit, offset, offset + (long) data.size() < total);
        }
    }

    @Serdeable
    @Schema(name = "VirtualKeyList")
    public record KeyList(String object, List<KeyObject> data, long total, int limit, int offset,
                          @JsonProperty("has_more") boolean hasMore) {

        static KeyList of(List<KeyObject> data, long total, int limit, int offset) {
            return new KeyList("list", data, total, limit, offset, offset + (long) data.size() < total);
        }
    }

    /** The answer of GET /admin/usage: the totals of the UTC days from {@code from} to {@code to}, one row per group. */
    @Serdeable
    @Schema(name = "UsageList")
    public record UsageList(String object,
                            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "Unix seconds: the UTC midnight the totals start at (a day the range touches counts whole).")
                            long from,
                            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "Unix seconds: the UTC midnight the totals end at, exclusive.")
                            long to,
                            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "The groups, in the order rows are sorted by: day, tenant, key, model.")
                            @JsonProperty("group_by") List<String> groupBy,
                            List<UsageRow> data) {

        static UsageList of(UsageQuery query, List<UsageRow> data) {
            return new UsageList("list", query.from().getEpochSecond(), query.to().getEpochSecond(), query.groupBy(), data);
        }
    }

    /**
     * One group's totals. A grouped field is always there and an ungrouped one never: requests without a tenant or
     * key (the admin key's, or tenancy off on the route) are the group {@code ""}, never null.
     */
    @Serdeable
    @Schema(name = "UsageRow", description = "day, tenant_id, key_id and model are present only when grouped by; \"\" is the group "
            + "of requests without a tenant or key.")
    public record UsageRow(@Schema(description = "YYYY-MM-DD, UTC.") @Nullable String day,
                           @JsonProperty("tenant_id") @Nullable String tenantId,
                           @JsonProperty("key_id") @Nullable String keyId,
                           @Nullable String model,
                           long requests,
                           @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "Requests answered with an error status.") long errors,
                           @JsonProperty("prompt_tokens") long promptTokens,
                           @JsonProperty("completion_tokens") long completionTokens,
                           @JsonProperty("total_tokens") long totalTokens,
                           @JsonProperty("cache_hits") long cacheHits,
                           @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                                   description = "Tokens SAI did not spend: those of the answers served from the response cache.")
                           @JsonProperty("tokens_saved") long tokensSaved,
                           @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "Mean time to the answer, rounded to the millisecond.")
                           @JsonProperty("avg_latency_ms") long avgLatencyMs) {

        /** The grouped columns, by group name, as the JSON and the CSV name them. */
        static final Map<String, String> GROUP_COLUMNS = Map.of("day", "day", "tenant", "tenant_id", "key", "key_id",
                "model", "model");
        static final List<String> NUMBER_COLUMNS = List.of("requests", "errors", "prompt_tokens", "completion_tokens", "total_tokens",
                "cache_hits", "avg_latency_ms",
                // Last: added after the others, so scripts that read the file by position still find theirs.
                "tokens_saved");

        static UsageRow of(UsageGroup group) {
            long average = group.requests() == 0 ? 0 : Math.round((double) group.latencyMs() / group.requests());
            return new UsageRow(group.day() == null ? null : group.day().toString(), group.tenantId(), group.keyId(), group.model(),
                    group.requests(), group.errors(), group.promptTokens(), group.completionTokens(),
                    group.promptTokens() + group.completionTokens(), group.cacheHits(), group.tokensSaved(), average);
        }

        /** The value of a grouped column ({@code ""} when the group has none). */
        String group(String name) {
            String value = switch (name) {
                case "day" -> day;
                case "tenant" -> tenantId;
                case "key" -> keyId;
                case "model" -> model;
                default -> throw new IllegalArgumentException(name);
            };
            return value == null ? "" : value;
        }

        long[] numbers() {
            return new long[]{requests, errors, promptTokens, completionTokens, totalTokens, cacheHits, avgLatencyMs, tokensSaved};
        }
    }

    /** The body of POST and PATCH /admin/tenants, for the OpenAPI document: the controllers read bodies with {@link AdminBodies}. */
    @Schema(name = "TenantRequest", description = "On PATCH every field is optional and an absent (or null) field is left as it is.")
    public record TenantRequest(@Schema(description = "Unique, at most 200 characters.") String name,
                                @Schema(description = "Ids from SAI_MODELS; empty for every model.") @JsonProperty("allowed_models") List<String> allowedModels,
                                @Schema(description = "0 for no limit.", minimum = "0") @JsonProperty("requests_per_minute") Long requestsPerMinute,
                                @Schema(minimum = "0") @JsonProperty("tokens_per_minute") Long tokensPerMinute,
                                @Schema(minimum = "0") @JsonProperty("tokens_per_day") Long tokensPerDay,
                                @Schema(minimum = "0") @JsonProperty("tokens_per_month") Long tokensPerMonth,
                                @Schema(description = "Token budgets per model (ids its allowed_models permit); the whole set, {} removes them.")
                                @JsonProperty("model_budgets") Map<String, ModelBudget> modelBudgets,
                                @Schema(description = "The tenant's own SAI key, stored encrypted and never returned; \"\" removes it.",
                                        accessMode = Schema.AccessMode.WRITE_ONLY)
                                @JsonProperty("sai_api_key") String saiApiKey) {
    }

    /** The body of POST /admin/keys and PATCH /admin/keys/{id}, for the OpenAPI document. */
    @Schema(name = "VirtualKeyRequest", description = "tenant_id and name are required on POST; on PATCH an absent (or null) field is left as it is.")
    public record KeyRequest(@JsonProperty("tenant_id") String tenantId,
                             String name,
                             String owner,
                             @Schema(description = "A subset of the tenant's allowed_models; empty for all of them.")
                             @JsonProperty("allowed_models") List<String> allowedModels,
                             @Schema(description = "0 for the tenant's; never above the tenant's.", minimum = "0")
                             @JsonProperty("requests_per_minute") Long requestsPerMinute,
                             @Schema(minimum = "0") @JsonProperty("tokens_per_minute") Long tokensPerMinute,
                             @Schema(minimum = "0") @JsonProperty("tokens_per_day") Long tokensPerDay,
                             @Schema(minimum = "0") @JsonProperty("tokens_per_month") Long tokensPerMonth,
                             @Schema(description = "Token budgets per model, never above the tenant's for that model nor its overall budgets; the whole set.")
                             @JsonProperty("model_budgets") Map<String, ModelBudget> modelBudgets,
                             @Schema(description = "Unix seconds; 0 for never.", minimum = "0") @JsonProperty("expires_at") Long expiresAt,
                             @Schema(description = "PATCH only.") Boolean revoked) {
    }

    @Nullable
    static Long seconds(@Nullable Instant instant) {
        return instant == null ? null : instant.getEpochSecond();
    }
}
