package sai.gateway.sai;

import io.micronaut.core.annotation.Nullable;

/** SAI's 200 answer: the whole text, the usage headers, and the model that answered (when SAI says). */
public record SaiAnswer(String text, long promptTokens, long completionTokens, @Nullable String model) {

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
