package sai.gateway.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenApiSchemas;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.testing.SseEvents;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool calling on {@code /v1/chat/completions}: what SAI receives ({@code inputs.tools}, the tool
 * instruction in the system prompt, the history as text) and how its text answer comes back as
 * OpenAI tool calls, in every shape models write them, and as plain text when the JSON is not an
 * acceptable call.
 */
@MicronautTest
class ChatToolCallingTest extends SaiFakeTest {

    static final String WEATHER = """
            {"type": "function", "function": {"name": "get_weather", "description": "Current weather in a city",
             "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}""";
    static final String TIME = """
            {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object", "properties": {}}}}""";
    static final String CALL = "{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Quito\"}}]}";

    private static String request(String extra) {
        return """
                {"model": "sai-model",
                 "messages": [{"role": "system", "content": "You are helpful."}, {"role": "user", "content": "Weather in Quito?"}],
                 "tools": [%s, %s]%s}""".formatted(WEATHER, TIME, extra);
    }

    private JsonNode completion(String body) {
        HttpResponse<String> response = postJson("/v1/chat/completions", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        OpenApiSchemas.assertValidIfSpecPresent("CreateChatCompletionResponse", response.body());
        return Json.parse(response.body());
    }

    private JsonNode saiBody() {
        return SaiCalls.body(SaiCalls.single(saiRequests()));
    }

    @Test
    void toolsReachSaiAsAJsonStringAndTheInstructionFollowsTheSystemPrompt() {
        stubAnswer("Sunny.", 10, 2, "sai-model");

        completion(request(""));

        JsonNode inputs = saiBody().path("inputs");
        assertThat(inputs.path("tools").isTextual()).as("inputs.tools is a string").isTrue();
        assertThat(Json.parse(inputs.path("tools").asText())).isEqualTo(Json.parse("[" + WEATHER + "," + TIME + "]"));
        String system = inputs.path("system").asText();
        assertThat(system).startsWith("You are helpful.\n\n# Tools\n");
        // The tools are in the instruction too, for templates that ignore inputs.tools.
        assertThat(system).contains(inputs.path("tools").asText());
        assertThat(system).contains("{\"tool_calls\": [{\"name\": \"<tool name>\"")
                .contains("You may call several tools at once")
                .contains("Call a tool only when you need one.")
                .doesNotContain("{{");
        assertThat(inputs.path("user").asText()).isEqualTo("Weather in Quito?");
    }

    @Test
    void withoutToolsNothingChanges() {
        stubAnswer(CALL, 10, 2, "sai-model");

        JsonNode completion = completion(chat("Weather in Quito?"));

        assertThat(saiBody().path("inputs").has("tools")).isFalse();
        assertThat(saiBody().at("/inputs/system").asText()).isEmpty();
        JsonNode message = completion.at("/choices/0/message");
        assertThat(message.path("content").asText()).isEqualTo(CALL);
        assertThat(message.has("tool_calls")).isFalse();
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    static Stream<Arguments> acceptedShapes() {
        return Stream.of(
                Arguments.of("the object alone", CALL, null),
                Arguments.of("in a json fence", "```json\n" + CALL + "\n```", null),
                Arguments.of("in a bare fence", "```\n" + CALL + "\n```", null),
                Arguments.of("after text", "Let me look that up.\n" + CALL, "Let me look that up."),
                Arguments.of("after text, fenced", "Checking.\n\n```json\n" + CALL + "\n```\n", "Checking."),
                Arguments.of("OpenAI's own shape", """
                        {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Quito"}}}""", null),
                Arguments.of("arguments as a JSON string", """
                        {"type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Quito\\"}"}}""", null),
                Arguments.of("tool_calls in OpenAI's message shape", """
                        {"tool_calls": [{"id": "model-id", "type": "function",
                          "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Quito\\"}"}}]}""", null),
                Arguments.of("a bare array of calls", "[{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Quito\"}}]", null),
                Arguments.of("one bare call", "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Quito\"}}", null),
                Arguments.of("parameters instead of arguments", "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Quito\"}}", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedShapes")
    void aToolCallIsReadFromEveryShapeSaiAnswersIn(String shape, String answer, String textBesides) {
        stubAnswer(answer, 100, 20, "sai-model");

        JsonNode completion = completion(request(""));

        JsonNode choice = completion.at("/choices/0");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode message = choice.path("message");
        if (textBesides == null) {
            assertThat(message.path("content").isNull()).as("content is null: %s", message).isTrue();
        } else {
            assertThat(message.path("content").asText()).isEqualTo(textBesides);
        }
        assertThat(message.path("tool_calls")).hasSize(1);
        JsonNode call = message.at("/tool_calls/0");
        assertThat(call.path("id").asText()).startsWith("call_").isNotEqualTo("model-id");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(call.at("/function/arguments").isTextual()).as("arguments is a JSON string").isTrue();
        assertThat(Json.parse(call.at("/function/arguments").asText())).isEqualTo(Json.parse("{\"city\": \"Quito\"}"));
        assertThat(completion.path("usage").path("total_tokens").asInt()).isEqualTo(120);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Quito\"}]}",
            "{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Quito\"}}]",
            "{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Quito\"}}],}",
            "{\"tool_calls\": [{\"name\": \"delete_everything\", \"arguments\": {}}]}",
            "{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": \"Quito\"}]}",
            "{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": [\"Quito\"]}]}",
            "{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": \"{\\\"city\\\": \"}]}",
            "{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Quito\"}}, {\"name\": \"nope\", \"arguments\": {}}]}",
            "{\"tool_calls\": []}",
            "{\"name\": \"get_weather\"}",
            "In JSON that is {\"city\": \"Quito\"}, and {braces} in prose are fine.",
            "{{{{ [[[[ ]]",
    })
    void anythingButAnAcceptableCallStaysText(String answer) {
        stubAnswer(answer, 10, 5, "sai-model");

        JsonNode completion = completion(request(""));

        JsonNode choice = completion.at("/choices/0");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(choice.at("/message/content").asText()).isEqualTo(answer);
        assertThat(choice.path("message").has("tool_calls")).isFalse();
    }

    @Test
    void severalCallsGetDistinctIdsInOrder() {
        stubAnswer("""
                {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Quito"}},
                                {"name": "get_weather", "arguments": {"city": "Lima"}},
                                {"name": "get_time"}]}""", 10, 5, "sai-model");

        JsonNode calls = completion(request("")).at("/choices/0/message/tool_calls");

        assertThat(calls).hasSize(3);
        Set<String> ids = new HashSet<>();
        List<String> arguments = new ArrayList<>();
        for (JsonNode call : calls) {
            ids.add(call.path("id").asText());
            arguments.add(call.at("/function/name").asText() + " " + call.at("/function/arguments").asText());
        }
        assertThat(ids).hasSize(3);
        assertThat(arguments).containsExactly("get_weather {\"city\":\"Quito\"}", "get_weather {\"city\":\"Lima\"}", "get_time {}");
    }

    @Test
    void withoutParallelCallsTheInstructionAsksForOneAndOnlyTheFirstIsKept() {
        stubAnswer("""
                {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Quito"}}, {"name": "get_time", "arguments": {}}]}""",
                10, 5, "sai-model");

        JsonNode calls = completion(request(", \"parallel_tool_calls\": false")).at("/choices/0/message/tool_calls");

        assertThat(calls).hasSize(1);
        assertThat(calls.at("/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(saiBody().at("/inputs/system").asText()).contains("Call at most one tool per answer")
                .doesNotContain("several tools at once");
    }

    @Test
    void toolChoiceNoneSendsNoToolsAndReadsNoCalls() {
        stubAnswer(CALL, 10, 5, "sai-model");

        JsonNode completion = completion(request(", \"tool_choice\": \"none\""));

        JsonNode inputs = saiBody().path("inputs");
        assertThat(inputs.has("tools")).isFalse();
        assertThat(inputs.path("system").asText()).isEqualTo("You are helpful.");
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo(CALL);
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void toolChoiceRequiredAsksForACall() {
        stubAnswer(CALL, 10, 5, "sai-model");

        completion(request(", \"tool_choice\": \"required\""));

        assertThat(saiBody().at("/inputs/system").asText()).contains("You must call at least one tool now")
                .doesNotContain("Call a tool only when you need one");
        assertThat(Json.parse(saiBody().at("/inputs/tools").asText())).hasSize(2);
    }

    @Test
    void aNamedToolChoiceOffersOnlyThatTool() {
        stubAnswer("{\"tool_calls\": [{\"name\": \"get_time\", \"arguments\": {}}]}", 10, 5, "sai-model");

        JsonNode completion = completion(request(", \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"get_time\"}}"));

        assertThat(Json.parse(saiBody().at("/inputs/tools").asText())).isEqualTo(Json.parse("[" + TIME + "]"));
        assertThat(saiBody().at("/inputs/system").asText()).contains("You must call the tool \"get_time\" now");
        assertThat(completion.at("/choices/0/message/tool_calls/0/function/name").asText()).isEqualTo("get_time");
    }

    @Test
    void aCallToAToolNotOfferedUnderANamedChoiceStaysText() {
        stubAnswer(CALL, 10, 5, "sai-model");

        JsonNode completion = completion(request(", \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"get_time\"}}"));

        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo(CALL);
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void streamingSendsStandardToolCallDeltas() {
        stubAnswer("Let me check.\n{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Quito\"}},"
                + " {\"name\": \"get_time\", \"arguments\": {}}]}", 10, 5, "sai-model");

        HttpResponse<String> response = postJson("/v1/chat/completions",
                request(", \"stream\": true, \"stream_options\": {\"include_usage\": true}"));

        assertThat(response.statusCode()).isEqualTo(200);
        SseEvents events = SseEvents.parse(response.body());
        assertThat(events.data()).last().isEqualTo(SseEvents.DONE);
        List<JsonNode> chunks = events.chunks();
        JsonNode role = chunks.get(0).at("/choices/0/delta");
        assertThat(role.path("role").asText()).isEqualTo("assistant");
        assertThat(role.has("content")).as("no content in the role chunk when the answer may be calls only").isFalse();
        assertThat(SseEvents.content(chunks)).isEqualTo("Let me check.");

        List<JsonNode> toolDeltas = chunks.stream().filter(c -> c.at("/choices/0/delta").has("tool_calls")).toList();
        JsonNode firstOfCall0 = toolDeltas.get(0).at("/choices/0/delta/tool_calls/0");
        assertThat(firstOfCall0.path("index").asInt()).isZero();
        assertThat(firstOfCall0.path("id").asText()).startsWith("call_");
        assertThat(firstOfCall0.path("type").asText()).isEqualTo("function");
        assertThat(firstOfCall0.at("/function/name").asText()).isEqualTo("get_weather");
        StringBuilder[] arguments = {new StringBuilder(), new StringBuilder()};
        List<String> ids = new ArrayList<>();
        for (JsonNode delta : toolDeltas) {
            JsonNode call = delta.at("/choices/0/delta/tool_calls/0");
            if (call.has("id")) {
                ids.add(call.path("id").asText());
                assertThat(call.at("/function/name").isTextual()).isTrue();
            } else {
                assertThat(call.has("type")).isFalse();
                assertThat(call.at("/function").has("name")).isFalse();
            }
            arguments[call.path("index").asInt()].append(call.at("/function/arguments").asText());
        }
        assertThat(ids).hasSize(2).doesNotHaveDuplicates();
        assertThat(Json.parse(arguments[0].toString())).isEqualTo(Json.parse("{\"city\": \"Quito\"}"));
        assertThat(arguments[1].toString()).isEqualTo("{}");

        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(chunks.get(chunks.size() - 1).at("/usage/total_tokens").asInt()).isEqualTo(15);
    }

    @Test
    void streamingPlainTextWithToolsOfferedStillEndsWithStop() {
        stubAnswer("It is sunny in Quito.", 10, 5, "sai-model");

        List<JsonNode> chunks = SseEvents.parse(postJson("/v1/chat/completions", request(", \"stream\": true")).body()).chunks();

        assertThat(SseEvents.content(chunks)).isEqualTo("It is sunny in Quito.");
        assertThat(chunks.get(chunks.size() - 1).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(chunks).noneMatch(c -> c.at("/choices/0/delta").has("tool_calls"));
    }
}
