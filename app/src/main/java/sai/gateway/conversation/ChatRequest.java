package sai.gateway.conversation;


import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.Optional;

/**
 * A validated {@code POST /v1/chat/completions} request: only what the gateway uses. Sampling
 * parameters are type-checked by the surface that read the request but not kept: SAI templates fix them.
 *
 * @param model        the requested model, or null for the default
 * @param bodyUserKey  the seed's {@code litellm_params.metadata.user_api_key}, if sent
 * @param tools        the tools the client offered, {@code tool_choice} and {@code parallel_tool_calls}
 */
public record ChatRequest(@Nullable String model,
                          List<ChatMessage> messages,
                          boolean stream,
                          boolean includeUsage,
                          @Nullable String bodyUserKey,
                          ToolRequest tools) {

    public ChatRequest(@Nullable String model, List<ChatMessage> messages, boolean stream, boolean includeUsage,
                       @Nullable String bodyUserKey) {
        this(model, messages, stream, includeUsage, bodyUserKey, ToolRequest.NONE);
    }

    public Optional<String> requestedModel() {
        return Optional.ofNullable(model);
    }

    @Override
    public String toString() {
        // The user key never reaches a log through this record.
        return "ChatRequest[model=" + model + ", messages=" + messages.size() + ", stream=" + stream
                + ", includeUsage=" + includeUsage + ", bodyUserKey=" + (bodyUserKey == null ? "absent" : "present")
                + ", tools=" + tools.tools().size() + "]";
    }
}
