package sai.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Responses API event stream read as its clients read it: each event is an {@code event:} line naming
 * its type and a {@code data:} line with the JSON, separated by blank lines; {@code :} lines are
 * heartbeats. Every event is checked against its schema in the OpenAI spec (when the spec is there), its {@code event:} name
 * against its {@code type}, and the {@code sequence_number}s must count 0, 1, 2, ...
 */
public final class ResponseEvents {

    private static final Map<String, String> SCHEMAS = Map.ofEntries(
            Map.entry("response.created", "ResponseCreatedEvent"),
            Map.entry("response.in_progress", "ResponseInProgressEvent"),
            Map.entry("response.completed", "ResponseCompletedEvent"),
            Map.entry("response.failed", "ResponseFailedEvent"),
            Map.entry("response.output_item.added", "ResponseOutputItemAddedEvent"),
            Map.entry("response.output_item.done", "ResponseOutputItemDoneEvent"),
            Map.entry("response.content_part.added", "ResponseContentPartAddedEvent"),
            Map.entry("response.content_part.done", "ResponseContentPartDoneEvent"),
            Map.entry("response.output_text.delta", "ResponseTextDeltaEvent"),
            Map.entry("response.output_text.done", "ResponseTextDoneEvent"),
            Map.entry("response.function_call_arguments.delta", "ResponseFunctionCallArgumentsDeltaEvent"),
            Map.entry("response.function_call_arguments.done", "ResponseFunctionCallArgumentsDoneEvent"),
            Map.entry("response.custom_tool_call_input.delta", "ResponseCustomToolCallInputDeltaEvent"),
            Map.entry("response.custom_tool_call_input.done", "ResponseCustomToolCallInputDoneEvent"),
            Map.entry("error", "ResponseErrorEvent"));

    private final List<JsonNode> events = new ArrayList<>();
    private final List<String> comments = new ArrayList<>();

    private ResponseEvents() {
    }

    public static ResponseEvents parse(String body) {
        ResponseEvents parsed = new ResponseEvents();
        String name = null;
        for (String line : body.split("\r?\n", -1)) {
            if (line.startsWith("event:")) {
                assertThat(name).as("one event: line per event").isNull();
                name = line.substring("event:".length()).strip();
            } else if (line.startsWith("data:")) {
                assertThat(name).as("every data: line follows its event: line").isNotNull();
                String json = line.substring("data:".length()).strip();
                JsonNode event = Json.parse(json);
                assertThat(event.path("type").asText()).as("event: %s carries type %s", name, event.path("type")).isEqualTo(name);
                String schema = SCHEMAS.get(name);
                assertThat(schema).as("a known event type: %s", name).isNotNull();
                OpenApiSchemas.assertValidIfSpecPresent(schema, json);
                // The union every SDK decodes with, too.
                OpenApiSchemas.assertValidIfSpecPresent("ResponseStreamEvent", json);
                assertThat(event.path("sequence_number").asInt()).as("sequence_number of %s", json).isEqualTo(parsed.events.size());
                parsed.events.add(event);
                name = null;
            } else if (line.startsWith(":")) {
                parsed.comments.add(line);
            } else {
                assertThat(line).as("only event, data, comment and blank lines are expected").isEmpty();
            }
        }
        assertThat(name).as("no event: line without data").isNull();
        return parsed;
    }

    public List<JsonNode> events() {
        return events;
    }

    public List<String> types() {
        return events.stream().map(e -> e.path("type").asText()).toList();
    }

    public List<String> comments() {
        return comments;
    }

    public List<JsonNode> ofType(String type) {
        return events.stream().filter(e -> e.path("type").asText().equals(type)).toList();
    }

    public JsonNode last() {
        return events.get(events.size() - 1);
    }

    /** The deltas of one item ({@code item_id}) of one event type, joined in order. */
    public String joined(String deltaType, String itemId) {
        StringBuilder text = new StringBuilder();
        for (JsonNode event : ofType(deltaType)) {
            if (event.path("item_id").asText().equals(itemId)) {
                text.append(event.path("delta").asText());
            }
        }
        return text.toString();
    }
}
