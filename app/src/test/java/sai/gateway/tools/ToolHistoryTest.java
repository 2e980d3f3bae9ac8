package sai.gateway.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenApiSchemas;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole tool exchange through the gateway (user -> tool call -> tool result -> final answer), and
 * the history SAI receives: calls and results written out as text in the documented format, nothing dropped.
 */
@MicronautTest
class ToolHistoryTest extends SaiFakeTest {

    private static final String TOOLS = "[" + ChatToolCallingTest.WEATHER + "]";

    @Test
    void userToolCallToolResultFinalAnswer() {
        // Turn 1: the model asks for the tool.
        stubAnswer("{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Quito\"}}]}", 50, 10, "sai-model");
        HttpResponse<String> first = postJson("/v1/chat/completions", """
                {"messages": [{"role": "system", "content": "You are helpful."}, {"role": "user", "content": "Weather in Quito?"}],
                 "tools": %s}""".formatted(TOOLS));
        assertThat(first.statusCode()).isEqualTo(200);
        JsonNode assistant = Json.parse(first.body()).at("/choices/0/message");
        String callId = assistant.at("/tool_calls/0/id").asText();
        assertThat(callId).startsWith("call_");

        // Turn 2: the client runs it and sends the whole conversation back, the assistant message as it came.
        sai.resetAll();
        stubAnswer("It is sunny and 21C in Quito.", 80, 9, "sai-model");
        HttpResponse<String> second = postJson("/v1/chat/completions", """
                {"messages": [{"role": "system", "content": "You are helpful."}, {"role": "user", "content": "Weather in Quito?"},
                              %s,
                              {"role": "tool", "tool_call_id": "%s", "content": "Sunny, 21C"}],
                 "tools": %s}""".formatted(assistant, callId, TOOLS));

        assertThat(second.statusCode()).isEqualTo(200);
        OpenApiSchemas.assertValidIfSpecPresent("CreateChatCompletionResponse", second.body());
        JsonNode answer = Json.parse(second.body()).at("/choices/0");
        assertThat(answer.at("/message/content").asText()).isEqualTo("It is sunny and 21C in Quito.");
        assertThat(answer.path("finish_reason").asText()).isEqualTo("stop");

        JsonNode body = SaiCalls.body(SaiCalls.single(saiRequests()));
        long id = body.at("/chatMessages/0/id").asLong();
        assertThat(body.path("chatMessages")).isEqualTo(Json.parse("""
                [{"content": "Weather in Quito?", "role": "user", "id": %d},
                 {"content": "{\\"tool_calls\\":[{\\"id\\":\\"%s\\",\\"name\\":\\"get_weather\\",\\"arguments\\":{\\"city\\":\\"Quito\\"}}]}",
                  "role": "assistant", "id": %d},
                 {"content": "[tool result for %s (get_weather)]\\nSunny, 21C", "role": "tool", "id": %d}]
                """.formatted(id, callId, id + 1, callId, id + 2)));
        assertThat(body.at("/inputs/user").asText()).isEqualTo("Weather in Quito?");
        assertThat(Json.parse(body.at("/inputs/tools").asText())).isEqualTo(Json.parse(TOOLS));
        assertThat(body.at("/inputs/system").asText()).startsWith("You are helpful.\n\n# Tools");
    }

    @Test
    void textBesideCallsParallelResultsAndOddArgumentsAreAllKept() {
        stubAnswer("Both cities are sunny.", 80, 9, "sai-model");

        HttpResponse<String> response = postJson("/v1/chat/completions", """
                {"messages": [{"role": "user", "content": "Quito and Lima?"},
                              {"role": "assistant", "content": "Checking both.", "tool_calls": [
                                {"id": "call_q", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Quito\\"}"}},
                                {"id": "call_l", "type": "function", "function": {"name": "get_weather", "arguments": "city=Lima"}}]},
                              {"role": "tool", "tool_call_id": "call_l", "content": [{"type": "text", "text": "Sunny"}, {"type": "text", "text": "25C"}]},
                              {"role": "tool", "tool_call_id": "call_q", "content": "Sunny, 21C"},
                              {"role": "tool", "content": "a result without its call id"},
                              {"role": "user", "content": "Summarise."}],
                 "tools": %s}""".formatted(TOOLS));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode chat = SaiCalls.body(SaiCalls.single(saiRequests())).path("chatMessages");
        assertThat(chat).hasSize(6);
        for (JsonNode message : chat) {
            ((ObjectNode) message).remove("id");
        }
        assertThat(chat).isEqualTo(Json.parse("""
                [{"content": "Quito and Lima?", "role": "user"},
                 {"content": "Checking both.\\n\\n{\\"tool_calls\\":[{\\"id\\":\\"call_q\\",\\"name\\":\\"get_weather\\",\\"arguments\\":{\\"city\\":\\"Quito\\"}},{\\"id\\":\\"call_l\\",\\"name\\":\\"get_weather\\",\\"arguments\\":\\"city=Lima\\"}]}",
                  "role": "assistant"},
                 {"content": "[tool result for call_l (get_weather)]\\nSunny\\n25C", "role": "tool"},
                 {"content": "[tool result for call_q (get_weather)]\\nSunny, 21C", "role": "tool"},
                 {"content": "[tool result]\\na result without its call id", "role": "tool"},
                 {"content": "Summarise.", "role": "user"}]"""));
    }

    @Test
    void historyIsWrittenOutEvenWhenNoToolIsOfferedAnyMore() {
        stubAnswer("Done.", 10, 1, "sai-model");

        postJson("/v1/chat/completions", """
                {"messages": [{"role": "user", "content": "Weather?"},
                              {"role": "assistant", "content": null, "tool_calls": [
                                {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]},
                              {"role": "tool", "tool_call_id": "call_1", "content": "Rain"}]}""");

        JsonNode body = SaiCalls.body(SaiCalls.single(saiRequests()));
        assertThat(body.path("inputs").has("tools")).isFalse();
        assertThat(body.at("/chatMessages/1/content").asText())
                .isEqualTo("{\"tool_calls\":[{\"id\":\"call_1\",\"name\":\"get_weather\",\"arguments\":{}}]}");
        assertThat(body.at("/chatMessages/2/content").asText()).isEqualTo("[tool result for call_1 (get_weather)]\nRain");
    }
}
