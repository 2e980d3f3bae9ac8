package sai.gateway.tools;

import sai.gateway.json.JsonFields;

import sai.gateway.conversation.ToolSpec;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;

import java.util.Collection;
import java.util.regex.Pattern;

/** Tool names as OpenAI accepts them; both request readers check them the same way. */
public final class ToolNames {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    private ToolNames() {
    }

    /** The required, well-formed name at {@code path}. */
    public static String require(JsonNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidRequestException(ErrorCode.MISSING_PARAMETER, path, path);
        }
        if (!node.isString()) {
            throw JsonFields.invalidType(path, "string", node);
        }
        String name = node.getStringValue();
        if (!NAME.matcher(name).matches()) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "invalid_tool_name", path, path, JsonFields.printable(name));
        }
        return name;
    }

    /** A call in the history names the tool it called; it only has to be a string, since the tool may since have been removed. */
    public static String requireCalled(JsonNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidRequestException(ErrorCode.MISSING_PARAMETER, path, path);
        }
        if (!node.isString()) {
            throw JsonFields.invalidType(path, "string", node);
        }
        return node.getStringValue();
    }

    public static void requireUnique(Collection<ToolSpec> known, String name, String path) {
        for (ToolSpec tool : known) {
            if (tool.name().equals(name)) {
                throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "duplicate_tool_name", path, path, name);
            }
        }
    }

    /** A description, when present, must be text: it is shown to the model. */
    @Nullable
    public static String description(JsonNode parent, String path) {
        return JsonFields.optionalString(parent, "description", path);
    }

    /** A JSON schema, when present, must be an object. */
    @Nullable
    public static JsonNode parameters(JsonNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw JsonFields.invalidType(path, "object (a JSON schema)", node);
        }
        return node;
    }

    /** {@code parallel_tool_calls} of the OpenAI surfaces: true unless the client says false. */
    public static boolean parallelToolCalls(JsonNode root) {
        JsonNode parallel = root.get("parallel_tool_calls");
        return parallel == null || parallel.isNull() || JsonFields.optionalBoolean(parallel, "parallel_tool_calls");
    }
}
