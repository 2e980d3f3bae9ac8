package sai.gateway.conversation;

import io.micronaut.core.annotation.Nullable;

/**
 * A tool call, made earlier in the conversation (history) or found in SAI's answer.
 *
 * @param id        the call id the tool result refers to ({@code call_...})
 * @param namespace the Responses API namespace of the tool, or null
 * @param arguments a function's arguments as JSON text, or a custom tool's free-form input
 */
public record ToolCall(String id, ToolKind kind, String name, @Nullable String namespace, String arguments) {

    /** The name the model knows the tool by. */
    public String qualifiedName() {
        return ToolSpec.qualifiedName(namespace, name);
    }
}
