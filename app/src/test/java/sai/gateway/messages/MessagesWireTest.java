package sai.gateway.messages;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sai.gateway.testing.Json;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import sai.gateway.testing.AnthropicEvents.Frame;
import static sai.gateway.messages.AnthropicWire.events;
import static sai.gateway.messages.AnthropicWire.frames;
import static sai.gateway.messages.AnthropicWire.keys;
import static sai.gateway.messages.AnthropicWire.withoutPings;

/**
 * The Messages API's answers byte for byte as a client reads them over plain HTTP (the SDK view is
 * {@link MessagesSdkTest}): the stream's frames and their order, the pings, the message object's exact keys and stop
 * reasons, the headers Claude Code sends, the Anthropic model list and count_tokens.
 */
@MicronautTest
class MessagesWireTest extends SaiFakeTest {

    private static final String MODEL = "claude-sonnet-4-5-20250929";
    private static final String WEATHER_CALL = "{\"tool_calls\":[{\"id\":\"call_1\",\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\",\"days\":2}}]}";
    private static final String WEATHER_TOOL = """
            {"name":"get_weather","description":"Current weather in a city",
             "input_schema":{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city"]}}""";
    /** Claude Code 2.1.332's list with an unknown model name (CLAUDE_CODE.md). */
    private static final String CLAUDE_CODE_BETAS = "claude-code-20250219, interleaved-thinking-2025-05-14, context-management-2025-06-27, "
            + "mid-conversation-tool-changes-2026-07-01, thinking-token-count-2026-05-13, advanced-tool-use-2025-11-20, effort-2025-11-24, "
            + "thinking-display-updates-2026-08-18";
    private static final int SAI_DELAY_MS = 2_500;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("gateway.stream-heartbeat-seconds", "1");
    }

    private static String body(boolean stream, String extra) {
        return "{\"model\":\"" + MODEL + "\",\"max_tokens\":1024,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"}]" + extra + "}";
    }

    private HttpResponse<String> stream(String extra) {
        return postJson("/v1/messages", body(true, extra), "anthropic-version", "2023-06-01", "Accept", "text/event-stream");
    }

    private static JsonNode message(HttpResponse<String> response) {
        assertThat(response.statusCode()).as("status; body: %s", response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        return Json.parse(response.body());
    }

    private static List<Frame> streamFrames(HttpResponse<String> response) {
        assertThat(response.statusCode()).as("status; body: %s", response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
        return frames(response.body());
    }

    // ---- 1. Streaming framing -----------------------------------------------------------------

    @Test
    void streamedTextIsAnthropicsEventSequenceWithEveryFrameNamed() {
        String text = "A long answer. ".repeat(100);
        stubAnswer(text, 30, 321, MODEL);

        List<Frame> frames = withoutPings(streamFrames(stream("")));

        List<String> events = events(frames);
        assertThat(events.get(0)).isEqualTo("message_start");
        assertThat(events.get(1)).isEqualTo("content_block_start");
        assertThat(events.subList(2, events.size() - 3)).as("text deltas in %s", events).hasSizeGreaterThan(1).containsOnly("content_block_delta");
        assertThat(events.subList(events.size() - 3, events.size())).containsExactly("content_block_stop", "message_delta", "message_stop");

        JsonNode started = frames.get(0).json().path("message");
        assertThat(started.path("id").asText()).startsWith("msg_");
        assertThat(started.path("type").asText()).isEqualTo("message");
        assertThat(started.path("role").asText()).isEqualTo("assistant");
        assertThat(started.path("model").asText()).isEqualTo(MODEL);
        assertThat(started.path("content").isArray() && started.path("content").isEmpty()).as("content [] in %s", started).isTrue();
        assertThat(started.has("stop_reason") && started.get("stop_reason").isNull()).as("stop_reason: null in %s", started).isTrue();
        assertThat(started.has("stop_sequence") && started.get("stop_sequence").isNull()).as("stop_sequence: null in %s", started).isTrue();
        assertThat(started.at("/usage/input_tokens").isIntegralNumber()).as("usage.input_tokens in %s", started).isTrue();
        assertThat(started.at("/usage/output_tokens").isIntegralNumber()).as("usage.output_tokens in %s", started).isTrue();

        assertThat(frames.get(1).data()).isEqualTo("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
        StringBuilder streamed = new StringBuilder();
        for (Frame delta : frames.subList(2, frames.size() - 3)) {
            assertThat(delta.json().path("index").asInt()).isZero();
            assertThat(delta.json().at("/delta/type").asText()).isEqualTo("text_delta");
            streamed.append(delta.json().at("/delta/text").asText());
        }
        assertThat(streamed.toString()).isEqualTo(text);
        assertThat(frames.get(frames.size() - 3).data()).isEqualTo("{\"type\":\"content_block_stop\",\"index\":0}");

        JsonNode delta = frames.get(frames.size() - 2).json();
        assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("end_turn");
        assertThat(delta.at("/delta").has("stop_sequence") && delta.at("/delta/stop_sequence").isNull()).as("%s", delta).isTrue();
        assertThat(delta.at("/usage/output_tokens").asLong()).as("SAI's completiontokens").isEqualTo(321);
        assertThat(frames.get(frames.size() - 1).data()).isEqualTo("{\"type\":\"message_stop\"}");
        SaiCalls.single(saiRequests());
    }

    @Test
    void streamedTextThenToolCallIsATextBlockAtZeroAndAToolUseAtOneWithItsWholeInputInOneDelta() {
        stubAnswer("Let me check.\n\n" + WEATHER_CALL, 40, 17, MODEL);

        List<Frame> frames = withoutPings(streamFrames(stream(",\"tools\":[" + WEATHER_TOOL + "]")));

        List<String> events = events(frames);
        assertThat(events.get(0)).isEqualTo("message_start");
        assertThat(events.subList(events.size() - 6, events.size())).containsExactly(
                "content_block_stop", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(frames.get(1).data()).isEqualTo("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
        StringBuilder text = new StringBuilder();
        for (Frame f : frames.subList(2, frames.size() - 6)) {
            assertThat(f.event()).isEqualTo("content_block_delta");
            assertThat(f.json().path("index").asInt()).isZero();
            text.append(f.json().at("/delta/text").asText());
        }
        assertThat(text.toString().strip()).isEqualTo("Let me check.");

        JsonNode toolStart = frames.get(frames.size() - 5).json();
        assertThat(toolStart.path("index").asInt()).isEqualTo(1);
        JsonNode block = toolStart.path("content_block");
        assertThat(keys(block)).containsExactly("id", "input", "name", "type");
        assertThat(block.path("type").asText()).isEqualTo("tool_use");
        assertThat(block.path("id").asText()).startsWith("toolu_");
        assertThat(block.path("name").asText()).isEqualTo("get_weather");
        assertThat(block.path("input").toString()).as("input starts as an empty object").isEqualTo("{}");

        List<Frame> toolDeltas = frames.stream().filter(f -> f.event().equals("content_block_delta") && f.json().path("index").asInt() == 1).toList();
        assertThat(toolDeltas).as("one input_json_delta for the tool").hasSize(1);
        JsonNode toolDelta = toolDeltas.get(0).json().path("delta");
        assertThat(toolDelta.path("type").asText()).isEqualTo("input_json_delta");
        assertThat(Json.parse(toolDelta.path("partial_json").asText())).isEqualTo(Json.parse("{\"city\":\"Paris\",\"days\":2}"));
        assertThat(frames.get(frames.size() - 3).data()).isEqualTo("{\"type\":\"content_block_stop\",\"index\":1}");

        JsonNode delta = frames.get(frames.size() - 2).json();
        assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("tool_use");
        assertThat(delta.at("/usage/output_tokens").asLong()).isEqualTo(17);
    }

    @Test
    void streamedToolCallAloneIsABlockAtZero() {
        stubAnswer(WEATHER_CALL, 40, 9, MODEL);

        List<String> events = events(withoutPings(streamFrames(stream(",\"tools\":[" + WEATHER_TOOL + "]"))));

        assertThat(events).containsExactly("message_start", "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
    }

    @Test
    void messageStartReportsTheSameInputTokensAsCountTokens() {
        stubAnswer("ok", 999, 1, MODEL);
        String countBody = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"}]}";
        long counted = message(postJson("/v1/messages/count_tokens", countBody)).path("input_tokens").asLong();

        List<Frame> frames = streamFrames(stream(""));

        assertThat(frames.get(0).json().at("/message/usage/input_tokens").asLong()).isEqualTo(counted);
    }

    // ---- 2. Heartbeat -------------------------------------------------------------------------

    @Test
    void whileSaiThinksPingEventsFollowMessageStartAndNoCommentIsSent() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withFixedDelay(SAI_DELAY_MS)
                .withHeader("completiontokens", "1").withBody("Finally")));

        HttpResponse<String> response = stream("");

        assertThat(response.body().lines().filter(l -> l.startsWith(":")).toList()).as("no SSE comment on this surface").isEmpty();
        List<Frame> frames = streamFrames(response);
        List<String> events = events(frames);
        int firstPing = events.indexOf("ping");
        assertThat(firstPing).as("a ping in %s", events).isEqualTo(1);
        int firstBlock = events.indexOf("content_block_start");
        assertThat(events.subList(1, firstBlock)).as("pings between message_start and the content in %s", events)
                .hasSizeGreaterThanOrEqualTo(2).containsOnly("ping");
        assertThat(frames.stream().filter(f -> f.event().equals("ping")).map(Frame::data)).containsOnly("{\"type\": \"ping\"}");
        assertThat(events.subList(firstBlock, events.size())).doesNotContain("ping");
    }

    @Test
    void theChatSurfaceKeepsItsKeepAliveComment() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withFixedDelay(SAI_DELAY_MS)
                .withHeader("completiontokens", "1").withBody("Finally")));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"sai-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body().lines()).contains(": keep-alive").noneMatch(l -> l.contains("ping"));
    }

    // ---- 3. Non-stream message ----------------------------------------------------------------

    @Test
    void plainAnswerHasExactlyTheMessageKeysAndFourUsageCounters() {
        stubAnswer("Bonjour!", 12, 3, MODEL);

        JsonNode message = message(postJson("/v1/messages", body(false, "")));

        assertThat(keys(message)).containsExactly("content", "id", "model", "role", "stop_reason", "stop_sequence", "type", "usage");
        assertThat(message.path("id").asText()).startsWith("msg_");
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        assertThat(message.path("model").asText()).isEqualTo(MODEL);
        assertThat(message.path("content").toString()).isEqualTo("[{\"type\":\"text\",\"text\":\"Bonjour!\"}]");
        assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(message.get("stop_sequence").isNull()).isTrue();
        JsonNode usage = message.path("usage");
        assertThat(keys(usage)).containsExactly("cache_creation_input_tokens", "cache_read_input_tokens", "input_tokens", "output_tokens");
        assertThat(usage.path("input_tokens").asLong()).isEqualTo(12);
        assertThat(usage.path("output_tokens").asLong()).isEqualTo(3);
        assertThat(usage.path("cache_creation_input_tokens").isIntegralNumber() && usage.path("cache_creation_input_tokens").asLong() == 0).isTrue();
        assertThat(usage.path("cache_read_input_tokens").isIntegralNumber() && usage.path("cache_read_input_tokens").asLong() == 0).isTrue();
    }

    @Test
    void toolCallIsStopReasonToolUseWithTheInputAsAnObject() {
        stubAnswer("Let me check.\n\n" + WEATHER_CALL, 40, 10, MODEL);

        JsonNode message = message(postJson("/v1/messages", body(false, ",\"tools\":[" + WEATHER_TOOL + "]")));

        assertThat(message.path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(message.get("stop_sequence").isNull()).isTrue();
        JsonNode content = message.path("content");
        assertThat(content).hasSize(2);
        assertThat(content.get(0).path("type").asText()).isEqualTo("text");
        JsonNode use = content.get(1);
        assertThat(keys(use)).containsExactly("id", "input", "name", "type");
        assertThat(use.path("type").asText()).isEqualTo("tool_use");
        assertThat(use.path("id").asText()).startsWith("toolu_");
        assertThat(use.path("input")).isEqualTo(Json.parse("{\"city\":\"Paris\",\"days\":2}"));
    }

    @Test
    void aStopSequenceInSaisTextCutsTheTextBeforeIt() {
        stubAnswer("Hello there STOP and more END beyond", 5, 8, MODEL);

        JsonNode message = message(postJson("/v1/messages", body(false, ",\"stop_sequences\":[\"END\",\"STOP\"]")));

        assertThat(message.path("stop_reason").asText()).isEqualTo("stop_sequence");
        assertThat(message.path("stop_sequence").asText()).as("the first one in the text").isEqualTo("STOP");
        assertThat(message.path("content").toString()).isEqualTo("[{\"type\":\"text\",\"text\":\"Hello there \"}]");
    }

    @Test
    void aStopSequenceInAStreamIsInMessageDeltaAndTheTextIsCut() {
        stubAnswer("Hello there STOP and more", 5, 8, MODEL);

        List<Frame> frames = withoutPings(streamFrames(stream(",\"stop_sequences\":[\"STOP\"]")));

        StringBuilder text = new StringBuilder();
        frames.stream().filter(f -> f.event().equals("content_block_delta")).forEach(f -> text.append(f.json().at("/delta/text").asText()));
        assertThat(text.toString()).isEqualTo("Hello there ");
        JsonNode delta = frames.get(frames.size() - 2).json().path("delta");
        assertThat(delta.path("stop_reason").asText()).isEqualTo("stop_sequence");
        assertThat(delta.path("stop_sequence").asText()).isEqualTo("STOP");
    }

    @Test
    void unmatchedStopSequencesLeaveTheTextWhole() {
        stubAnswer("Hello there", 5, 8, MODEL);

        JsonNode message = message(postJson("/v1/messages", body(false, ",\"stop_sequences\":[\"STOP\"]")));

        assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(message.get("stop_sequence").isNull()).isTrue();
        assertThat(message.at("/content/0/text").asText()).isEqualTo("Hello there");
    }

    @ParameterizedTest(name = "completiontokens {0} of max_tokens 10: {1}")
    @CsvSource({"9, end_turn", "10, max_tokens", "11, max_tokens"})
    void saisCompletionTokensAtMaxTokensIsStopReasonMaxTokens(int completionTokens, String stopReason) {
        stubAnswer("Some words", 5, completionTokens, MODEL);

        JsonNode message = message(postJson("/v1/messages", body(false, "").replace("\"max_tokens\":1024", "\"max_tokens\":10")));

        assertThat(message.path("stop_reason").asText()).isEqualTo(stopReason);
        assertThat(message.at("/usage/output_tokens").asInt()).isEqualTo(completionTokens);
    }

    // ---- 4. What Claude Code and the SDKs send ------------------------------------------------

    @ParameterizedTest(name = "{0} anthropic-version {1}")
    @CsvSource({
            "/v1/messages?beta=true, 2023-06-01",
            "/v1/messages, 2099-12-31",
            "/messages, 2023-06-01",
            "/messages?beta=true, 2026-10-21"})
    void claudeCodesQueryVersionAndBetaHeadersAreServed(String path, String version) {
        stubAnswer("ok", 1, 1, MODEL);

        HttpResponse<String> plain = postJson(path, body(false, ""), "anthropic-version", version, "anthropic-beta", CLAUDE_CODE_BETAS,
                "x-app", "cli", "anthropic-dangerous-direct-browser-access", "true");
        HttpResponse<String> streamed = postJson(path, body(true, ""), "anthropic-version", version, "anthropic-beta", CLAUDE_CODE_BETAS);
        HttpResponse<String> counted = postJson(path.replace("messages", "messages/count_tokens"),
                "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[]}",
                "anthropic-version", version, "anthropic-beta", "claude-code-20250219, token-counting-2024-11-01");

        assertThat(message(plain).at("/content/0/text").asText()).isEqualTo("ok");
        assertThat(events(streamFrames(streamed))).contains("message_stop");
        assertThat(message(counted).path("input_tokens").asLong()).isPositive();
        assertThat(saiRequests()).hasSize(2);
    }

    // ---- 7. Models ----------------------------------------------------------------------------

    @Test
    void modelsWithAnthropicVersionIsAnthropicsPage() {
        JsonNode page = message(get("/v1/models", "anthropic-version", "2023-06-01"));

        assertThat(keys(page)).containsExactly("data", "first_id", "has_more", "last_id");
        assertThat(page.path("has_more").isBoolean() && !page.path("has_more").asBoolean()).isTrue();
        List<String> ids = new ArrayList<>();
        for (JsonNode model : page.path("data")) {
            assertThat(keys(model)).contains("created_at", "display_name", "id", "type");
            assertThat(model.path("type").asText()).isEqualTo("model");
            assertThat(model.path("display_name").asText()).isNotBlank();
            OffsetDateTime.parse(model.path("created_at").asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME); // RFC 3339
            ids.add(model.path("id").asText());
        }
        assertThat(ids).containsExactly("sai-model", MODEL);
        assertThat(page.path("first_id").asText()).isEqualTo("sai-model");
        assertThat(page.path("last_id").asText()).isEqualTo(MODEL);
    }

    @Test
    void modelsWithoutAnthropicVersionIsOpenAisList() {
        JsonNode list = message(get("/v1/models"));

        assertThat(keys(list)).containsExactly("data", "object");
        assertThat(list.path("object").asText()).isEqualTo("list");
        assertThat(list.path("data")).hasSize(2);
        for (JsonNode model : list.path("data")) {
            assertThat(keys(model)).containsExactly("created", "id", "object", "owned_by");
            assertThat(model.path("object").asText()).isEqualTo("model");
            assertThat(model.path("created").isIntegralNumber()).isTrue();
        }
    }

    // ---- 8. count_tokens ----------------------------------------------------------------------

    @Test
    void countTokensIsTheBudgetEstimateRoundedUpWithoutMaxTokensOrASaiCall() {
        // 14 + 401 + 2 + 5 = 422 characters: 105.5 tokens at four characters each, rounded up.
        String request = "{\"model\":\"" + MODEL + "\",\"system\":\"You are terse.\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"" + "x".repeat(401) + "\"},"
                + "{\"role\":\"assistant\",\"content\":\"ok\"},"
                + "{\"role\":\"user\",\"content\":\"again\"}]}";

        HttpResponse<String> response = postJson("/v1/messages/count_tokens", request);

        JsonNode count = message(response);
        assertThat(keys(count)).containsExactly("input_tokens");
        assertThat(count.path("input_tokens").asLong()).isEqualTo(106);
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void countTokensWithToolsCountsTheToolInstructionSaiWouldRead() {
        String messages = "\"system\":\"You are terse.\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}],"
                + "\"tools\":[" + WEATHER_TOOL + "]";
        long counted = message(postJson("/v1/messages/count_tokens", "{\"model\":\"" + MODEL + "\"," + messages + "}"))
                .path("input_tokens").asLong();
        assertThat(saiRequests()).isEmpty();

        // What the model would read, as sent to SAI: the system prompt (the tool instruction appended) and the messages.
        stubAnswer("ok", 1, 1, MODEL);
        message(postJson("/v1/messages", "{\"model\":\"" + MODEL + "\",\"max_tokens\":100," + messages + "}"));
        JsonNode sent = SaiCalls.body(SaiCalls.single(saiRequests()));
        String system = sent.at("/inputs/system").asText();
        assertThat(system).startsWith("You are terse.").contains("get_weather");
        long characters = system.length();
        for (JsonNode m : sent.path("chatMessages")) {
            characters += m.path("content").asText().length();
        }

        assertThat(counted).isEqualTo((characters + 3) / 4);
    }
}
