package sai.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server-sent event body read the way OpenAI clients read it: {@code data:} lines are events,
 * lines starting with {@code :} are comments (heartbeats), blank lines separate events.
 */
public final class SseEvents {

    public static final String DONE = "[DONE]";

    private final List<String> data = new ArrayList<>();
    private final List<String> comments = new ArrayList<>();

    private SseEvents() {
    }

    public static SseEvents parse(String body) {
        SseEvents events = new SseEvents();
        for (String line : body.split("\r?\n", -1)) {
            if (line.startsWith("data:")) {
                events.data.add(line.substring("data:".length()).strip());
            } else if (line.startsWith(":")) {
                events.comments.add(line);
            } else {
                assertThat(line).as("only data, comment and blank lines are expected").isEmpty();
            }
        }
        return events;
    }

    /** Every {@code data:} payload in order, {@code [DONE]} included. */
    public List<String> data() {
        return data;
    }

    public List<String> comments() {
        return comments;
    }

    /** The JSON payloads, each checked against OpenAI's chunk schema when the spec is there ({@code [DONE]} excluded). */
    public List<JsonNode> chunks() {
        List<JsonNode> chunks = json();
        for (JsonNode chunk : chunks) {
            OpenApiSchemas.assertValidIfSpecPresent("CreateChatCompletionStreamResponse", chunk.toString());
        }
        return chunks;
    }

    /** The JSON payloads, unchecked ({@code [DONE]} excluded), for streams that deviate from the schema on purpose. */
    public List<JsonNode> json() {
        List<JsonNode> payloads = new ArrayList<>();
        for (String payload : data) {
            if (!payload.equals(DONE)) {
                payloads.add(Json.parse(payload));
            }
        }
        return payloads;
    }

    /** The streamed text: every {@code delta.content} joined in order. */
    public static String content(List<JsonNode> chunks) {
        StringBuilder text = new StringBuilder();
        for (JsonNode chunk : chunks) {
            JsonNode content = chunk.at("/choices/0/delta/content");
            if (content.isTextual()) {
                text.append(content.asText());
            }
        }
        return text.toString();
    }
}
