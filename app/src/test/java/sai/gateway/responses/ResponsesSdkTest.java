package sai.gateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputText;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Function calling on the Responses API with the OpenAI Java SDK: a plain round trip (call, output,
 * final answer), and the same through the event stream, put together by the SDK's ResponseAccumulator.
 */
@MicronautTest
class ResponsesSdkTest extends SaiFakeTest {

    /** The SDK fills it from the call's arguments. */
    public static class WeatherArguments {
        public String city;
    }

    private OpenAIClient client;

    private OpenAIClient client() {
        if (client == null) {
            client = OpenAIOkHttpClient.builder().baseUrl(baseUrl() + "/v1").apiKey("sk-anything")
                    .maxRetries(0).responseValidation(true).timeout(Duration.ofSeconds(30)).build();
        }
        return client;
    }

    @AfterAll
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    private static final FunctionTool WEATHER = FunctionTool.builder()
            .name("get_weather")
            .description("Current weather in a city")
            .parameters(FunctionTool.Parameters.builder()
                    .putAdditionalProperty("type", JsonValue.from("object"))
                    .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                    .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                    .build())
            .strict(false)
            .build();

    private static ResponseInputItem user(String text) {
        return ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.USER).content(text).build());
    }

    private static ResponseCreateParams.Builder params(List<ResponseInputItem> input) {
        return ResponseCreateParams.builder().model("sai-model").instructions("Be brief.").inputOfResponse(input).addTool(WEATHER).store(false);
    }

    @Test
    void functionCallingRoundTrip() {
        stubAnswer("{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Quito\"}}]}", 30, 9, "sai-model");
        List<ResponseInputItem> input = new ArrayList<>(List.of(user("Weather in Quito?")));

        Response first = client().responses().create(params(input).build());

        assertThat(first.status()).hasValue(ResponseStatus.COMPLETED);
        assertThat(first.output()).hasSize(1);
        ResponseFunctionToolCall call = first.output().get(0).functionCall().orElseThrow();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.callId()).startsWith("call_");
        assertThat(call.arguments(WeatherArguments.class).city).isEqualTo("Quito");
        assertThat(first.usage().orElseThrow().totalTokens()).isEqualTo(39);

        sai.resetAll();
        stubAnswer("Sunny, 21C in Quito.", 50, 7, "sai-model");
        input.add(ResponseInputItem.ofFunctionCall(call));
        input.add(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                .callId(call.callId()).output("{\"temp\": 21, \"sky\": \"sunny\"}").build()));
        Response last = client().responses().create(params(input).build());

        assertThat(text(last)).isEqualTo("Sunny, 21C in Quito.");
        JsonNode body = SaiCalls.body(SaiCalls.single(saiRequests()));
        assertThat(body.at("/inputs/system").asText()).startsWith("Be brief.\n\n# Tools");
        assertThat(body.at("/chatMessages/2/content").asText())
                .isEqualTo("[tool result for " + call.callId() + " (get_weather)]\n{\"temp\": 21, \"sky\": \"sunny\"}");
    }

    @Test
    void streamedFunctionCallAccumulates() {
        stubAnswer("One moment.\n{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"" + "Quito".repeat(200) + "\"}}]}",
                30, 9, "sai-model");

        ResponseAccumulator accumulator = ResponseAccumulator.create();
        List<ResponseStreamEvent> events;
        try (StreamResponse<ResponseStreamEvent> stream = client().responses().createStreaming(params(List.of(user("Weather?"))).build())) {
            events = stream.stream().peek(accumulator::accumulate).toList();
        }

        assertThat(events.get(0).isCreated()).isTrue();
        assertThat(events.get(events.size() - 1).isCompleted()).isTrue();
        Response response = accumulator.response();
        assertThat(response.status()).hasValue(ResponseStatus.COMPLETED);
        assertThat(response.output()).hasSize(2);
        assertThat(text(response)).isEqualTo("One moment.");
        ResponseFunctionToolCall call = response.output().get(1).functionCall().orElseThrow();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments(WeatherArguments.class).city).isEqualTo("Quito".repeat(200));
    }

    @Test
    void streamedTextAccumulates() {
        String text = "Hola. ".repeat(300);
        stubAnswer(text, 5, 600, "sai-model");

        ResponseAccumulator accumulator = ResponseAccumulator.create();
        try (StreamResponse<ResponseStreamEvent> stream = client().responses()
                .createStreaming(ResponseCreateParams.builder().model("sai-model").input("Saluda").build())) {
            stream.stream().forEach(accumulator::accumulate);
        }

        Response response = accumulator.response();
        assertThat(text(response)).isEqualTo(text);
        assertThat(response.usage().orElseThrow().outputTokens()).isEqualTo(600);
    }

    private static String text(Response response) {
        StringBuilder text = new StringBuilder();
        for (ResponseOutputItem item : response.output()) {
            item.message().ifPresent(m -> m.content().forEach(c -> c.outputText().map(ResponseOutputText::text).ifPresent(text::append)));
        }
        return text.toString();
    }
}
