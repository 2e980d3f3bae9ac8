package sai.gateway.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Function calling on chat completions with the OpenAI Java SDK, as an agent runs it: the SDK parses the
 * call (plain, and accumulated from the stream with its own accumulator), runs the "function", and sends
 * the assistant message and the tool result back for the final answer.
 */
@MicronautTest
class ToolCallingSdkTest extends SaiFakeTest {

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

    private static ChatCompletionCreateParams.Builder ask() {
        return ChatCompletionCreateParams.builder()
                .model("sai-model")
                .addUserMessage("Weather in Quito?")
                .addFunctionTool(FunctionDefinition.builder()
                        .name("get_weather")
                        .description("Current weather in a city")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                                .build())
                        .build());
    }

    @Test
    void functionCallingRoundTrip() {
        stubAnswer("```json\n{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Quito\"}}]}\n```", 40, 12, "sai-model");

        ChatCompletion first = client().chat().completions().create(ask().build());

        ChatCompletion.Choice choice = first.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessage message = choice.message();
        assertThat(message.content()).isEmpty();
        ChatCompletionMessageFunctionToolCall call = message.toolCalls().orElseThrow().get(0).function().orElseThrow();
        assertThat(call.id()).startsWith("call_");
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments(WeatherArguments.class).city).isEqualTo("Quito");

        sai.resetAll();
        stubAnswer("Sunny and 21C in Quito.", 60, 7, "sai-model");
        ChatCompletion last = client().chat().completions().create(ask()
                .addMessage(message)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("Sunny, 21C").build())
                .build());

        assertThat(last.choices().get(0).message().content()).hasValue("Sunny and 21C in Quito.");
        assertThat(last.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        JsonNode history = SaiCalls.body(SaiCalls.single(saiRequests())).path("chatMessages");
        assertThat(history).hasSize(3);
        assertThat(history.at("/1/content").asText()).contains("\"id\":\"" + call.id() + "\"").contains("\"name\":\"get_weather\"");
        assertThat(history.at("/2/content").asText()).isEqualTo("[tool result for " + call.id() + " (get_weather)]\nSunny, 21C");
    }

    @Test
    void streamedFunctionCallAccumulates() {
        stubAnswer("I will check.\n{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"" + "Quito".repeat(200) + "\"}}]}",
                40, 12, "sai-model");

        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client().chat().completions().createStreaming(ask().build())) {
            stream.stream().forEach(accumulator::accumulate);
        }

        ChatCompletion completion = accumulator.chatCompletion();
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(choice.message().content()).hasValue("I will check.");
        List<ChatCompletionMessageFunctionToolCall> calls = choice.message().toolCalls().orElseThrow().stream()
                .map(c -> c.function().orElseThrow()).toList();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).id()).startsWith("call_");
        assertThat(calls.get(0).function().name()).isEqualTo("get_weather");
        // 1000+ characters of arguments arrive in several pieces and must add up.
        assertThat(calls.get(0).function().arguments(WeatherArguments.class).city).isEqualTo("Quito".repeat(200));
    }
}
