package sai.gateway.conversation;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;

/**
 * One tool the client offered, as the model sees it.
 *
 * @param name      the name the model calls it by; {@code namespace__localName} for a tool inside a Responses API namespace
 * @param namespace the Responses API namespace it belongs to, or null
 * @param localName the tool's own name inside its namespace (the same as {@code name} without one)
 * @param wire      its definition in the chat-completions shape, as sent to SAI in {@code inputs.tools}
 */
public record ToolSpec(ToolKind kind, String name, @Nullable String namespace, String localName, JsonNode wire) {

    /** The separator between a namespace and a tool name: both are restricted to {@code [a-zA-Z0-9_-]}, so the split is unambiguous. */
    public static final String NAMESPACE_SEPARATOR = "__";

    public static String qualifiedName(@Nullable String namespace, String name) {
        return namespace == null ? name : namespace + NAMESPACE_SEPARATOR + name;
    }
}
