package sai.gateway.conversation;

import java.util.List;
import java.util.Optional;

/**
 * The tools of one request and how the model may use them.
 *
 * @param tools    every tool the client defined that SAI can use, in order
 * @param parallel {@code parallel_tool_calls}: whether one answer may call several tools
 */
public record ToolRequest(List<ToolSpec> tools, ToolChoice choice, boolean parallel) {

    public static final ToolRequest NONE = new ToolRequest(List.of(), ToolChoice.AUTO, true);

    public ToolRequest {
        tools = List.copyOf(tools);
    }

    /** What the model is offered after {@code tool_choice}: nothing for {@code none}, only the named tool when one is forced. */
    public List<ToolSpec> offered() {
        if (choice.mode() == ToolChoice.Mode.NONE) {
            return List.of();
        }
        if (choice.forcedName() != null) {
            return tools.stream().filter(t -> t.name().equals(choice.forcedName())).toList();
        }
        return tools;
    }

    public boolean offersTools() {
        return !offered().isEmpty();
    }

    /** An offered tool by the name the model calls it. */
    public Optional<ToolSpec> offered(String name) {
        return offered().stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
