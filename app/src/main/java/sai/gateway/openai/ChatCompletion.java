package sai.gateway.openai;

import sai.gateway.conversation.ToolCall;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** {@code chat.completion}: the non-streaming answer. */
@Serdeable
public record ChatCompletion(String id,
                             String object,
                             long created,
                             String model,
                             List<Choice> choices,
                             Usage usage) {

    public static final String OBJECT = "chat.completion";

    /** {@code logprobs} is required by the spec even when null. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Choice(int index,
                         Message message,
                         @Nullable Object logprobs,
                         @JsonProperty("finish_reason") String finishReason) {
    }

    /** {@code content} and {@code refusal} are required by the spec even when null; {@code tool_calls} appears only when there are some. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Message(String role, @Nullable String content, @Nullable String refusal,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("tool_calls") @Nullable List<ToolCall> toolCalls) {

        public Message(String role, @Nullable String content, @Nullable String refusal) {
            this(role, content, refusal, null);
        }
    }

    /** {@code function.arguments} is JSON text, not an object: clients parse it themselves. */
    @Serdeable
    public record ToolCall(String id, String type, Function function) {

        public static ToolCall function(String id, String name, String arguments) {
            return new ToolCall(id, "function", new Function(name, arguments));
        }
    }

    @Serdeable
    public record Function(String name, String arguments) {
    }
}
