package sai.gateway.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** The output items the gateway produces: an assistant message, a function call, a custom tool call. */
public final class ResponseItems {

    public static final String IN_PROGRESS = "in_progress";
    public static final String COMPLETED = "completed";

    private ResponseItems() {
    }

    @Serdeable
    public record Message(String id, String type, String status, String role, List<OutputText> content) {

        public static Message of(String id, String status, List<OutputText> content) {
            return new Message(id, "message", status, "assistant", content);
        }
    }

    /** {@code annotations} and {@code logprobs} are required by the spec; SAI has neither, so both are empty. */
    @Serdeable
    public record OutputText(String type, String text, List<Object> annotations, List<Object> logprobs) {

        public static OutputText of(String text) {
            return new OutputText("output_text", text, List.of(), List.of());
        }
    }

    @Serdeable
    public record FunctionCall(String id, String type, String status, @JsonProperty("call_id") String callId,
                               @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String namespace, String name, String arguments) {

        public static FunctionCall of(String id, String status, String callId, @Nullable String namespace, String name, String arguments) {
            return new FunctionCall(id, "function_call", status, callId, namespace, name, arguments);
        }
    }

    @Serdeable
    public record CustomToolCall(String id, String type, @JsonProperty("call_id") String callId,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String namespace, String name, String input) {

        public static CustomToolCall of(String id, String callId, @Nullable String namespace, String name, String input) {
            return new CustomToolCall(id, "custom_tool_call", callId, namespace, name, input);
        }
    }
}
