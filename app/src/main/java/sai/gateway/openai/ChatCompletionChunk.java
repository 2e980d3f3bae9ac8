package sai.gateway.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** {@code chat.completion.chunk}: one server-sent event of a streamed answer. */
@Serdeable
public record ChatCompletionChunk(String id,
                                  String object,
                                  long created,
                                  String model,
                                  List<Choice> choices,
                                  @Nullable Usage usage) {

    public static final String OBJECT = "chat.completion.chunk";

    /** {@code finish_reason} is required by the spec and null until the last content chunk. */
    @Serdeable
    public record Choice(int index,
                         Delta delta,
                         @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("finish_reason") @Nullable String finishReason) {
    }

    @Serdeable
    public record Delta(@Nullable String role, @Nullable String content,
                        @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("tool_calls") @Nullable List<ToolCallDelta> toolCalls) {

        public Delta(@Nullable String role, @Nullable String content) {
            this(role, content, null);
        }
    }

    /** One piece of a streamed tool call: the first names it (id, type, name), the next ones add argument text. */
    @Serdeable
    public record ToolCallDelta(int index, @Nullable String id, @Nullable String type, FunctionDelta function) {
    }

    @Serdeable
    public record FunctionDelta(@Nullable String name, @Nullable String arguments) {
    }
}
