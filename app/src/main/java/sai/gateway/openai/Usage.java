package sai.gateway.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;

/** Token counts, as SAI reports them in its {@code prompttokens}/{@code completiontokens} headers. */
@Serdeable
public record Usage(@JsonProperty("prompt_tokens") long promptTokens,
                    @JsonProperty("completion_tokens") long completionTokens,
                    @JsonProperty("total_tokens") long totalTokens) {

    public static Usage of(long prompt, long completion) {
        return new Usage(prompt, completion, prompt + completion);
    }
}
