package sai.gateway.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.LimitingStream;
import io.micronaut.serde.jackson.JacksonDecoder;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;
import sai.gateway.text.Printable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading a request body's fields the way every API surface refuses bad input: one strict parse, then typed
 * lookups whose failures are 400s naming the parameter by its path (never echoing more than a short value).
 */
public final class JsonFields {

    private static final JsonFactory STRICT_JSON = new JsonFactory();

    private JsonFields() {
    }

    /**
     * One pass over the bytes: Jackson's parser feeds Micronaut's tree decoder, and the same parser then
     * proves nothing follows the value ({@code {...} garbage} or two objects would otherwise be accepted).
     * The bytes are checked to be strict UTF-8, without an unpaired surrogate escape, first: Jackson checks neither.
     */
    public static JsonNode parse(byte[] body) {
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
    /**
     * The requested model id, or null for the default (absent, null or blank). Whitespace around it is trimmed, as a
     * pasted id's newline is no attack; a control character left inside is refused, because String.trim() would
     * have quietly turned {@code "sai-model\u0000"} into {@code sai-model}.
     */
    @Nullable
    public static String modelId(JsonNode root) {
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
    public static boolean hasControlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return true;
            }
        }
        return false;
    }
    /** A count: a whole number in range. {@code 1.5} is not rounded or truncated for the client, it is refused; {@code 2.0} is 2. */
    public static void integerRange(JsonNode root, String name, long min, long max) {
        JsonNode node = root.get(name);
        if (node != null && node.isNumber()) {
            double value = node.getNumberValue().doubleValue();
            if (!Double.isInfinite(value) && value != Math.rint(value)) {
                throw new InvalidRequestException(ErrorCode.INVALID_TYPE, name, name, "integer", "decimal number");
            }
        }
        range(root, name, min, max);
    }
    public static void range(JsonNode root, String name, double min, double max) {
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
    public static String optionalString(JsonNode root, String name) {
        return optionalString(root, name, name);
    }
    /** {@code path} names the field in the error, for fields below the top level. */
    @Nullable
    public static String optionalString(JsonNode parent, String name, String path) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw invalidType(path, "string", node);
        }
        return node.getStringValue();
    }
    public static boolean optionalBoolean(@Nullable JsonNode node, String name) {
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw invalidType(name, "boolean", node);
        }
        return node.getBooleanValue();
    }
    public static void requireObject(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw invalidType(path, "object", node);
        }
    }
    public static InvalidRequestException invalidType(String path, String expected, @Nullable JsonNode actual) {
        return new InvalidRequestException(ErrorCode.INVALID_TYPE, path, path, expected, JsonKind.of(actual));
    }
    /** Echoes a client value back only in a short, single-line form. */
    public static String printable(String value) {
        return Printable.oneLine(value, 40);
    }

    /** An optional array field: empty when absent or null, a 400 naming {@code path} when it is not an array. */
    public static List<JsonNode> optionalArray(JsonNode parent, String name, String path) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalidType(path, "array", node);
        }
        List<JsonNode> elements = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            elements.add(node.get(i));
        }
        return elements;
    }

    /** A string field that must be there: missing or null is a 400 naming {@code path}. */
    public static String requiredString(JsonNode parent, String field, String path) {
        String value = optionalString(parent, field, path);
        if (value == null) {
            throw new InvalidRequestException(ErrorCode.MISSING_PARAMETER, path, path);
        }
        return value;
    }

    /** An array that must hold something: missing, null, not an array ({@code expected} says what is) or empty is a 400. */
    public static JsonNode nonEmptyArray(@Nullable JsonNode node, String path, String expected) {
        if (node == null || node.isNull()) {
            throw new InvalidRequestException(ErrorCode.MISSING_PARAMETER, path, path);
        }
        if (!node.isArray()) {
            throw invalidType(path, expected, node);
        }
        if (node.size() == 0) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "empty_array", path, path);
        }
        return node;
    }
}
