package sai.gateway.anthropic;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** {@code GET /v1/models} as Anthropic answers it: one page holding every model ({@code has_more} false). */
@Serdeable
public record ModelPage(List<ModelInfo> data,
                        @JsonProperty("has_more") boolean hasMore,
                        @JsonProperty("first_id") String firstId,
                        @JsonProperty("last_id") String lastId) {

    /** {@code created_at} is RFC 3339; {@code lifecycle} is what the SDK's validation requires of every model. */
    @Serdeable
    public record ModelInfo(String type, String id, @JsonProperty("display_name") String displayName,
                            @JsonProperty("created_at") String createdAt, String lifecycle) {
        public static ModelInfo of(String id, String createdAt) {
            return new ModelInfo("model", id, id, createdAt, "active");
        }
    }

    public static ModelPage of(List<ModelInfo> models) {
        return new ModelPage(models, false, models.isEmpty() ? null : models.get(0).id(),
                models.isEmpty() ? null : models.get(models.size() - 1).id());
    }
}
