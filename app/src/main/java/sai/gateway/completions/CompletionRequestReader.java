package sai.gateway.completions;

import sai.gateway.auth.BodyUserKey;
import sai.gateway.json.JsonFields;

import sai.gateway.chat.ChatRequestReader;
import sai.gateway.conversation.ChatMessage;
import sai.gateway.conversation.ChatRequest;
import sai.gateway.conversation.Role;
import sai.gateway.json.JsonKind;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;

import java.util.List;

/**
 * Reads a legacy completion body. SAI answers one prompt with one text, so the prompt is one string (or
 * an array of one string); {@code echo} is honoured (the prompt is prepended); {@code suffix},
 * {@code n}/{@code best_of} above 1 and {@code logprobs} cannot be, and get a 400 that says so.
 */
@Singleton
public class CompletionRequestReader {

    public CompletionRequest read(byte[] body) {
        JsonNode root = JsonFields.parse(body);
        if (!root.isObject()) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_JSON, "body_not_object", null, JsonKind.of(root));
        }
        String model = JsonFields.modelId(root);
        String prompt = prompt(root.get("prompt"));
        boolean stream = JsonFields.optionalBoolean(root.get("stream"), "stream");
        boolean includeUsage = false;
        JsonNode options = root.get("stream_options");
        if (options != null && !options.isNull()) {
            JsonFields.requireObject(options, "stream_options");
            includeUsage = JsonFields.optionalBoolean(options.get("include_usage"), "stream_options.include_usage");
        }
        boolean echo = JsonFields.optionalBoolean(root.get("echo"), "echo");
        String suffix = JsonFields.optionalString(root, "suffix");
        if (suffix != null && !suffix.isEmpty()) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "suffix_unsupported", "suffix");
        }
        single(root, "n", "n_unsupported");
        single(root, "best_of", "best_of_unsupported");
        JsonNode logprobs = root.get("logprobs");
        if (logprobs != null && !logprobs.isNull()) {
            if (!logprobs.isNumber()) {
                throw JsonFields.invalidType("logprobs", "integer", logprobs);
            }
            if (logprobs.getNumberValue().doubleValue() != 0) {
                throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "logprobs_unsupported", "logprobs", logprobs.getNumberValue());
            }
        }
        JsonFields.range(root, "temperature", 0, 2);
        JsonFields.range(root, "top_p", 0, 1);
        JsonFields.range(root, "presence_penalty", -2, 2);
        JsonFields.range(root, "frequency_penalty", -2, 2);
        JsonFields.integerRange(root, "max_tokens", 0, Integer.MAX_VALUE);
        ChatRequest chat = new ChatRequest(model, List.of(new ChatMessage(Role.USER, prompt)),
                stream, includeUsage, BodyUserKey.read(root));
        return new CompletionRequest(chat, prompt, echo);
    }

    private static String prompt(@Nullable JsonNode node) {
        if (node == null || node.isNull()) {
            throw new InvalidRequestException(ErrorCode.MISSING_PARAMETER, "prompt", "prompt");
        }
        if (node.isString()) {
            return node.getStringValue();
        }
        if (node.isArray() && node.size() == 1 && node.get(0).isString()) {
            return node.get(0).getStringValue();
        }
        if (node.isArray()) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "prompt_unsupported", "prompt");
        }
        throw JsonFields.invalidType("prompt", "string or array of one string", node);
    }

    /** {@code n} and {@code best_of}: SAI gives one answer, so only 1 can be honoured. */
    private static void single(JsonNode root, String name, String messageKey) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isNumber()) {
            throw JsonFields.invalidType(name, "integer", node);
        }
        if (node.getNumberValue().doubleValue() != 1.0) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, messageKey, name, node.getNumberValue());
        }
    }
}
