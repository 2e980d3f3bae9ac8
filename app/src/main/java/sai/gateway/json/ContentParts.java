package sai.gateway.json;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import sai.gateway.conversation.Role;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;

import java.util.Set;

import static sai.gateway.json.JsonFields.invalidType;
import static sai.gateway.json.JsonFields.printable;
import static sai.gateway.json.JsonFields.requireObject;

/** OpenAI's message content, a string or an array of parts, reduced to text; shared by chat completions and the Responses API. */
public final class ContentParts {

    private static final Set<String> TEXT_PARTS = Set.of("text", "input_text", "output_text");
    public static final Set<String> MEDIA_PARTS = Set.of("image_url", "input_image", "image", "input_audio", "audio", "file", "input_file");

    private ContentParts() {
    }

    public static String content(@Nullable JsonNode node, Role role, String path) {
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
        JsonFields.nonEmptyArray(node, path, "string or array of content parts");
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
    public static String part(JsonNode part, String path) {
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
}
