package sai.gateway.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.AnthropicEvents;
import sai.gateway.testing.ClaudeCodeTurns;
import sai.gateway.testing.Json;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static sai.gateway.testing.ClaudeCodeTurns.ENVIRONMENT;
import static sai.gateway.testing.ClaudeCodeTurns.ENVIRONMENT_TOOLS;
import static sai.gateway.testing.ClaudeCodeTurns.IDENTITY;
import static sai.gateway.testing.ClaudeCodeTurns.INSTRUCTIONS;
import static sai.gateway.testing.ClaudeCodeTurns.PROMPT;
import static sai.gateway.testing.ClaudeCodeTurns.REMINDER_CONTEXT;
import static sai.gateway.testing.ClaudeCodeTurns.REMINDER_SKILLS;
import static sai.gateway.testing.ClaudeCodeTurns.TOOL_OUTPUT;

/**
 * A Claude Code session as Claude Code 2.1.332 runs it against the gateway with {@code ANTHROPIC_MODEL=sai-model} and
 * {@code ANTHROPIC_AUTH_TOKEN} set to a gateway access key (shared/clients/CLAUDE_CODE.md): the {@code #agentshell}
 * Bash round trip in two streamed turns, with Claude Code's headers and bodies of its size and shape
 * ({@link ClaudeCodeTurns}), its non-streaming fallback, and a {@code /context} count_tokens call.
 */
@MicronautTest
class ClaudeCodeSessionTest extends SaiFakeTest {

    private static final String ACCESS_KEY = "gw-claude-code-3e9a51";
    private static final String COMMAND = "touch /tmp/agentshell-proof";
    private static final String BASH_CALL = "{\"tool_calls\":[{\"name\":\"Bash\",\"arguments\":{\"command\":\"" + COMMAND
            + "\",\"description\":\"Create the proof file\"}}]}";
    private static final String FINAL_ANSWER = "It worked: the command ran and printed nothing, so /tmp/agentshell-proof now exists.";
    /** What the gateway answered in an earlier turn; Claude Code sends it back unchanged. */
    private static final String EARLIER_CALL_ID = "toolu_01HqZx4b7Vn2Ke9Ty6Ws3Pd";

