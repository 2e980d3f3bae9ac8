package sai.gateway.sai;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** The body of {@code POST /api/templates/{id}/execute} (CONTRACT.md section 1). */
@Serdeable
public record SaiExecuteRequest(Inputs inputs,
                                @JsonInclude(JsonInclude.Include.NON_EMPTY) @Nullable List<SaiChatMessage> chatMessages) {

    /** {@code system} and {@code user} are always sent (possibly empty); {@code tools} only when the client sent tools. */
    @Serdeable
    public record Inputs(@JsonInclude(JsonInclude.Include.ALWAYS) String system,
                         @JsonInclude(JsonInclude.Include.ALWAYS) String user,
                         @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String tools) {
    }

    @Serdeable
    public record SaiChatMessage(String content, String role, long id) {
    }
}
