package sai.gateway.chat;

import sai.gateway.conversation.ChatMessage;
import sai.gateway.conversation.ChatRequest;
import sai.gateway.conversation.Role;
import sai.gateway.conversation.ToolRequest;
import sai.gateway.json.JsonKind;
import sai.gateway.tools.ChatToolsReader;
import sai.gateway.auth.BodyUserKey;

import static sai.gateway.json.ContentParts.content;
import static sai.gateway.json.JsonFields.*;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads and validates a chat completion body. Lenient where OpenAI clients differ (unknown fields,
 * content as a string or as parts), strict where SAI would fail or silently misbehave: every problem
 * is a 400 naming the parameter, raised before anything is sent upstream.
 */
@Singleton
public class ChatRequestReader {

    public ChatRequest read(byte[] body) {
        JsonNode root = parse(body);
        if (!root.isObject()) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_JSON, "body_not_object", null, JsonKind.of(root));
        }
        String model = modelId(root);
        List<ChatMessage> messages = messages(root.get("messages"));
        boolean stream = optionalBoolean(root.get("stream"), "stream");
        boolean includeUsage = false;
        JsonNode options = root.get("stream_options");
        if (options != null && !options.isNull()) {
            requireObject(options, "stream_options");
            includeUsage = optionalBoolean(options.get("include_usage"), "stream_options.include_usage");
        }
        checkSamplingParameters(root);
        ToolRequest tools = ChatToolsReader.read(root);
        return new ChatRequest(model, messages, stream, includeUsage, BodyUserKey.read(root), tools);
    }


    private List<ChatMessage> messages(@Nullable JsonNode node) {
        nonEmptyArray(node, "messages", "array");
        List<ChatMessage> messages = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            messages.add(message(node.get(i), "messages[" + i + "]"));
        }
        return messages;
    }

    private ChatMessage message(JsonNode node, String path) {
        requireObject(node, path);
        JsonNode roleNode = node.get("role");
        if (roleNode == null || roleNode.isNull()) {
            throw new InvalidRequestException(ErrorCode.MISSING_PARAMETER, path + ".role", path + ".role");
        }
        if (!roleNode.isString()) {
            throw invalidType(path + ".role", "string", roleNode);
        }
        Role role = Role.fromWire(roleNode.getStringValue())
                .orElseThrow(() -> InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "invalid_role", path + ".role",
                        path + ".role", printable(roleNode.getStringValue())));
        String content = content(node.get("content"), role, path + ".content");
        if (role == Role.ASSISTANT) {
            return new ChatMessage(role, content, ChatToolsReader.calls(node.get("tool_calls"), path + ".tool_calls"), null);
        }
        if (role == Role.TOOL) {
            return new ChatMessage(role, content, List.of(), optionalString(node, "tool_call_id", path + ".tool_call_id"));
        }
        return new ChatMessage(role, content);
    }



    private static void checkSamplingParameters(JsonNode root) {
        JsonNode n = root.get("n");
        if (n != null && !n.isNull()) {
            if (!n.isNumber()) {
                throw invalidType("n", "integer", n);
            }
            if (n.getNumberValue().doubleValue() != 1.0) {
                throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "n_unsupported", "n", n.getNumberValue());
            }
        }
        range(root, "temperature", 0, 2);
        range(root, "top_p", 0, 1);
        range(root, "presence_penalty", -2, 2);
        range(root, "frequency_penalty", -2, 2);
        integerRange(root, "max_tokens", 1, Integer.MAX_VALUE);
        integerRange(root, "max_completion_tokens", 1, Integer.MAX_VALUE);
    }












}
