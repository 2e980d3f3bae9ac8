package sai.gateway.completions;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.OpenApiSchemas;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.testing.SseEvents;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

/** Legacy {@code /v1/completions}: one prompt to SAI, a {@code text_completion} back, plain and streamed. */
@MicronautTest
class CompletionsTest extends SaiFakeTest {

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

    private JsonNode completion(String path, String body) {
        HttpResponse<String> response = postJson(path, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        OpenApiSchemas.assertValidIfSpecPresent("CreateCompletionResponse", response.body());
        return Json.parse(response.body());
    }

    @Test
    void aPromptGetsATextCompletion() {
        stubAnswer(" world", 3, 2, "claude-sonnet-4-5-20250929");

        JsonNode completion = completion("/v1/completions", "{\"model\": \"sai-model\", \"prompt\": \"Hello\", \"max_tokens\": 16}");

        assertThat(completion.path("id").asText()).startsWith("cmpl-");
        assertThat(completion.path("object").asText()).isEqualTo("text_completion");
        assertThat(completion.path("model").asText()).isEqualTo("sai-model");
        assertThat(completion.path("choices")).isEqualTo(Json.parse("""
                [{"text": " world", "index": 0, "logprobs": null, "finish_reason": "stop"}]"""));
        assertThat(completion.path("usage")).isEqualTo(Json.parse("{\"prompt_tokens\": 3, \"completion_tokens\": 2, \"total_tokens\": 5}"));
        JsonNode body = SaiCalls.body(SaiCalls.single(saiRequests()));
        long id = body.at("/chatMessages/0/id").asLong();
        assertThat(body).isEqualTo(Json.parse("""
                {"inputs": {"system": "", "user": "Hello"}, "chatMessages": [{"content": "Hello", "role": "user", "id": %d}]}""".formatted(id)));
    }

    @Test
    void anArrayOfOnePromptTheOldPathAndEchoWork() {
        stubAnswer(" world", 3, 2, "sai-model");

        JsonNode completion = completion("/completions", "{\"model\": \"claude-sonnet-4-5-20250929\", \"prompt\": [\"Hello\"], \"echo\": true}");

        assertThat(completion.at("/choices/0/text").asText()).isEqualTo("Hello world");
        assertThat(SaiCalls.single(saiRequests()).queryParameter("modelOverride").firstValue()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(SaiCalls.body(SaiCalls.single(saiRequests())).at("/inputs/user").asText()).isEqualTo("Hello");
    }

    /** A long echoed answer streamed with usage: the echo, several pieces, the stop chunk, the usage chunk. */
    private List<JsonNode> streamedChunks(String text) {
        stubAnswer(text, 4, 400, "sai-model");

        HttpResponse<String> response = postJson("/v1/completions", """
                {"prompt": "Di algo", "stream": true, "echo": true, "stream_options": {"include_usage": true}}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
        SseEvents events = SseEvents.parse(response.body());
        assertThat(events.data()).last().isEqualTo(SseEvents.DONE);
        List<JsonNode> chunks = events.json();
        assertThat(chunks.size()).as("echo, several pieces, stop, usage").isGreaterThan(4);
        return chunks;
    }

    @Test
    void streamingSendsPiecesThenStopThenUsageThenDone() {
        String text = "palabra ".repeat(200);

        List<JsonNode> chunks = streamedChunks(text);

        StringBuilder streamed = new StringBuilder();
        for (JsonNode chunk : chunks.subList(0, chunks.size() - 2)) {
            assertThat(chunk.path("id").asText()).isEqualTo(chunks.get(0).path("id").asText()).startsWith("cmpl-");
            assertThat(chunk.path("object").asText()).isEqualTo("text_completion");
            assertThat(chunk.at("/choices/0/finish_reason").isNull()).isTrue();
            streamed.append(chunk.at("/choices/0/text").asText());
        }
        assertThat(streamed.toString()).isEqualTo("Di algo" + text);
        JsonNode stop = chunks.get(chunks.size() - 2);
        assertThat(stop.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.at("/usage/total_tokens").asInt()).isEqualTo(404);
    }

    @Test
    void streamedPiecesMatchTheSpecButForTheirNullFinishReason() {
        List<JsonNode> chunks = streamedChunks("palabra ".repeat(200));

        // OpenAI's own streams send finish_reason null until the end, which its spec does not allow; nothing else may differ.
        for (JsonNode chunk : chunks.subList(0, chunks.size() - 2)) {
            assertThat(OpenApiSchemas.violations("CreateCompletionResponse", chunk.toString()))
                    .allSatisfy(v -> assertThat(v).contains("finish_reason"));
        }
        OpenApiSchemas.assertValid("CreateCompletionResponse", chunks.get(chunks.size() - 2).toString());
    }

    @Test
    void aFailureAfterTheStreamStartedIsOneErrorEvent() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500).withBody("stack trace with internals")));

        HttpResponse<String> response = postJson("/v1/completions", "{\"prompt\": \"Hola\", \"stream\": true}");

        SseEvents parsed = SseEvents.parse(response.body());
        List<JsonNode> events = parsed.json();
        assertThat(events).hasSize(1);
        assertThat(parsed.names()).containsExactly("error");
        assertThat(parsed.data()).doesNotContain(SseEvents.DONE);
        OpenAiErrors.assertErrorObject(events.get(0), "server_error", "upstream_error", null);
    }

    @Test
    void saiFailuresArePlainErrorsWithoutStreaming() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401)));

        OpenAiErrors.assertError(postJson("/v1/completions", "{\"prompt\": \"Hola\"}"), 401, "invalid_request_error", "invalid_api_key", null);
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
            "{\"model\": \"sai-model\"}                       | prompt           | missing_required_parameter",
            "{\"prompt\": 5}                                  | prompt           | invalid_type",
            "{\"prompt\": [\"a\", \"b\"]}                     | prompt           | invalid_value",
            "{\"prompt\": [1, 2, 3]}                          | prompt           | invalid_value",
            "{\"prompt\": \"a\", \"suffix\": \"}\"}           | suffix           | invalid_value",
            "{\"prompt\": \"a\", \"n\": 2}                    | n                | invalid_value",
            "{\"prompt\": \"a\", \"best_of\": 3}              | best_of          | invalid_value",
            "{\"prompt\": \"a\", \"logprobs\": 2}             | logprobs         | invalid_value",
            "{\"prompt\": \"a\", \"echo\": \"yes\"}           | echo             | invalid_type",
            "{\"prompt\": \"a\", \"temperature\": -1}         | temperature      | invalid_value",
            "{\"prompt\": \"a\", \"stream_options\": 1}       | stream_options   | invalid_type",
            "{\"prompt\": \"a\", \"max_tokens\": 1.5}         | max_tokens       | invalid_type",
            "{\"prompt\": \"a\", \"model\": \"sai-model\\u0000\"} | model        | invalid_value",
    })
    void whatSaiCannotHonourIsRefused(String body, String param, String code) {
        JsonNode error = OpenAiErrors.assertError(postJson("/v1/completions", body), 400, "invalid_request_error", code, param);
        assertThat(error.path("message").asText()).contains(param);
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void harmlessDefaultsAreAccepted() {
        stubAnswer("ok", 1, 1, "sai-model");

        completion("/v1/completions", "{\"prompt\": \"a\", \"suffix\": \"\", \"n\": 1, \"best_of\": 1, \"logprobs\": null, \"echo\": false, \"stop\": [\"\\n\"]}");

        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void theSdkReadsItPlainAndStreamed() {
        stubAnswer("Hola desde SAI", 4, 4, "sai-model");

        Completion completion = client().completions().create(CompletionCreateParams.builder().model("sai-model").prompt("Hola").build());

        assertThat(completion.choices().get(0).text()).isEqualTo("Hola desde SAI");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(CompletionChoice.FinishReason.STOP);
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(8);

        // Streamed with the SDK's defaults: its opt-in strict validation refuses the finish_reason null that
        // OpenAI's own legacy streams send before the last piece (and so does this gateway).
        StringBuilder streamed = new StringBuilder();
        List<String> finishReasons = new ArrayList<>();
        OpenAIClient lenient = OpenAIOkHttpClient.builder().baseUrl(baseUrl() + "/v1").apiKey("sk-anything").maxRetries(0).build();
        try (StreamResponse<Completion> stream = lenient.completions()
                .createStreaming(CompletionCreateParams.builder().model("sai-model").prompt("Hola").build())) {
            stream.stream().forEach(c -> c.choices().forEach(choice -> {
                streamed.append(choice.text());
                choice._finishReason().asKnown().ifPresent(r -> finishReasons.add(r.asString()));
            }));
        } finally {
            lenient.close();
        }
        assertThat(streamed.toString()).isEqualTo("Hola desde SAI");
        assertThat(finishReasons).containsExactly("stop");
    }

    @Test
    void theUnknownUrlMessageListsEveryEndpoint() {
        JsonNode error = OpenAiErrors.assertError(postJson("/v1/embeddings", "{}"), 404, "invalid_request_error", "unknown_url", null);

        assertThat(error.path("message").asText()).contains("/v1/chat/completions").contains("/v1/responses").contains("/v1/completions")
                .contains("/v1/models").contains("/health");
    }
}
