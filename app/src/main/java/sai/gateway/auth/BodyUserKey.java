package sai.gateway.auth;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;

import static sai.gateway.json.JsonFields.invalidType;
import static sai.gateway.json.JsonFields.requireObject;

/** The old gateway's per-user SAI key in the body, {@code litellm_params.metadata.user_api_key}, on every OpenAI surface. */
public final class BodyUserKey {

    private BodyUserKey() {
    }

    @Nullable
    public static String read(JsonNode root) {
        JsonNode params = root.get("litellm_params");
        if (params == null || params.isNull()) {
            return null;
        }
        requireObject(params, "litellm_params");
        JsonNode metadata = params.get("metadata");
        if (metadata == null || metadata.isNull()) {
            return null;
        }
        requireObject(metadata, "litellm_params.metadata");
        JsonNode key = metadata.get("user_api_key");
        if (key == null || key.isNull()) {
            return null;
        }
        if (!key.isString()) {
            throw invalidType("litellm_params.metadata.user_api_key", "string", key);
        }
        return key.getStringValue();
    }
}
