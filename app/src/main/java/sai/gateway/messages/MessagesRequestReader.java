package sai.gateway.messages;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import sai.gateway.conversation.ChatMessage;
import sai.gateway.conversation.ChatRequest;
import sai.gateway.conversation.Role;
import sai.gateway.conversation.ToolCall;
import sai.gateway.conversation.ToolKind;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;
import sai.gateway.json.JsonKind;
import sai.gateway.tools.MessagesToolsReader;
import sai.gateway.tools.ToolNames;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import static sai.gateway.json.JsonFields.*;

/**
 * Reads and validates an Anthropic Messages body ({@code POST /v1/messages} and {@code /v1/messages/count_tokens})
 * into the neutral conversation. Lenient where Anthropic clients add what SAI has no use for (cache_control,
 * citations, thinking settings and blocks, context_management, metadata, ...), strict where SAI would fail or
 * silently misbehave: every problem is a 400 naming the parameter, raised before anything is sent upstream.
 */
@Singleton
public class MessagesRequestReader {

    static final String BILLING_HEADER = "x-anthropic-billing-header:";

    /** Prefixed to a failed tool's result: SAI's history is text, and the model must not take an error for an answer. */
    static final String TOOL_ERROR_MARKER = "[tool error]";

    private static final String TEXT_BLOCKS = "text";
    private static final String MESSAGE_BLOCKS =
            "text, tool_use (assistant), tool_result (user), thinking and redacted_thinking (ignored)";

    private final JsonMapper json;

    public MessagesRequestReader(JsonMapper json) {
        this.json = json;
    }

    /** {@code POST /v1/messages}: {@code max_tokens} is required. */
    public MessagesRequest read(byte[] body) {
        JsonNode root = object(body);
        JsonNode maxTokens = root.get("max_tokens");
        if (maxTokens == null || maxTokens.isNull()) {
            throw new InvalidRequestException(ErrorCode.MISSING_PARAMETER, "max_tokens", "max_tokens");
        }
        integerRange(root, "max_tokens", 1, Integer.MAX_VALUE);
        boolean stream = optionalBoolean(root.get("stream"), "stream");
        return request(root, stream, maxTokens.getNumberValue().intValue());
    }

    /** {@code POST /v1/messages/count_tokens}: nothing is generated, so {@code max_tokens} and {@code stream} do not matter. */
    public MessagesRequest readForCount(byte[] body) {
        return request(object(body), false, 0);
    }

