package sai.gateway.conversation;

import io.micronaut.core.annotation.Nullable;

import java.util.List;

/**
 * One message of the conversation, its content already reduced to text.
 *
 * @param toolCalls  the calls an assistant message made (empty otherwise)
 * @param toolCallId the call a tool message answers, when the client said
 */
public record ChatMessage(Role role, String content, List<ToolCall> toolCalls, @Nullable String toolCallId) {

    public ChatMessage {
        toolCalls = List.copyOf(toolCalls);
    }

    public ChatMessage(Role role, String content) {
        this(role, content, List.of(), null);
    }
}
