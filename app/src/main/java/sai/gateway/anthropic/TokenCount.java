package sai.gateway.anthropic;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;

/** {@code POST /v1/messages/count_tokens}'s answer. */
@Serdeable
public record TokenCount(@JsonProperty("input_tokens") long inputTokens) {
}
