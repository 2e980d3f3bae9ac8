package sai.gateway.translate;

import java.util.Optional;

/**
 * Some IDE plugins wrap the user's message in a context-selection prompt. SAI answers the wrapper
 * instead of the question, so the old gateway cut the original message back out; so do we.
 */
public final class PluginMessageUnwrapper {

    static final String PREFIX = "Determine if the following context is required to solve the task in the user's input in the chat session: \"";
    static final String CONTEXT_MARKER = "\"\nContext:";

    private PluginMessageUnwrapper() {
    }

    /** The original message when {@code content} is a plugin wrapper, else empty. */
    public static Optional<String> unwrap(String content) {
        if (!content.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int end = content.indexOf(CONTEXT_MARKER, PREFIX.length());
        if (end < 0) {
            return Optional.empty();
        }
        return Optional.of(content.substring(PREFIX.length(), end));
    }
}
