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

    /** One SSE frame: exactly an {@code event:} line and a {@code data:} line. */
    public record Frame(String event, String data, JsonNode json) {
    }

    /**
     * Every frame of a Messages API stream, each checked: two lines, {@code event:} first and equal to its data's
     * {@code type}; no comment lines, no data-only frames, no {@code [DONE]}.
     */
    public static List<Frame> frames(String body) {
        assertThat(body).as("Anthropic streams end with message_stop, not OpenAI's sentinel").doesNotContain("[DONE]");
        assertThat(body).as("the stream ends with a complete frame").endsWith("\n\n");
        List<Frame> frames = new ArrayList<>();
        for (String block : body.substring(0, body.length() - 2).split("\n\n", -1)) {
            String[] lines = block.split("\n", -1);
            assertThat(lines).as("a frame is an event: line and a data: line: [%s]", block).hasSize(2);
            assertThat(lines[0]).as("event line of [%s]", block).startsWith("event: ");
            assertThat(lines[1]).as("data line of [%s]", block).startsWith("data: ");
            String event = lines[0].substring("event: ".length());
            String data = lines[1].substring("data: ".length());
            JsonNode json = Json.parse(data);
            assertThat(json.path("type").asText()).as("data.type of [%s]", block).isEqualTo(event);
            frames.add(new Frame(event, data, json));
        }
        return frames;
    }

    public static AnthropicEvents parse(String body) {
        AnthropicEvents parsed = new AnthropicEvents();
        frames(body).forEach(frame -> parsed.events.add(frame.json()));
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
