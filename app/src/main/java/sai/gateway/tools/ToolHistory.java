package sai.gateway.tools;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import sai.gateway.conversation.ChatMessage;
import sai.gateway.conversation.Role;
import sai.gateway.conversation.ToolCall;
import sai.gateway.conversation.ToolKind;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SAI's history holds text only, so calls and results are written out, in the form the tool
 * instruction teaches the model (README, "Tool calling"):
 *
 * <pre>
 * assistant:  [its text, a blank line, then] {"tool_calls":[{"id":"call_1","name":"get_weather","arguments":{"city":"Quito"}}]}
 * tool:       [tool result for call_1 (get_weather)]
 *             Sunny, 21C
 * </pre>
 *
 * A custom tool's call carries {@code "input":"..."} instead of {@code arguments}; arguments that are not
 * a JSON object are kept as the string the client sent. Nothing is dropped.
 */
final class ToolHistory {

    private ToolHistory() {
    }

    static List<ChatMessage> render(List<ChatMessage> messages, JsonMapper json) {
        Map<String, String> namesById = new HashMap<>();
        boolean any = false;
        for (ChatMessage m : messages) {
            for (ToolCall call : m.toolCalls()) {
                namesById.put(call.id(), call.qualifiedName());
                any = true;
            }
            any |= m.role() == Role.TOOL;
        }
        if (!any) {
            return messages;
        }
        List<ChatMessage> rendered = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            if (!m.toolCalls().isEmpty()) {
                String calls = calls(m.toolCalls(), json);
                rendered.add(new ChatMessage(m.role(), m.content().isBlank() ? calls : m.content() + "\n\n" + calls));
            } else if (m.role() == Role.TOOL) {
                rendered.add(new ChatMessage(m.role(), resultHeader(m.toolCallId(), namesById) + "\n" + m.content()));
            } else {
                rendered.add(m);
            }
        }
        return rendered;
    }

    static String resultHeader(@Nullable String callId, Map<String, String> namesById) {
        if (callId == null) {
            return "[tool result]";
        }
        String name = namesById.get(callId);
        return "[tool result for " + callId + (name == null ? "" : " (" + name + ")") + "]";
    }

    private static String calls(List<ToolCall> calls, JsonMapper json) {
        List<JsonNode> entries = new ArrayList<>(calls.size());
        for (ToolCall call : calls) {
            Map<String, JsonNode> entry = new LinkedHashMap<>();
            entry.put("id", JsonNode.createStringNode(call.id()));
            entry.put("name", JsonNode.createStringNode(call.qualifiedName()));
            if (call.kind() == ToolKind.CUSTOM) {
                entry.put("input", JsonNode.createStringNode(call.arguments()));
            } else {
                entry.put("arguments", arguments(call.arguments(), json));
            }
            entries.add(JsonNode.createObjectNode(entry));
        }
        try {
            return json.writeValueAsString(JsonNode.createObjectNode(Map.of("tool_calls", JsonNode.createArrayNode(entries))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The object itself when the client's text is one, so the model sees the same form it is asked to write. */
    private static JsonNode arguments(String arguments, JsonMapper json) {
        try {
            JsonNode node = json.readValue(arguments, JsonNode.class);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException | RuntimeException notJson) {
            // kept as the string the client sent
        }
        return JsonNode.createStringNode(arguments);
    }
}
