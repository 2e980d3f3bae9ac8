package sai.gateway.responses;

import sai.gateway.auth.BodyUserKey;
import sai.gateway.json.JsonFields;

import sai.gateway.chat.ChatRequestReader;
import sai.gateway.conversation.ChatMessage;
import sai.gateway.conversation.ChatRequest;
import sai.gateway.conversation.Role;
import sai.gateway.conversation.ToolRequest;
import sai.gateway.json.JsonKind;
import sai.gateway.tools.ResponsesToolsReader;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Responses API body into the chat request SAI's path takes: {@code instructions} first (they
 * join the system prompt with the leading system/developer items), then every {@code input} item in
 * order. Stateless: {@code previous_response_id}, {@code conversation} and {@code background} get a 400
 * that says to send the whole input. Unknown top-level fields ({@code store}, {@code include},
 * {@code reasoning}, {@code prompt_cache_key}, {@code client_metadata}, ...) are ignored, as OpenAI
 * clients send many.
 */
@Singleton
public class ResponsesRequestReader {

    public ResponsesRequest read(byte[] body) {
        JsonNode root = JsonFields.parse(body);
        if (!root.isObject()) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_JSON, "body_not_object", null, JsonKind.of(root));
        }
        stateless(root, "previous_response_id");
        stateless(root, "conversation");
        JsonNode background = root.get("background");
        if (background != null && !background.isNull() && JsonFields.optionalBoolean(background, "background")) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "background_unsupported", "background");
        }
        String model = JsonFields.modelId(root);
        String instructions = JsonFields.optionalString(root, "instructions");
        boolean stream = JsonFields.optionalBoolean(root.get("stream"), "stream");
        JsonFields.range(root, "temperature", 0, 2);
        JsonFields.range(root, "top_p", 0, 1);
        JsonFields.integerRange(root, "max_output_tokens", 1, Integer.MAX_VALUE);
        Map<String, String> metadata = metadata(root.get("metadata"));
        ToolRequest tools = ResponsesToolsReader.read(root);

        List<ChatMessage> messages = new ArrayList<>();
        if (instructions != null && !instructions.isBlank()) {
            messages.add(new ChatMessage(Role.SYSTEM, instructions));
        }
        messages.addAll(ResponsesInputReader.read(root.get("input")));
        ChatRequest chat = new ChatRequest(model, messages, stream, false,
                BodyUserKey.read(root), tools);

        JsonNode toolsSent = root.get("tools");
        List<JsonNode> toolsEcho = new ArrayList<>();
        if (toolsSent != null && toolsSent.isArray()) {
            toolsSent.values().forEach(toolsEcho::add);
        }
        JsonNode choice = root.get("tool_choice");
        return new ResponsesRequest(chat, instructions, toolsEcho,
                choice == null || choice.isNull() ? JsonNode.createStringNode("auto") : choice,
                number(root, "temperature"), number(root, "top_p"), metadata);
    }

    private static void stateless(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node != null && !node.isNull()) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "stateless_responses", field, field, field);
        }
    }

    /** {@code metadata} is echoed in the response, so it must be what the spec allows: string values. */
    private static Map<String, String> metadata(@Nullable JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        JsonFields.requireObject(node, "metadata");
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.entries()) {
            if (!entry.getValue().isString()) {
                throw JsonFields.invalidType("metadata." + JsonFields.printable(entry.getKey()), "string", entry.getValue());
            }
            metadata.put(entry.getKey(), entry.getValue().getStringValue());
        }
        return metadata;
    }

    @Nullable
    private static Double number(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : node.getNumberValue().doubleValue();
    }
}
