package sai.gateway.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * The Responses API's stream events, one record per shape. Every event carries its {@code type} and a
 * {@code sequence_number} that counts from 0 within the stream.
 */
public final class ResponseEvents {

    private ResponseEvents() {
    }

    /** {@code response.created}, {@code response.in_progress}, {@code response.completed}, {@code response.failed}. */
    @Serdeable
    public record Lifecycle(String type, @JsonProperty("sequence_number") int sequenceNumber, ResponseObject response) {
    }

    /** {@code response.output_item.added} and {@code .done}. */
    @Serdeable
    public record Item(String type, @JsonProperty("sequence_number") int sequenceNumber, @JsonProperty("output_index") int outputIndex,
                       Object item) {
    }

    /** {@code response.content_part.added} and {@code .done}. */
    @Serdeable
    public record ContentPart(String type, @JsonProperty("sequence_number") int sequenceNumber, @JsonProperty("item_id") String itemId,
                              @JsonProperty("output_index") int outputIndex, @JsonProperty("content_index") int contentIndex,
                              ResponseItems.OutputText part) {
    }

    @Serdeable
    public record TextDelta(String type, @JsonProperty("sequence_number") int sequenceNumber, @JsonProperty("item_id") String itemId,
                            @JsonProperty("output_index") int outputIndex, @JsonProperty("content_index") int contentIndex,
                            String delta, List<Object> logprobs) {
    }

    @Serdeable
    public record TextDone(String type, @JsonProperty("sequence_number") int sequenceNumber, @JsonProperty("item_id") String itemId,
                           @JsonProperty("output_index") int outputIndex, @JsonProperty("content_index") int contentIndex,
                           String text, List<Object> logprobs) {
    }

    /** {@code response.function_call_arguments.delta} and {@code response.custom_tool_call_input.delta}. */
    @Serdeable
    public record Delta(String type, @JsonProperty("sequence_number") int sequenceNumber, @JsonProperty("item_id") String itemId,
                        @JsonProperty("output_index") int outputIndex, String delta) {
    }

    @Serdeable
    public record ArgumentsDone(String type, @JsonProperty("sequence_number") int sequenceNumber, @JsonProperty("item_id") String itemId,
                                @JsonProperty("output_index") int outputIndex, String name, String arguments) {
    }

    @Serdeable
    public record InputDone(String type, @JsonProperty("sequence_number") int sequenceNumber, @JsonProperty("item_id") String itemId,
                            @JsonProperty("output_index") int outputIndex, String input) {
    }

    /** {@code error}: {@code code} and {@code param} are required, even when null. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Error(String type, @JsonProperty("sequence_number") int sequenceNumber, @Nullable String code, String message,
                        @Nullable String param) {
    }
}
