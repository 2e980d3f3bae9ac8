package sai.gateway.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.LimitingStream;
import io.micronaut.serde.jackson.JacksonDecoder;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;
import sai.gateway.text.Printable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads and validates a chat completion body. Lenient where OpenAI clients differ (unknown fields,
 * content as a string or as parts), strict where SAI would fail or silently misbehave: every problem
 * is a 400 naming the parameter, raised before anything is sent upstream.
 */
@Singleton
public class ChatRequestReader {

    private static final Set<String> TEXT_PARTS = Set.of("text", "input_text", "output_text");
    static final Set<String> MEDIA_PARTS = Set.of("image_url", "input_image", "image", "input_audio", "audio", "file", "input_file");

    private static final JsonFactory STRICT_JSON = new JsonFactory();

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
        return new ChatRequest(model, messages, stream, includeUsage, bodyUserKey(root), tools);
    }

    /**
     * One pass over the bytes: Jackson's parser feeds Micronaut's tree decoder, and the same parser then
     * proves nothing follows the value ({@code {...} garbage} or two objects would otherwise be accepted).
     * The bytes are checked to be strict UTF-8, without an unpaired surrogate escape, first: Jackson checks neither.
     */
    static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidRequestException(ErrorCode.INVALID_JSON, null);
        }
        int problem = StrictUtf8.firstProblem(body);
        if (problem >= 0) {
            throw body[problem] == '\\' ? InvalidRequestException.keyed(ErrorCode.INVALID_JSON, "invalid_json_surrogate", null)
                    : new InvalidRequestException(ErrorCode.INVALID_JSON, null);
        }
        try (JsonParser parser = STRICT_JSON.createParser(body)) {
            if (parser.nextToken() == null) {
                throw new InvalidRequestException(ErrorCode.INVALID_JSON, null);
            }
            JsonNode node = JacksonDecoder.create(parser, LimitingStream.DEFAULT_LIMITS).decodeNode();
            if (node == null || parser.nextToken() != null) {
                throw new InvalidRequestException(ErrorCode.INVALID_JSON, null);
            }
            return node;
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidRequestException invalid) {
                throw invalid;
            }
            // The parser's own message may quote the input; the client gets ours.
            throw new InvalidRequestException(ErrorCode.INVALID_JSON, null);
        }
    }

    private List<ChatMessage> messages(@Nullable JsonNode node) {
        if (node == null || node.isNull()) {
            throw new InvalidRequestException(ErrorCode.MISSING_PARAMETER, "messages", "messages");
        }
        if (!node.isArray()) {
            throw invalidType("messages", "array", node);
        }
        if (node.size() == 0) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "empty_array", "messages", "messages");
        }
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

    static String content(@Nullable JsonNode node, Role role, String path) {
        if (node == null || node.isNull()) {
            // An assistant turn that only called tools has no text; every other role must say something.
            if (role == Role.ASSISTANT) {
                return "";
            }
            throw new InvalidRequestException(ErrorCode.MISSING_PARAMETER, path, path);
        }
        if (node.isString()) {
            return node.getStringValue();
        }
        if (!node.isArray()) {
            throw invalidType(path, "string or array of content parts", node);
        }
        if (node.size() == 0) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "empty_array", path, path);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < node.size(); i++) {
            String partPath = path + "[" + i + "]";
            String partText = part(node.get(i), partPath);
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(partText);
        }
        return text.toString();
    }

    static String part(JsonNode part, String path) {
        if (part.isString()) {
            return part.getStringValue();
        }
        requireObject(part, path);
        JsonNode typeNode = part.get("type");
        if (typeNode == null || !typeNode.isString()) {
            throw typeNode == null || typeNode.isNull()
                    ? new InvalidRequestException(ErrorCode.MISSING_PARAMETER, path + ".type", path + ".type")
                    : invalidType(path + ".type", "string", typeNode);
        }
        String type = typeNode.getStringValue();
        if (TEXT_PARTS.contains(type) || type.equals("refusal")) {
            String field = type.equals("refusal") ? "refusal" : "text";
            JsonNode text = part.get(field);
            if (text == null || text.isNull()) {
                throw new InvalidRequestException(ErrorCode.MISSING_PARAMETER, path + "." + field, path + "." + field);
            }
            if (!text.isString()) {
                throw invalidType(path + "." + field, "string", text);
            }
            return text.getStringValue();
        }
        if (MEDIA_PARTS.contains(type)) {
            throw InvalidRequestException.keyed(ErrorCode.UNSUPPORTED_CONTENT, "image_not_supported", path, path);
        }
        throw InvalidRequestException.keyed(ErrorCode.UNSUPPORTED_CONTENT, "unsupported_part", path + ".type", printable(type), path);
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

    /**
     * The requested model id, or null for the default (absent, null or blank). Whitespace around it is trimmed, as a
     * pasted id's newline is no attack; a control character left inside is refused, because String.trim() would
     * have quietly turned {@code "sai-model\u0000"} into {@code sai-model}.
     */
    @Nullable
    static String modelId(JsonNode root) {
        String model = optionalString(root, "model");
        if (model == null || model.isBlank()) {
            return null;
        }
        String id = model.strip();
        if (hasControlCharacter(id)) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "model_control_characters", "model");
        }
        return id;
    }

    /** C0, DEL and C1 (U+0080..U+009F): never part of an identifier. */
    static boolean hasControlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return true;
            }
        }
        return false;
    }

    /** A count: a whole number in range. {@code 1.5} is not rounded or truncated for the client, it is refused; {@code 2.0} is 2. */
    static void integerRange(JsonNode root, String name, long min, long max) {
        JsonNode node = root.get(name);
        if (node != null && node.isNumber()) {
            double value = node.getNumberValue().doubleValue();
            if (!Double.isInfinite(value) && value != Math.rint(value)) {
                throw new InvalidRequestException(ErrorCode.INVALID_TYPE, name, name, "integer", "decimal number");
            }
        }
        range(root, name, min, max);
    }

    static void range(JsonNode root, String name, double min, double max) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isNumber()) {
            throw invalidType(name, "number", node);
        }
        double value = node.getNumberValue().doubleValue();
        if (Double.isNaN(value) || value < min || value > max) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "invalid_number", name, name, node.getNumberValue(),
                    format(min), format(max));
        }
    }

    private static String format(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    @Nullable
    static String bodyUserKey(JsonNode root) {
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

    @Nullable
    static String optionalString(JsonNode root, String name) {
        return optionalString(root, name, name);
    }

    /** {@code path} names the field in the error, for fields below the top level. */
    @Nullable
    static String optionalString(JsonNode parent, String name, String path) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw invalidType(path, "string", node);
        }
        return node.getStringValue();
    }

    static boolean optionalBoolean(@Nullable JsonNode node, String name) {
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw invalidType(name, "boolean", node);
        }
        return node.getBooleanValue();
    }

    static void requireObject(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw invalidType(path, "object", node);
        }
    }

    static InvalidRequestException invalidType(String path, String expected, @Nullable JsonNode actual) {
        return new InvalidRequestException(ErrorCode.INVALID_TYPE, path, path, expected, JsonKind.of(actual));
    }

    /** Echoes a client value back only in a short, single-line form. */
    static String printable(String value) {
        return Printable.oneLine(value, 40);
    }
}