    private static JsonNode object(byte[] body) {
        JsonNode root = parse(body);
        if (!root.isObject()) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_JSON, "body_not_object", null, JsonKind.of(root));
        }
        return root;
    }

    private MessagesRequest request(JsonNode root, boolean stream, int maxTokens) {
        String model = modelId(root);
        range(root, "temperature", 0, 1);
        range(root, "top_p", 0, 1);
        integerRange(root, "top_k", 0, Integer.MAX_VALUE);
        List<String> stopSequences = stopSequences(root);
        metadata(root.get("metadata"));
        // SAI has one system prompt, inputs.system: the system field first, then every system-role message, in order.
        List<ChatMessage> messages = new ArrayList<>(system(root.get("system")));
        List<ChatMessage> conversation = new ArrayList<>();
        JsonNode list = nonEmptyArray(root.get("messages"), "messages", "array");
        for (int i = 0; i < list.size(); i++) {
            message(list.get(i), "messages[" + i + "]", messages, conversation);
        }
        messages.addAll(conversation);
        ChatRequest chat = new ChatRequest(model, messages, stream, false, null, MessagesToolsReader.read(root));
        return new MessagesRequest(chat, maxTokens, stopSequences);
    }

    private static List<String> stopSequences(JsonNode root) {
        JsonNode node = root.get("stop_sequences");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalidType("stop_sequences", "array of strings", node);
        }
        List<String> stops = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode stop = node.get(i);
            if (!stop.isString()) {
                throw invalidType("stop_sequences[" + i + "]", "string", stop);
            }
            stops.add(stop.getStringValue());
        }
        return stops;
    }

    private static void metadata(@Nullable JsonNode metadata) {
        if (metadata != null && !metadata.isNull()) {
            requireObject(metadata, "metadata");
            optionalString(metadata, "user_id", "metadata.user_id");
        }
    }

    /** The {@code system} field: a string, or text blocks, each its own system message (SAI joins them with a blank line). */
    private static List<ChatMessage> system(@Nullable JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isString()) {
            List<ChatMessage> system = new ArrayList<>(1);
            addSystem(system, node.getStringValue());
            return system;
        }
        if (!node.isArray()) {
            throw invalidType("system", "string or array of text blocks", node);
        }
        List<ChatMessage> system = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            addSystem(system, textBlock(node.get(i), "system[" + i + "]"));
        }
        return system;
    }

    /**
     * An empty instruction says nothing, and would only add a blank line to SAI's system prompt. Claude Code's first
     * system block is its billing attribution line for Anthropic's API ({@code x-anthropic-billing-header: cc_version=...}),
     * not an instruction: the model has no use for it, and its version number would make every Claude Code release's
     * prompts differ.
     */
    private static void addSystem(List<ChatMessage> system, String text) {
        if (!text.isEmpty() && !text.startsWith(BILLING_HEADER)) {
            system.add(new ChatMessage(Role.SYSTEM, text));
        }
    }

    private void message(JsonNode node, String path, List<ChatMessage> system, List<ChatMessage> conversation) {
        requireObject(node, path);
        String roleName = requiredString(node, "role", path + ".role");
        Role role = switch (roleName) {
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            case "system" -> Role.SYSTEM;
            default -> throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "invalid_messages_role", path + ".role",
                    path + ".role", printable(roleName));
        };
        String contentPath = path + ".content";
        JsonNode content = node.get("content");
        if (content != null && content.isString() && role == Role.SYSTEM) {
            addSystem(system, content.getStringValue());
            return;
        }
        if (content != null && content.isString()) {
            conversation.add(new ChatMessage(role, content.getStringValue()));
            return;
        }
        nonEmptyArray(content, contentPath, "string or array of content blocks");
        Blocks blocks = new Blocks();
        for (int i = 0; i < content.size(); i++) {
            block(content.get(i), contentPath + "[" + i + "]", role, blocks);
        }
        switch (role) {
            case SYSTEM -> addSystem(system, blocks.text());
            case ASSISTANT -> conversation.add(new ChatMessage(role, blocks.text(), blocks.calls, null));
            default -> {
                // Anthropic puts a turn's tool results first; SAI's history wants them as tool messages before the user's words.
                conversation.addAll(blocks.results);
                if (blocks.texts > 0 || blocks.results.isEmpty()) {
                    conversation.add(new ChatMessage(role, blocks.text()));
                }
            }
        }
    }

    /** What one message's content blocks add up to. */
    private static final class Blocks {
        private final StringBuilder text = new StringBuilder();
        private final List<ToolCall> calls = new ArrayList<>();
        private final List<ChatMessage> results = new ArrayList<>();
        private int texts;

        void addText(String part) {
            if (texts++ > 0) {
                text.append('\n');
            }
            text.append(part);
        }

        String text() {
            return text.toString();
        }
    }

    private void block(JsonNode block, String path, Role role, Blocks blocks) {
        requireObject(block, path);
        String type = requiredString(block, "type", path + ".type");
        switch (type) {
            case "text" -> blocks.addText(requiredString(block, "text", path + ".text"));
            case "tool_use" -> {
                onlyIn(role, Role.ASSISTANT, type, path);
                blocks.calls.add(toolUse(block, path));
            }
            case "tool_result" -> {
                onlyIn(role, Role.USER, type, path);
                blocks.results.add(toolResult(block, path));
            }
            case "thinking", "redacted_thinking" -> {
                // the model's own reasoning, signed for Anthropic's models: nothing SAI can continue from
            }
            default -> {
                if (!isServerToolBlock(type)) {
                    throw unsupported(type, path, MESSAGE_BLOCKS);
                }
                // a server tool's call or result, produced by Anthropic's API for a tool SAI never ran
            }
        }
    }

    private static boolean isServerToolBlock(String type) {
        return type.equals("server_tool_use") || type.equals("mcp_tool_use")
                || (type.endsWith("_tool_result") && !type.equals("tool_result"));
    }

    private static void onlyIn(Role role, Role allowed, String type, String path) {
        if (role != allowed) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "block_wrong_role", path + ".type", path, type, allowed.wire());
        }
    }

    private ToolCall toolUse(JsonNode block, String path) {
        String id = requiredString(block, "id", path + ".id");
        String name = ToolNames.requireCalled(block, "name", path + ".name");
        JsonNode input = block.get("input");
        if (input == null || input.isNull()) {
            throw new InvalidRequestException(ErrorCode.MISSING_PARAMETER, path + ".input", path + ".input");
        }
        requireObject(input, path + ".input");
        try {
            return new ToolCall(id, ToolKind.FUNCTION, name, null, json.writeValueAsString(input));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ChatMessage toolResult(JsonNode block, String path) {
        String id = requiredString(block, "tool_use_id", path + ".tool_use_id");
        String text = resultText(block.get("content"), path + ".content");
        if (optionalBoolean(block.get("is_error"), path + ".is_error")) {
            text = text.isEmpty() ? TOOL_ERROR_MARKER : TOOL_ERROR_MARKER + "\n" + text;
        }
        return new ChatMessage(Role.TOOL, text, List.of(), id);
    }

    /** A tool result's content: absent (the tool said nothing), a string, or text blocks. */
    private static String resultText(@Nullable JsonNode content, String path) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isString()) {
            return content.getStringValue();
        }
        if (!content.isArray()) {
            throw invalidType(path, "string or array of text blocks", content);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            text.append(i > 0 ? "\n" : "").append(textBlock(content.get(i), path + "[" + i + "]"));
        }
        return text.toString();
    }

    /** A block where only text may stand: in {@code system} and in a tool result. */
    private static String textBlock(JsonNode block, String path) {
        requireObject(block, path);
        String type = requiredString(block, "type", path + ".type");
        if (!type.equals("text")) {
            throw unsupported(type, path, TEXT_BLOCKS);
        }
        return requiredString(block, "text", path + ".text");
    }

    private static InvalidRequestException unsupported(String type, String path, String supported) {
        if (type.equals("image") || type.equals("document")) {
            return InvalidRequestException.keyed(ErrorCode.UNSUPPORTED_CONTENT, "image_not_supported", path, path);
        }
        return InvalidRequestException.keyed(ErrorCode.UNSUPPORTED_CONTENT, "unsupported_block", path + ".type",
                printable(type), path, supported);
    }
}
