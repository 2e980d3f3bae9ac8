package sai.gateway.responses;

import sai.gateway.json.ContentParts;
import sai.gateway.json.JsonFields;

import sai.gateway.chat.ChatRequestReader;
import sai.gateway.conversation.ChatMessage;
import sai.gateway.conversation.Role;
import sai.gateway.conversation.ToolCall;
import sai.gateway.conversation.ToolKind;
import sai.gateway.tools.ToolNames;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;

import java.util.ArrayList;
import java.util.List;

/**
 * A Responses API {@code input} as chat messages: a string is one user message; items become messages
 * in order. {@code function_call} and {@code custom_tool_call} items join the assistant turn they follow
 * (or start one); their outputs become tool messages naming the {@code call_id}. {@code reasoning} items
 * carry nothing SAI can read (Codex sends them encrypted) and are skipped.
 */
final class ResponsesInputReader {

    /** Tool outputs may hold images (Codex's view_image): SAI reads text only, so the model is told one was there. */
    static final String MEDIA_PLACEHOLDER = "[%s omitted: SAI reads text only]";

    private ResponsesInputReader() {
    }

    static List<ChatMessage> read(@Nullable JsonNode input) {
        if (input != null && input.isString()) {
            return List.of(new ChatMessage(Role.USER, input.getStringValue()));
        }
        JsonFields.nonEmptyArray(input, "input", "string or array of input items");
        List<ChatMessage> messages = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            item(input.get(i), "input[" + i + "]", messages);
        }
        return messages;
    }

    private static void item(JsonNode item, String path, List<ChatMessage> messages) {
        JsonFields.requireObject(item, path);
        String type = JsonFields.optionalString(item, "type", path + ".type");
        if (type == null) {
            // EasyInputMessage: {"role": ..., "content": ...} without a type.
            if (item.get("role") == null) {
                throw new InvalidRequestException(ErrorCode.MISSING_PARAMETER, path + ".type", path + ".type");
            }
            type = "message";
        }
        switch (type) {
            case "message" -> messages.add(message(item, path));
            case "function_call" -> addCall(messages, new ToolCall(JsonFields.requiredString(item, "call_id", path + ".call_id"), ToolKind.FUNCTION,
                    ToolNames.requireCalled(item, "name", path + ".name"), namespace(item, path), JsonFields.requiredString(item, "arguments", path + ".arguments")));
            case "custom_tool_call" -> addCall(messages, new ToolCall(JsonFields.requiredString(item, "call_id", path + ".call_id"), ToolKind.CUSTOM,
                    ToolNames.requireCalled(item, "name", path + ".name"), namespace(item, path), JsonFields.requiredString(item, "input", path + ".input")));
            case "function_call_output", "custom_tool_call_output" -> messages.add(new ChatMessage(Role.TOOL,
                    output(item.get("output"), path + ".output"), List.of(), JsonFields.requiredString(item, "call_id", path + ".call_id")));
            case "reasoning" -> {
                // Nothing SAI can use: summaries are the model's own notes, and the content arrives encrypted.
            }
            default -> throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "unsupported_input_item", path + ".type", path + ".type",
                    JsonFields.printable(type));
        }
    }

    private static ChatMessage message(JsonNode item, String path) {
        JsonNode roleNode = item.get("role");
        if (roleNode == null || roleNode.isNull()) {
            throw new InvalidRequestException(ErrorCode.MISSING_PARAMETER, path + ".role", path + ".role");
        }
        if (!roleNode.isString()) {
            throw JsonFields.invalidType(path + ".role", "string", roleNode);
        }
        Role role = Role.fromWire(roleNode.getStringValue())
                .filter(r -> r != Role.TOOL)
                .orElseThrow(() -> InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "invalid_input_role", path + ".role",
                        path + ".role", JsonFields.printable(roleNode.getStringValue())));
        return new ChatMessage(role, ContentParts.content(item.get("content"), role, path + ".content"));
    }

    /** A call continues the assistant turn just before it, so one turn's text and calls reach SAI as one message. */
    private static void addCall(List<ChatMessage> messages, ToolCall call) {
        int last = messages.size() - 1;
        if (last >= 0 && messages.get(last).role() == Role.ASSISTANT) {
            ChatMessage turn = messages.get(last);
            List<ToolCall> calls = new ArrayList<>(turn.toolCalls());
            calls.add(call);
            messages.set(last, new ChatMessage(Role.ASSISTANT, turn.content(), calls, null));
        } else {
            messages.add(new ChatMessage(Role.ASSISTANT, "", List.of(call), null));
        }
    }

    /** A tool's output: a string, or content parts whose text is kept and whose media are named. */
    private static String output(@Nullable JsonNode node, String path) {
        if (node == null || node.isNull()) {
            throw new InvalidRequestException(ErrorCode.MISSING_PARAMETER, path, path);
        }
        if (node.isString()) {
            return node.getStringValue();
        }
        if (!node.isArray()) {
            throw JsonFields.invalidType(path, "string or array of content parts", node);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < node.size(); i++) {
            JsonNode part = node.get(i);
            String partPath = path + "[" + i + "]";
            JsonNode type = part.isObject() ? part.get("type") : null;
            String piece = type != null && type.isString() && ContentParts.MEDIA_PARTS.contains(type.getStringValue())
                    ? MEDIA_PLACEHOLDER.formatted(type.getStringValue())
                    : ContentParts.part(part, partPath);
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(piece);
        }
        return text.toString();
    }

    @Nullable
    private static String namespace(JsonNode item, String path) {
        return JsonFields.optionalString(item, "namespace", path + ".namespace");
    }
}
