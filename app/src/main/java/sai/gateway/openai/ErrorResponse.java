package sai.gateway.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** OpenAI's error envelope: {@code {"error":{"message","type","param","code"}}}; param and code may be null but are always present. */
@Serdeable
public record ErrorResponse(Detail error) {

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Detail(String message, String type, @Nullable String param, @Nullable String code) {
    }

    public static ErrorResponse of(String message, String type, @Nullable String param, @Nullable String code) {
        return new ErrorResponse(new Detail(message, type, param, code));
    }
}
