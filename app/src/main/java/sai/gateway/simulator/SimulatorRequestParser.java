package sai.gateway.simulator;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the execute body by hand rather than binding it, so a body that breaks the contract is
 * answered with a 400 that says which field is wrong, the way a strict upstream would.
 */
@Singleton
class SimulatorRequestParser {

    private final JsonMapper jsonMapper;

    SimulatorRequestParser(JsonMapper jsonMapper) {
        this.jsonMapper = jsonMapper;
    }

    SimulatorRequest parse(@Nullable String body) {
        if (body == null || body.isBlank()) {
            throw new SimulatorRejection("Empty body: expected a JSON object with inputs.user.");
        }
        JsonNode root;
        try {
            root = jsonMapper.readValue(body, JsonNode.class);
        } catch (IOException | RuntimeException e) {
            throw new SimulatorRejection("Body is not valid JSON.");
        }
        if (root == null || !root.isObject()) {
            throw new SimulatorRejection("Body must be a JSON object.");
        }
        JsonNode inputs = root.get("inputs");
        if (inputs == null || !inputs.isObject()) {
            throw new SimulatorRejection("Missing inputs object.");
        }
        String user = optionalString(inputs, "user", "inputs.user");
        if (user == null) {
            throw new SimulatorRejection("Missing inputs.user.");
        }
        String system = optionalString(inputs, "system", "inputs.system");
        String tools = optionalString(inputs, "tools", "inputs.tools (the tools array serialised as a JSON string)");
        return new SimulatorRequest(system == null ? "" : system, user, tools, chatContents(root.get("chatMessages")),
                lastChatRole(root.get("chatMessages")));
    }

    private static List<String> chatContents(@Nullable JsonNode messages) {
        if (messages == null || messages.isNull()) {
            return List.of();
        }
        if (!messages.isArray()) {
            throw new SimulatorRejection("chatMessages must be an array.");
        }
        List<String> contents = new ArrayList<>(messages.size());
        int index = 0;
        for (JsonNode message : messages.values()) {
            if (!message.isObject()) {
                throw new SimulatorRejection("chatMessages[" + index + "] must be an object.");
            }
            String content = optionalString(message, "content", "chatMessages[" + index + "].content");
            contents.add(content == null ? "" : content);
            index++;
        }
        return contents;
    }

    /** Already validated by {@link #chatContents}; a role that is not a string counts as none. */
    @Nullable
    private static String lastChatRole(@Nullable JsonNode messages) {
        if (messages == null || !messages.isArray() || messages.size() == 0) {
            return null;
        }
        JsonNode role = messages.get(messages.size() - 1).get("role");
        return role != null && role.isString() ? role.getStringValue() : null;
    }

    @Nullable
    private static String optionalString(JsonNode parent, String field, String describedAs) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw new SimulatorRejection(describedAs + " must be a string.");
        }
        return node.getStringValue();
    }

    /** How many tools a tools string offers, or -1 when it is not a JSON array. */
    int countTools(String tools) {
        try {
            JsonNode node = jsonMapper.readValue(tools, JsonNode.class);
            return node != null && node.isArray() ? node.size() : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