    /** HTTP/1.1 as Claude Code speaks it: Java's default would add an h2c upgrade that Claude Code never sends. */
    private final HttpClient http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("secrets.gateway-api-keys", ACCESS_KEY);
    }

    @Test
    void bashRoundTripInTwoStreamedTurns() {
        stubAnswer(BASH_CALL, 12_400, 40, "sai-model");

        HttpResponse<String> first = send("/v1/messages?beta=true", ClaudeCodeTurns.turn1(), true, ClaudeCodeTurns.BETAS);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        AnthropicEvents events = AnthropicEvents.parse(first.body());
        assertThat(events.types()).containsExactly("message_start", "content_block_start", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop");
        JsonNode started = events.first("message_start").path("message");
        assertThat(started.path("id").asText()).startsWith("msg_");
        assertThat(started.path("model").asText()).isEqualTo("sai-model");
        // Claude Code reports message_start's input_tokens as the turn's input.
        assertThat(started.path("usage").path("input_tokens").asInt()).isPositive();
        JsonNode block = events.first("content_block_start");
        assertThat(block.path("index").asInt()).isZero();
        JsonNode use = block.path("content_block");
        assertThat(use.path("type").asText()).isEqualTo("tool_use");
        assertThat(use.path("id").asText()).startsWith("toolu_");
        assertThat(use.path("name").asText()).isEqualTo("Bash");
        JsonNode input = Json.parse(events.partialJson(0));
        // An object, not a JSON string: Claude Code cannot run a call whose input is a string.
        assertThat(input.isObject()).as(events.partialJson(0)).isTrue();
        assertThat(input.path("command").asText()).isEqualTo(COMMAND);
        JsonNode delta = events.first("message_delta");
        assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(delta.path("usage").path("output_tokens").asInt()).isEqualTo(40);

        LoggedRequest call = SaiCalls.single(saiRequests());
        assertNoAccessKey(call);
        JsonNode sent = SaiCalls.body(call);
        String system = sent.path("inputs").path("system").asText();
        assertThat(system).doesNotContain("x-anthropic-billing-header").doesNotContain("cc_version");
        // The system field's blocks, then the hoisted system-role message, then the tool instruction: one prompt, in order.
        assertInOrder(system, IDENTITY, INSTRUCTIONS, ENVIRONMENT, ENVIRONMENT_TOOLS, "How to call tools", "\"tool_calls\"");
        assertThat(sent.path("inputs").path("user").asText()).isEqualTo(REMINDER_SKILLS + "\n" + REMINDER_CONTEXT + "\n" + PROMPT);
        JsonNode history = sent.path("chatMessages");
        assertThat(history).hasSize(1);
        assertThat(history.get(0).path("role").asText()).isEqualTo("user");
        assertOfferedAsFunctions(Json.parse(sent.path("inputs").path("tools").asText()));

        sai.resetRequests();
        stubAnswer(FINAL_ANSWER, 12_500, 20, "sai-model");

        HttpResponse<String> second = send("/v1/messages?beta=true", ClaudeCodeTurns.turn2(use.path("id").asText(), input, true),
                true, ClaudeCodeTurns.BETAS);

        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        AnthropicEvents answer = AnthropicEvents.parse(second.body());
        assertThat(answer.types().get(0)).isEqualTo("message_start");
        assertThat(answer.types().get(1)).isEqualTo("content_block_start");
        assertThat(answer.first("content_block_start").path("content_block").path("type").asText()).isEqualTo("text");
        assertThat(answer.types().subList(answer.types().size() - 3, answer.types().size()))
                .containsExactly("content_block_stop", "message_delta", "message_stop");
        assertThat(answer.text(0)).isEqualTo(FINAL_ANSWER);
        assertThat(answer.first("message_delta").path("delta").path("stop_reason").asText()).isEqualTo("end_turn");

        LoggedRequest followUp = SaiCalls.single(saiRequests());
        assertNoAccessKey(followUp);
        JsonNode resent = SaiCalls.body(followUp);
        assertInOrder(resent.path("inputs").path("system").asText(), IDENTITY, INSTRUCTIONS, ENVIRONMENT, ENVIRONMENT_TOOLS,
                "How to call tools");
        assertHistoryHoldsTheCall(resent.path("chatMessages"), use.path("id").asText());
    }

    /** Claude Code's fallback when a stream is unusable: the same turn with {@code stream:false} must be as correct. */
    @Test
    void secondTurnWithoutStreamingIsAMessageObject() {
        stubAnswer(FINAL_ANSWER, 12_500, 20, "sai-model");
        JsonNode input = Json.parse("{\"command\":\"" + COMMAND + "\",\"description\":\"Create the proof file\"}");

        HttpResponse<String> response = send("/v1/messages?beta=true", ClaudeCodeTurns.turn2(EARLIER_CALL_ID, input, false),
                false, ClaudeCodeTurns.BETAS);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        JsonNode message = Json.parse(response.body());
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        assertThat(message.path("id").asText()).startsWith("msg_");
        assertThat(message.path("model").asText()).isEqualTo("sai-model");
        assertThat(message.path("content")).hasSize(1);
        assertThat(message.path("content").get(0).path("type").asText()).isEqualTo("text");
        assertThat(message.path("content").get(0).path("text").asText()).isEqualTo(FINAL_ANSWER);
        assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(message.has("stop_sequence") && message.path("stop_sequence").isNull()).as(response.body()).isTrue();
        assertThat(message.path("usage").path("input_tokens").asInt()).isEqualTo(12_500);
        assertThat(message.path("usage").path("output_tokens").asInt()).isEqualTo(20);

        LoggedRequest call = SaiCalls.single(saiRequests());
        assertNoAccessKey(call);
        assertHistoryHoldsTheCall(SaiCalls.body(call).path("chatMessages"), EARLIER_CALL_ID);
    }

    @Test
    void contextCountTokensAnswersTheEstimateWithoutCallingSai() {
        String text = "Skills available through the Skill tool: release-notes, db-migration, flaky-test, dependency-audit.";

        HttpResponse<String> response = send("/v1/messages/count_tokens?beta=true", ClaudeCodeTurns.countTokens(text), false,
                ClaudeCodeTurns.COUNT_BETAS);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode count = Json.parse(response.body());
        assertThat(count.properties()).extracting(Map.Entry::getKey).containsExactly("input_tokens");
        assertThat(count.path("input_tokens").asLong()).isEqualTo((text.length() + 3) / 4);
        assertThat(saiRequests()).isEmpty();
    }

    /**
     * What Claude Code's twelve tools cost in SAI's prompt: the system prompt with them minus without them, the size of
     * {@code inputs.tools}, and the whole SAI body against the client's. The instruction carries the tools' JSON itself
     * (for templates that ignore {@code inputs.tools}), so the offered tools reach SAI twice.
     */
    @Test
    void toolInstructionSizeForClaudeCodesTools() {
        stubAnswer("ok", 1, 1, "sai-model");
        ObjectNode withTools = ClaudeCodeTurns.turn1();
        ObjectNode withoutTools = withTools.deepCopy();
        withoutTools.remove("tools");

        assertThat(send("/v1/messages?beta=true", withTools, true, ClaudeCodeTurns.BETAS).statusCode()).isEqualTo(200);
        assertThat(send("/v1/messages?beta=true", withoutTools, true, ClaudeCodeTurns.BETAS).statusCode()).isEqualTo(200);

        List<LoggedRequest> calls = saiRequests();
        assertThat(calls).hasSize(2);
        JsonNode with = SaiCalls.body(calls.get(0));
        JsonNode without = SaiCalls.body(calls.get(1));
        String systemWith = with.path("inputs").path("system").asText();
        String systemWithout = without.path("inputs").path("system").asText();
        String toolsJson = with.path("inputs").path("tools").asText();
        assertThat(without.path("inputs").has("tools") && !without.path("inputs").path("tools").isNull()).isFalse();
        assertThat(systemWith).startsWith(systemWithout + "\n\n");
        String instruction = systemWith.substring(systemWithout.length() + 2);
        assertThat(instruction).contains(toolsJson);

        int clientWith = ClaudeCodeTurns.bytes(withTools).length;
        int clientToolsJson = ClaudeCodeTurns.bytes(withTools.path("tools")).length;
        int saiWith = calls.get(0).getBody().length;
        int saiWithout = calls.get(1).getBody().length;
        String report = String.join("\n",
                "[claude-code sizes] client tools JSON: " + clientToolsJson + " bytes, client body (turn 1): " + clientWith + " bytes",
                "[claude-code sizes] inputs.system without tools: " + systemWithout.length() + " chars, with tools: "
                        + systemWith.length() + " chars, added by the tool instruction: " + (systemWith.length() - systemWithout.length())
                        + " chars (of which the tools JSON " + toolsJson.length() + ", instruction text "
                        + (instruction.length() - toolsJson.length()) + ")",
                "[claude-code sizes] inputs.tools: " + toolsJson.length() + " chars",
                "[claude-code sizes] SAI body with tools: " + saiWith + " bytes, without: " + saiWithout + " bytes, client body "
                        + clientWith + " bytes: SAI/client = " + String.format("%.2f", (double) saiWith / clientWith));
        System.out.println(report);
        // Claude Code's real first turn is about 49 KB, 32 KB of it tools: the fixture must stay that size to mean anything.
        assertThat(clientWith).isBetween(47_000, 52_000);
        assertThat(clientToolsJson).isBetween(30_000, 33_500);
    }

    private HttpResponse<String> send(String path, JsonNode body, boolean stream, String betas) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(ClaudeCodeTurns.bytes(body)));
        String[] headers = ClaudeCodeTurns.headers(ACCESS_KEY, stream, betas);
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> response = http11.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            // Claude Code would inflate a compressed answer; this client does not, so a coding must show up here.
            assertThat(response.headers().firstValue("content-encoding")).isEmpty();
            return response;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The SAI call carries the system credential only: nothing of the caller's access key, in any header or the body. */
    private static void assertNoAccessKey(LoggedRequest call) {
        SaiCalls.assertApiKey(call, SYSTEM_KEY);
        assertThat(call.getBodyAsString()).doesNotContain(ACCESS_KEY);
        for (HttpHeader header : call.getHeaders().all()) {
            assertThat(header.values()).as(header.key()).noneMatch(v -> v.contains(ACCESS_KEY));
        }
    }

    private static void assertInOrder(String text, String... parts) {
        int from = 0;
        for (String part : parts) {
            int at = text.indexOf(part, from);
            assertThat(at).as("'%s' after position %d", part.length() > 60 ? part.substring(0, 60) + "..." : part, from)
                    .isGreaterThanOrEqualTo(0);
            from = at + part.length();
        }
    }

    /** SAI gets the twelve tools in the chat-completions function shape, each with the client's description and schema. */
    private static void assertOfferedAsFunctions(JsonNode offered) {
        JsonNode client = ClaudeCodeTurns.tools();
        assertThat(offered.isArray()).isTrue();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < offered.size(); i++) {
            JsonNode tool = offered.get(i);
            assertThat(tool.path("type").asText()).isEqualTo("function");
            JsonNode function = tool.path("function");
            names.add(function.path("name").asText());
            assertThat(function.path("description")).isEqualTo(client.get(i).path("description"));
            assertThat(function.path("parameters")).isEqualTo(client.get(i).path("input_schema"));
        }
        assertThat(names).containsExactlyElementsOf(ClaudeCodeTurns.TOOL_NAMES);
        JsonNode bash = offered.get(ClaudeCodeTurns.TOOL_NAMES.indexOf("Bash")).path("function").path("parameters");
        assertThat(bash.path("properties").properties()).extracting(Map.Entry::getKey)
                .containsExactly("command", "timeout", "description", "run_in_background", "dangerouslyDisableSandbox");
        assertThat(bash.path("required")).hasSize(1);
        assertThat(bash.path("required").get(0).asText()).isEqualTo("command");
    }

    /** SAI's history: the user's turn, the call written as the tool instruction teaches, then its result under its header. */
    private static void assertHistoryHoldsTheCall(JsonNode history, String callId) {
        assertThat(history).as(history.toString()).hasSize(3);
        assertThat(history.get(0).path("role").asText()).isEqualTo("user");
        assertThat(history.get(0).path("content").asText()).endsWith(PROMPT);
        assertThat(history.get(1).path("role").asText()).isEqualTo("assistant");
        JsonNode calls = Json.parse(history.get(1).path("content").asText()).path("tool_calls");
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).path("id").asText()).isEqualTo(callId);
        assertThat(calls.get(0).path("name").asText()).isEqualTo("Bash");
        assertThat(calls.get(0).path("arguments").path("command").asText()).isEqualTo(COMMAND);
        assertThat(history.get(2).path("role").asText()).isEqualTo("tool");
        assertThat(history.get(2).path("content").asText()).isEqualTo("[tool result for " + callId + " (Bash)]\n" + TOOL_OUTPUT);
    }
}
