package sai.gateway.tools;

import io.micronaut.core.annotation.Nullable;
import sai.gateway.conversation.ToolCall;

import java.util.List;

/**
 * SAI's answer read as an assistant turn: the text the model wrote (null when it wrote only calls) and
 * the tool calls it made.
 */
public record AssistantReply(@Nullable String content, List<ToolCall> calls) {

    public AssistantReply {
        calls = List.copyOf(calls);
    }

    public static AssistantReply text(String text) {
        return new AssistantReply(text, List.of());
    }

    public boolean hasCalls() {
        return !calls.isEmpty();
    }

    /** Chat completions' {@code finish_reason}. */
    public String finishReason() {
        return hasCalls() ? "tool_calls" : "stop";
    }
}
