package sai.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An Anthropic Messages stream read as Claude Code and the Anthropic SDKs read it: a frame counts only with its
 * {@code event:} line, whose name must be the {@code type} of its {@code data:} JSON. A frame without the line is
 * dropped by the SDKs and makes Claude Code repeat the turn without streaming, so here it fails the test.
 */
public final class AnthropicEvents {

    private final List<JsonNode> events = new ArrayList<>();

    private AnthropicEvents() {
    }

    public static AnthropicEvents parse(String body) {
        AnthropicEvents parsed = new AnthropicEvents();
        String name = null;
        for (String line : body.split("\r?\n", -1)) {
            if (line.startsWith("event:")) {
                assertThat(name).as("one event: line per frame").isNull();
                name = line.substring("event:".length()).strip();
            } else if (line.startsWith("data:")) {
                JsonNode data = Json.parse(line.substring("data:".length()).strip());
                assertThat(name).as("event: line before %s", data).isNotNull();
                assertThat(data.path("type").asText()).as("event name is the data's type").isEqualTo(name);
                parsed.events.add(data);
                name = null;
            } else {
                assertThat(line).as("only event, data and blank lines").isEmpty();
                assertThat(name).as("no event: line without its data").isNull();
            }
        }
        return parsed;
    }

    /** Every event, pings included, in order. */
    public List<JsonNode> all() {
        return events;
    }

    /** The events without {@code ping}, which may come anywhere. */
    public List<JsonNode> withoutPings() {
        return events.stream().filter(e -> !e.path("type").asText().equals("ping")).toList();
    }

    public List<String> types() {
        return withoutPings().stream().map(e -> e.path("type").asText()).toList();
    }

    /** Every {@code text_delta} of block {@code index}, joined. */
    public String text(int index) {
        StringBuilder text = new StringBuilder();
        for (JsonNode e : events) {
            if (e.path("type").asText().equals("content_block_delta") && e.path("index").asInt() == index
                    && e.path("delta").path("type").asText().equals("text_delta")) {
                text.append(e.path("delta").path("text").asText());
            }
        }
        return text.toString();
    }

    /** Every {@code input_json_delta} of block {@code index}, joined: the tool input as the client assembles it. */
    public String partialJson(int index) {
        StringBuilder json = new StringBuilder();
        for (JsonNode e : events) {
            if (e.path("type").asText().equals("content_block_delta") && e.path("index").asInt() == index
                    && e.path("delta").path("type").asText().equals("input_json_delta")) {
                json.append(e.path("delta").path("partial_json").asText());
            }
        }
        return json.toString();
    }

    public JsonNode first(String type) {
        return withoutPings().stream().filter(e -> e.path("type").asText().equals(type)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " event in " + types()));
    }
}
