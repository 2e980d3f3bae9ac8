package sai.gateway.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** {@code text_completion}: the legacy answer, and each event of its stream (they share the shape). */
@Serdeable
public record TextCompletion(String id,
                             String object,
                             long created,
                             String model,
                             List<Choice> choices,
                             @Nullable Usage usage) {

    public static final String OBJECT = "text_completion";

    /** {@code logprobs} is required even when null; {@code finish_reason} is null until the last piece of a stream, as OpenAI sends it. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Choice(String text, int index, @Nullable Object logprobs, @JsonProperty("finish_reason") @Nullable String finishReason) {
    }
}
