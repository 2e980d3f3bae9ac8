package sai.gateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenApiSchemas;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.ResponseEvents;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Responses API's event stream: the standard sequence for text, function calls and custom tool
 * calls, every event valid against the spec (see {@link ResponseEvents}), heartbeats while SAI thinks,
 * and failures as {@code error} then {@code response.failed}.
 */
@MicronautTest
class ResponsesStreamingTest extends SaiFakeTest {

    private static final int SAI_DELAY_MS = 2500;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("gateway.stream-heartbeat-seconds", "1");
    }

    private ResponseEvents stream(String body) {
        HttpResponse<String> response = postJson("/v1/responses", body, "Accept", "text/event-stream");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
        assertThat(response.body()).doesNotContain("[DONE]");
        return ResponseEvents.parse(response.body());
    }

    private static String request(String input, String tools) {
        return """
                {"model": "sai-model", "input": %s, "stream": true, "tools": [%s]}""".formatted(Json.quote(input), tools);
    }

    @Test
    void textStreamsAsTheStandardSequence() {
        String text = "Hola 👋 ".repeat(150);
        stubAnswer(text, 20, 300, "sai-model");

        ResponseEvents events = stream(request("Hola", ""));

        List<String> types = events.types();
        assertThat(types.subList(0, 4)).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added");
        assertThat(types.subList(types.size() - 4, types.size())).containsExactly("response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.completed");
        assertThat(events.ofType("response.output_text.delta")).hasSizeGreaterThan(1);

        JsonNode created = events.events().get(0).path("response");
        assertThat(created.path("status").asText()).isEqualTo("in_progress");
        assertThat(created.path("output")).isEmpty();
        assertThat(created.has("usage")).isFalse();
        String responseId = created.path("id").asText();
        assertThat(responseId).startsWith("resp_");

        JsonNode added = events.ofType("response.output_item.added").get(0);
        String itemId = added.at("/item/id").asText();
        assertThat(added.path("output_index").asInt()).isZero();
        assertThat(added.at("/item/status").asText()).isEqualTo("in_progress");
        for (JsonNode delta : events.ofType("response.output_text.delta")) {
            assertThat(delta.path("item_id").asText()).isEqualTo(itemId);
            assertThat(delta.path("output_index").asInt()).isZero();
            assertThat(delta.path("content_index").asInt()).isZero();
        }
        assertThat(events.joined("response.output_text.delta", itemId)).isEqualTo(text);
        assertThat(events.ofType("response.output_text.done").get(0).path("text").asText()).isEqualTo(text);
        assertThat(events.ofType("response.content_part.done").get(0).at("/part/text").asText()).isEqualTo(text);

        JsonNode completed = events.last().path("response");
        assertThat(completed.path("id").asText()).isEqualTo(responseId);
        assertThat(completed.path("status").asText()).isEqualTo("completed");
        assertThat(completed.at("/output/0/id").asText()).isEqualTo(itemId);
        assertThat(completed.at("/output/0/content/0/text").asText()).isEqualTo(text);
        assertThat(completed.at("/usage/total_tokens").asInt()).isEqualTo(320);
        assertThat(events.ofType("response.output_item.done").get(0).path("item")).isEqualTo(completed.at("/output/0"));
    }

    @Test
    void functionCallsStreamTheirArguments() {
        stubAnswer("Let me check.\n{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"" + "Quito".repeat(150) + "\"}},"
                + " {\"name\": \"get_weather\", \"arguments\": {\"city\": \"Lima\"}}]}", 20, 30, "sai-model");

        ResponseEvents events = stream(request("Weather?", ResponsesApiTest.WEATHER));

        assertThat(events.types()).containsSubsequence(
                "response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done", "response.completed");
        List<JsonNode> added = events.ofType("response.output_item.added");
        assertThat(added).extracting(e -> e.path("output_index").asInt()).containsExactly(0, 1, 2);
        JsonNode firstCall = added.get(1).path("item");
        assertThat(firstCall.path("type").asText()).isEqualTo("function_call");
        assertThat(firstCall.path("status").asText()).isEqualTo("in_progress");
        assertThat(firstCall.path("arguments").asText()).isEmpty();
        assertThat(firstCall.path("name").asText()).isEqualTo("get_weather");
        String itemId = firstCall.path("id").asText();
        String arguments = events.joined("response.function_call_arguments.delta", itemId);
        assertThat(Json.parse(arguments)).isEqualTo(Json.parse("{\"city\": \"" + "Quito".repeat(150) + "\"}"));
        JsonNode done = events.ofType("response.function_call_arguments.done").get(0);
        assertThat(done.path("item_id").asText()).isEqualTo(itemId);
        assertThat(done.path("name").asText()).isEqualTo("get_weather");
        assertThat(done.path("arguments").asText()).isEqualTo(arguments);
        for (JsonNode delta : events.ofType("response.function_call_arguments.delta")) {
            assertThat(delta.path("output_index").asInt()).isEqualTo(delta.path("item_id").asText().equals(itemId) ? 1 : 2);
        }

        JsonNode output = events.last().at("/response/output");
        assertThat(output).hasSize(3);
        assertThat(output.get(1)).isEqualTo(events.ofType("response.output_item.done").get(1).path("item"));
        assertThat(output.at("/1/status").asText()).isEqualTo("completed");
        assertThat(output.at("/1/call_id").asText()).startsWith("call_").isNotEqualTo(output.at("/2/call_id").asText());
    }

    @Test
    void aCustomToolCallStreamsItsInput() {
        String patch = "*** Begin Patch\n*** Add File: hello.txt\n+Hello\n*** End Patch";
        stubAnswer("{\"tool_calls\": [{\"name\": \"apply_patch\", \"input\": " + Json.quote(patch) + "}]}", 20, 30, "sai-model");

        ResponseEvents events = stream(request("Add hello.txt", ResponsesApiTest.APPLY_PATCH));

        assertThat(events.types()).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.custom_tool_call_input.delta", "response.custom_tool_call_input.done", "response.output_item.done",
                "response.completed");
        JsonNode item = events.ofType("response.output_item.done").get(0).path("item");
        assertThat(item.path("type").asText()).isEqualTo("custom_tool_call");
        assertThat(item.path("input").asText()).isEqualTo(patch);
        assertThat(events.joined("response.custom_tool_call_input.delta", item.path("id").asText())).isEqualTo(patch);
        assertThat(events.ofType("response.custom_tool_call_input.done").get(0).path("input").asText()).isEqualTo(patch);
    }

    @Test
    void heartbeatsKeepTheStreamAliveWhileSaiThinks() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withFixedDelay(SAI_DELAY_MS)
                .withHeader("prompttokens", "3").withHeader("completiontokens", "1").withBody("Listo")));

        ResponseEvents events = stream(request("Hola", ""));

        assertThat(events.comments()).isNotEmpty().allSatisfy(c -> assertThat(c).isEqualTo(": keep-alive"));
        assertThat(events.last().at("/response/output/0/content/0/text").asText()).isEqualTo("Listo");
        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void aSaiFailureIsAnErrorEventThenResponseFailed() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500).withBody("java.lang.IllegalStateException: secret internals")));

        ResponseEvents events = stream(request("Hola", ""));

        assertThat(events.types()).containsExactly("response.created", "response.in_progress", "error", "response.failed");
        JsonNode error = events.events().get(2);
        assertThat(error.path("code").asText()).isEqualTo("upstream_error");
        assertThat(error.path("param").isNull()).isTrue();
        assertThat(error.path("message").asText()).isNotBlank().doesNotContain("IllegalStateException");
        JsonNode failed = events.last().path("response");
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("error")).isEqualTo(Json.parse(
                "{\"code\": \"server_error\", \"message\": " + Json.quote(error.path("message").asText()) + "}"));
        assertThat(failed.path("id").asText()).isEqualTo(events.events().get(0).at("/response/id").asText());
    }

    @Test
    void aTooLongPromptFailsAsAnInvalidPrompt() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500).withBody("{\"error\":\"prompt is too long: 250000 tokens\"}")));

        ResponseEvents events = stream(request("Hola", ""));

        assertThat(events.types()).containsExactly("response.created", "response.in_progress", "error", "response.failed");
        assertThat(events.events().get(2).path("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(events.last().at("/response/error/code").asText()).isEqualTo("invalid_prompt");
    }

    @Test
    void aRejectedUserKeyIsAnErrorEventNamingIt() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401)));

        ResponseEvents events = stream(request("Hola", ""));

        assertThat(events.events().get(2).path("code").asText()).isEqualTo("invalid_api_key");
        assertThat(events.last().at("/response/status").asText()).isEqualTo("failed");
        SaiCalls.assertApiKey(saiRequests().get(0), SYSTEM_KEY);
    }

    @Test
    void badInputIsAPlainErrorEvenWhenStreamingWasAsked() {
        HttpResponse<String> response = postJson("/v1/responses", "{\"model\": \"sai-model\", \"stream\": true}",
                "Accept", "text/event-stream");

        OpenAiErrors.assertError(response, 400, "invalid_request_error", "missing_required_parameter", "input");
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void streamedAndPlainResponsesHaveTheSameShape() {
        stubAnswer("Same.", 2, 1, "sai-model");

        JsonNode streamed = stream(request("Hola", ResponsesApiTest.WEATHER)).last().path("response");
        OpenApiSchemas.assertValidIfSpecPresent("Response", streamed.toString());
        JsonNode plain = Json.parse(postJson("/v1/responses", request("Hola", ResponsesApiTest.WEATHER).replace("\"stream\": true", "\"stream\": false")).body());

        for (String field : List.of("object", "status", "model", "tools", "tool_choice", "parallel_tool_calls", "metadata", "usage")) {
            assertThat(streamed.path(field)).as(field).isEqualTo(plain.path(field));
        }
        assertThat(streamed.at("/output/0/content")).isEqualTo(plain.at("/output/0/content"));
    }
}
