package sai.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server-sent event body read the way OpenAI clients read it: {@code data:} lines are events,
 * lines starting with {@code :} are comments (heartbeats), blank lines separate events. An error event
 * must be named: {@code event: error} before its {@code data: {"error":...}}, because some clients
 * (LangChain4j) see an error only by that name; no other event is named.
 */
public final class SseEvents {

    public static final String DONE = "[DONE]";

    private final List<String> data = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final List<String> comments = new ArrayList<>();

    private SseEvents() {
    }

    public static SseEvents parse(String body) {
        SseEvents events = new SseEvents();
        String name = null;
        for (String line : body.split("\r?\n", -1)) {
            if (line.startsWith("event:")) {
                assertThat(name).as("one event: line per event").isNull();
                name = line.substring("event:".length()).strip();
                assertThat(name).as("the only named event of these streams").isEqualTo("error");
            } else if (line.startsWith("data:")) {
                String payload = line.substring("data:".length()).strip();
                boolean error = payload.startsWith("{") && Json.parse(payload).has("error");
                assertThat(name != null).as("event: error precedes an error event, and only an error event: %s", payload).isEqualTo(error);
                events.data.add(payload);
                events.names.add(name);
                name = null;
            } else if (line.startsWith(":")) {
                events.comments.add(line);
            } else {
                assertThat(line).as("only event, data, comment and blank lines are expected").isEmpty();
                assertThat(name).as("no event: line without data").isNull();
            }
        }
        return events;
    }

    /** The {@code event:} name of each {@link #data()} payload, in order: {@code error}, or null for unnamed events. */
    public List<String> names() {
        return names;
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
