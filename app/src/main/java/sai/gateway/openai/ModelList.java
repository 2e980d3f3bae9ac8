package sai.gateway.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** {@code GET /v1/models}: a {@code list} of {@code model} objects. */
@Serdeable
public record ModelList(String object, List<Model> data) {

    public static ModelList of(List<Model> models) {
        return new ModelList("list", models);
    }

    @Serdeable
    public record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {

        public static Model of(String id, long created) {
            return new Model(id, "model", created, "sai");
        }
    }
}
