package sai.gateway.anthropic;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * Anthropic's {@code message} object: the answer of {@code POST /v1/messages}, and (with empty content) the
 * message of a stream's {@code message_start}. {@code stop_reason} and {@code stop_sequence} are always
 * present, null until known, as Anthropic sends them.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record MessageObject(String id,
                            String type,
                            String role,
                            String model,
                            List<Object> content,
                            @JsonProperty("stop_reason") @Nullable String stopReason,
                            @JsonProperty("stop_sequence") @Nullable String stopSequence,
                            Usage usage) {

    public static final String TYPE = "message";
    public static final String ASSISTANT = "assistant";

    /** {@code text} content block. */
    @Serdeable
    public record TextBlock(String type, String text) {
        public static TextBlock of(String text) {
            return new TextBlock("text", text);
        }
    }

    /** {@code tool_use} content block: {@code input} is the arguments object itself, not JSON text. */
    @Serdeable
    public record ToolUseBlock(String type, String id, String name, JsonNode input) {
        public static ToolUseBlock of(String id, String name, JsonNode input) {
            return new ToolUseBlock("tool_use", id, name, input);
        }
    }

    /** The cache counters are always 0: SAI has no prompt cache to report. */
    @Serdeable
    public record Usage(@JsonProperty("input_tokens") long inputTokens,
                        @JsonProperty("cache_creation_input_tokens") long cacheCreationInputTokens,
                        @JsonProperty("cache_read_input_tokens") long cacheReadInputTokens,
                        @JsonProperty("output_tokens") long outputTokens) {
        public static Usage of(long input, long output) {
            return new Usage(input, 0, 0, output);
        }
    }
}
