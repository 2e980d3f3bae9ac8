package sai.gateway.simulator;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code [sim:tool=NAME]}: what a tool-calling template answers, one call to NAME as the
 * gateway's tool instruction asks for it. Required parameters get placeholder values of their type, so
 * the demo shows a plausible call; a custom tool gets a placeholder input. NAME need not be offered:
 * asking for an unknown tool shows how the gateway keeps such an answer as text.
 */
@Singleton
class SimulatorToolCall {

    static final String PLACEHOLDER = "sim";

    private final JsonMapper json;

    SimulatorToolCall(JsonMapper json) {
        this.json = json;
    }

    String answer(String name, @Nullable String tools) {
        JsonNode definition = find(name, tools);
        Map<String, JsonNode> call = new LinkedHashMap<>();
        call.put("name", JsonNode.createStringNode(name));
        if (definition != null && definition.get("custom") != null) {
            call.put("input", JsonNode.createStringNode(PLACEHOLDER));
        } else {
            JsonNode function = definition == null ? null : definition.get("function");
            call.put("arguments", arguments(function == null ? null : function.get("parameters")));
        }
        try {
            return json.writeValueAsString(JsonNode.createObjectNode(Map.of("tool_calls", JsonNode.createArrayNode(List.of(
                    JsonNode.createObjectNode(call))))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Nullable
    private JsonNode find(String name, @Nullable String tools) {
        if (tools == null) {
            return null;
        }
        try {
            JsonNode list = json.readValue(tools, JsonNode.class);
            if (list == null || !list.isArray()) {
                return null;
            }
            for (JsonNode tool : list.values()) {
                for (String kind : List.of("function", "custom")) {
                    JsonNode body = tool.get(kind);
                    JsonNode toolName = body == null ? null : body.get("name");
                    if (toolName != null && toolName.isString() && toolName.getStringValue().equals(name)) {
                        return tool;
                    }
                }
            }
        } catch (IOException | RuntimeException notJson) {
            // answered without the definition
        }
        return null;
    }

    private static JsonNode arguments(@Nullable JsonNode schema) {
        Map<String, JsonNode> arguments = new LinkedHashMap<>();
        JsonNode required = schema == null ? null : schema.get("required");
        JsonNode properties = schema == null ? null : schema.get("properties");
        if (required != null && required.isArray()) {
            for (JsonNode field : required.values()) {
                if (field.isString()) {
                    JsonNode property = properties == null ? null : properties.get(field.getStringValue());
                    arguments.put(field.getStringValue(), placeholder(property == null ? null : property.get("type")));
                }
            }
        }
        return JsonNode.createObjectNode(arguments);
    }

    private static JsonNode placeholder(@Nullable JsonNode type) {
        String name = type != null && type.isString() ? type.getStringValue() : "string";
        return switch (name) {
            case "integer", "number" -> JsonNode.createNumberNode(1);
            case "boolean" -> JsonNode.createBooleanNode(true);
            case "array" -> JsonNode.createArrayNode(List.of());
            case "object" -> JsonNode.createObjectNode(Map.of());
            default -> JsonNode.createStringNode(PLACEHOLDER);
        };
    }
}
