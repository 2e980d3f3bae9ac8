package sai.gateway.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import sai.gateway.tenancy.IssuedKey;
import sai.gateway.tenancy.TenantRow;
import sai.gateway.tenancy.VirtualKeyRow;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

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
                               @JsonProperty("has_sai_api_key") boolean hasSaiApiKey,
                               @JsonProperty("created_at") long createdAt,
                               @JsonProperty("updated_at") long updatedAt) {

        static TenantObject of(TenantRow row) {
            return new TenantObject(row.id(), "tenant", row.name(), models(row.allowedModels()), row.requestsPerMinute(),
                    row.tokensPerMinute(), row.tokensPerDay(), row.tokensPerMonth(), row.saiKeyEncrypted() != null,
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
            return new KeyObject(row.id(), "virtual_key", row.tenantId(), row.name(), row.owner(), models(row.allowedModels()),
                    row.requestsPerMinute(), row.tokensPerMinute(), row.tokensPerDay(), row.tokensPerMonth(), seconds(row.expiresAt()),
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

    /** The body of POST and PATCH /admin/tenants, for the OpenAPI document: the controllers read bodies with {@link AdminBodies}. */
    @Schema(name = "TenantRequest", description = "On PATCH every field is optional and an absent (or null) field is left as it is.")
    public record TenantRequest(@Schema(description = "Unique, at most 200 characters.") String name,
                                @Schema(description = "Ids from SAI_MODELS; empty for every model.") @JsonProperty("allowed_models") List<String> allowedModels,
                                @Schema(description = "0 for no limit.", minimum = "0") @JsonProperty("requests_per_minute") Long requestsPerMinute,
                                @Schema(minimum = "0") @JsonProperty("tokens_per_minute") Long tokensPerMinute,
                                @Schema(minimum = "0") @JsonProperty("tokens_per_day") Long tokensPerDay,
                                @Schema(minimum = "0") @JsonProperty("tokens_per_month") Long tokensPerMonth,
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
                             @Schema(description = "Unix seconds; 0 for never.", minimum = "0") @JsonProperty("expires_at") Long expiresAt,
                             @Schema(description = "PATCH only.") Boolean revoked) {
    }

    @Nullable
    static Long seconds(@Nullable Instant instant) {
        return instant == null ? null : instant.getEpochSecond();
    }

    /** The column's comma-separated ids, as the tenancy package stores them. */
    static List<String> models(@Nullable String column) {
        if (column == null || column.isBlank()) {
            return List.of();
        }
        return Arrays.stream(column.split(",")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
    }
}
