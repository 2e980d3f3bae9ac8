package sai.gateway.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.Map;

/**
 * The Responses API's {@code response} object. The spec requires {@code error}, {@code incomplete_details},
 * {@code instructions}, {@code metadata}, {@code temperature} and {@code top_p} even when null, so they
 * are always written; {@code usage} only once SAI has answered. {@code output} holds
 * {@link ResponseItems} records.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ResponseObject(String id,
                             String object,
                             @JsonProperty("created_at") long createdAt,
                             String status,
                             @JsonProperty("completed_at") @Nullable Long completedAt,
                             @Nullable Error error,
                             @JsonProperty("incomplete_details") @Nullable Object incompleteDetails,
                             @Nullable String instructions,
                             String model,
                             List<Object> output,
                             @JsonProperty("parallel_tool_calls") boolean parallelToolCalls,
                             Map<String, String> metadata,
                             @JsonProperty("tool_choice") JsonNode toolChoice,
                             List<JsonNode> tools,
                             @Nullable Double temperature,
                             @JsonProperty("top_p") @Nullable Double topP,
                             @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Usage usage) {

    public static final String OBJECT = "response";

    /** {@code code} is one of the spec's ResponseErrorCode values. */
    @Serdeable
    public record Error(String code, String message) {
    }

    @Serdeable
    public record Usage(@JsonProperty("input_tokens") long inputTokens,
                        @JsonProperty("input_tokens_details") InputDetails inputTokensDetails,
                        @JsonProperty("output_tokens") long outputTokens,
                        @JsonProperty("output_tokens_details") OutputDetails outputTokensDetails,
                        @JsonProperty("total_tokens") long totalTokens) {

        /** SAI reports no caching or reasoning tokens; the spec requires the fields, so they are zero. */
        public static Usage of(long input, long output) {
            return new Usage(input, new InputDetails(0, 0), output, new OutputDetails(0), input + output);
        }
    }

    @Serdeable
    public record InputDetails(@JsonProperty("cached_tokens") long cachedTokens, @JsonProperty("cache_write_tokens") long cacheWriteTokens) {
    }

    @Serdeable
    public record OutputDetails(@JsonProperty("reasoning_tokens") long reasoningTokens) {
    }
}
