package sai.gateway.conversation;

import io.micronaut.core.annotation.Nullable;

/**
 * {@code tool_choice}: {@code none} offers no tools, {@code auto} lets the model choose, {@code required}
 * asks for at least one call, and a named tool asks for a call to that tool.
 */
public record ToolChoice(Mode mode, @Nullable String forcedName) {

    public enum Mode { NONE, AUTO, REQUIRED }

    public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
    public static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);
    public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, null);

    public static ToolChoice forced(String name) {
        return new ToolChoice(Mode.REQUIRED, name);
    }

    /** The wire value, for logs. */
    public String describe() {
        return forcedName != null ? "tool:" + forcedName : mode.name().toLowerCase(java.util.Locale.ROOT);
    }
}
