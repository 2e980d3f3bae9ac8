package sai.gateway.openai;

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

    /** {@code content} and {@code refusal} are required by the spec even when null. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Message(String role, @Nullable String content, @Nullable String refusal) {
    }
}
