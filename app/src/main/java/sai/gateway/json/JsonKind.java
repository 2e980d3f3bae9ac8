package sai.gateway.json;

import io.micronaut.json.tree.JsonNode;

/** Names a JSON value's type the way OpenAI's validation messages do. */
public final class JsonKind {

    private JsonKind() {
    }

    public static String of(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        if (node.isString()) {
            return "string";
        }
        if (node.isBoolean()) {
            return "boolean";
        }
        if (node.isNumber()) {
            return "number";
        }
        if (node.isArray()) {
            return "array";
        }
        return "object";
    }
}
