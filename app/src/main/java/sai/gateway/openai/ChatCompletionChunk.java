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
    public record Delta(@Nullable String role, @Nullable String content) {
    }
}
