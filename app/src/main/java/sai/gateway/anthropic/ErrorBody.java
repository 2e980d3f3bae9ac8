package sai.gateway.anthropic;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;

/** Anthropic's error envelope: {@code {"type":"error","error":{"type","message"},"request_id"}}; also a stream's {@code error} event. */
@Serdeable
public record ErrorBody(String type, Detail error, @JsonProperty("request_id") String requestId) {

    @Serdeable
    public record Detail(String type, String message) {
    }

    public static ErrorBody of(String errorType, String message, String requestId) {
        return new ErrorBody("error", new Detail(errorType, message), requestId);
    }
}
