package sai.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenApiSchemas;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.testing.SseEvents;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static sai.gateway.testing.OpenAiErrors.assertError;

/**
 * {@code SAI_ERROR_STYLE=message}, the old gateway's behaviour for chat UIs that hide HTTP errors:
 * SAI failures and an over-long conversation come back as HTTP 200 with the explanation as the
 * assistant's answer. Run with the shipped language default (Spanish), which these users read.
 */
@MicronautTest
class ErrorStyleMessageTest extends SaiFakeTest {

    /** One character over the default budget of 128,000 tokens (4 characters each). */
    private static final String OVER_BUDGET = "x".repeat(512_001);
    private static final int MAX_RETRIES = 2;

    @Override
    protected Map<String, String> extraProperties() {
        // The fixture pins English; clearing it leaves the gateway's own default.
        return Map.of("gateway.error-style", "message", "gateway.locale", "", "sai.max-retries", Integer.toString(MAX_RETRIES));
    }

    @Test
    void saiTooLongIsAnAnswerWithFinishReasonLength() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500).withBody("prompt is too long")));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hola"));

        JsonNode choice = assertMessageAnswer(response, "length");
        assertThat(choice.at("/message/content").asText())
                .startsWith("La conversación es demasiado larga para el modelo")
                .contains("Acorte el historial", "inicie una conversación nueva", "resuma");
        SaiCalls.single(saiRequests());
    }

    @Test
    void saiInternalErrorIsAnAnswerWithFinishReasonError() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500).withBody("NullPointerException at com.sai.internal.X")));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hola"));

        JsonNode choice = assertMessageAnswer(response, "error");
        assertThat(choice.at("/message/content").asText()).startsWith("SAI tuvo un error interno");
        assertThat(response.body()).doesNotContain("com.sai.internal");
        SaiCalls.single(saiRequests());
    }

    @Test
    void rejectedCredentialIsAnAnswerWithFinishReasonError() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401)));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hola"));

        JsonNode choice = assertMessageAnswer(response, "error");
        assertThat(choice.at("/message/content").asText()).contains("API Key del sistema del gateway (SAI_KEY)");
        assertThat(response.body()).doesNotContain(SYSTEM_KEY);
        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), SYSTEM_KEY);
    }

    @Test
    void unreachableSaiIsAnAnswerWithFinishReasonErrorAfterRetries() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(503)));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hola"));

        assertMessageAnswer(response, "error");
        assertThat(saiRequests()).hasSize(1 + MAX_RETRIES);
    }

    @Test
    void overBudgetIsAnAnswerWithFinishReasonLengthWithoutCallingSai() {
        stubAnswer("never", 1, 1, "sai-model");

        HttpResponse<String> response = postJson("/v1/chat/completions", chat(OVER_BUDGET));

        JsonNode choice = assertMessageAnswer(response, "length");
        assertThat(choice.at("/message/content").asText()).contains("unos 128001 tokens, el límite es 128000");
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void acceptLanguageEnglishWinsOverTheConfiguredLanguage() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401)));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hello"), "Accept-Language", "en-US,en;q=0.9");

        JsonNode choice = assertMessageAnswer(response, "error");
        assertThat(choice.at("/message/content").asText()).startsWith("SAI rejected the gateway's system API key (SAI_KEY)");
    }

    @Test
    void successIsUnchanged() {
        stubAnswer("Hola", 3, 1, "sai-model");

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hola"));

        JsonNode choice = assertMessageAnswer(response, "stop");
        assertThat(choice.at("/message/content").asText()).isEqualTo("Hola");
    }

    // ---- The client's own mistakes stay HTTP errors --------------------------------------------

    @Test
    void badInputIsStillAnHttp400InSpanishByDefault() {
        HttpResponse<String> response = postJson("/v1/chat/completions", "{\"model\": \"sai-model\"}");

        JsonNode error = assertError(response, 400, "invalid_request_error", "missing_required_parameter", "messages");
        assertThat(error.path("message").asText()).isEqualTo("Falta el parámetro obligatorio 'messages'.");
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void badInputIsInEnglishWhenTheClientAsksForIt() {
        HttpResponse<String> response = postJson("/v1/chat/completions", "{\"model\": \"sai-model\"}", "Accept-Language", "en");

        JsonNode error = assertError(response, 400, "invalid_request_error", "missing_required_parameter", "messages");
        assertThat(error.path("message").asText()).isEqualTo("Missing required parameter: 'messages'.");
    }

    @Test
    void unknownModelIsStillAnHttp404() {
        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\": \"gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": \"hola\"}]}");

        assertError(response, 404, "invalid_request_error", "model_not_found", "model");
        assertThat(saiRequests()).isEmpty();
    }

    // ---- Streaming: the explanation is streamed and the stream ends normally ---------------------

    @Test
    void streamedTooLongEndsWithLengthAndDone() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500).withBody("OpenAICompatible: context window exceeded")));

        HttpResponse<String> response = postJson("/v1/chat/completions", """
                {"stream": true, "stream_options": {"include_usage": true},
                 "messages": [{"role": "user", "content": "hola"}]}""");

        List<JsonNode> chunks = assertMessageStream(response, "length");
        assertThat(SseEvents.content(chunks)).startsWith("La conversación es demasiado larga para el modelo");
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.at("/usage/total_tokens").asInt()).isZero();
        SaiCalls.single(saiRequests());
    }

    @Test
    void streamedRejectedCredentialEndsWithErrorAndDone() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401)));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"hola\"}]}");

        List<JsonNode> chunks = assertMessageStream(response, "error");
        assertThat(SseEvents.content(chunks)).contains("(SAI_KEY)");
        SaiCalls.single(saiRequests());
    }

    @Test
    void streamedOverBudgetEndsWithLengthAndDoneWithoutCallingSai() {
        stubAnswer("never", 1, 1, "sai-model");

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"" + OVER_BUDGET + "\"}]}");

        List<JsonNode> chunks = assertMessageStream(response, "length");
        assertThat(SseEvents.content(chunks)).contains("128000");
        assertThat(saiRequests()).isEmpty();
    }

    /** A valid HTTP 200 completion with this finish reason; returns its choice. */
    private static JsonNode assertMessageAnswer(HttpResponse<String> response, String finishReason) {
        assertThat(response.statusCode()).as("status; body: %s", response.body()).isEqualTo(200);
        JsonNode completion = Json.parse(response.body());
        assertOpenAiShape("CreateChatCompletionResponse", completion);
        JsonNode choice = completion.at("/choices/0");
        assertThat(choice.path("finish_reason").asText()).isEqualTo(finishReason);
        assertThat(choice.at("/message/role").asText()).isEqualTo("assistant");
        assertThat(choice.at("/message/content").asText()).isNotBlank();
        return choice;
    }

    /** A complete HTTP 200 stream: role chunk first, the finish reason on the last choice chunk, then [DONE]. */
    private static List<JsonNode> assertMessageStream(HttpResponse<String> response, String finishReason) {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
        SseEvents events = SseEvents.parse(response.body());
        assertThat(events.data()).last().isEqualTo(SseEvents.DONE);
        List<JsonNode> chunks = events.json();
        for (JsonNode chunk : chunks) {
            assertThat(chunk.has("error")).as("an error event instead of an answer: %s", chunk).isFalse();
            assertOpenAiShape("CreateChatCompletionStreamResponse", chunk);
        }
        assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        JsonNode lastWithChoice = chunks.stream().filter(c -> c.path("choices").size() > 0).reduce((a, b) -> b).orElseThrow();
        assertThat(lastWithChoice.at("/choices/0/finish_reason").asText()).isEqualTo(finishReason);
        return chunks;
    }

    /**
     * Checks the OpenAI schema (when the spec is there). {@code finish_reason: "error"} is the old gateway's value, outside
     * OpenAI's enum on purpose (issue 2 asks for it); everything else must still match.
     */
    private static void assertOpenAiShape(String schema, JsonNode document) {
        JsonNode copy = document.deepCopy();
        for (JsonNode choice : copy.path("choices")) {
            if ("error".equals(choice.path("finish_reason").asText())) {
                ((ObjectNode) choice).put("finish_reason", "stop");
            }
        }
        OpenApiSchemas.assertValidIfSpecPresent(schema, copy.toString());
    }
}
