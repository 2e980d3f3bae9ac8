package sai.gateway.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.OpenApiSchemas;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.testing.SseEvents;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every JSON shape the gateway writes, validated against the official OpenAI spec with raw HTTP, so
 * a field an SDK needs cannot go missing unnoticed: completions, every streamed chunk, model lists,
 * and the error body of every failure, the framework's own (404, 405, 413, 415) included. Without the
 * spec (a plain clone) the tests that validate here themselves skip; the error tests still check status,
 * type, code and param through {@link OpenAiErrors}, which validates only when the spec is there.
 */
@MicronautTest
class WireShapeTest extends SaiFakeTest {

    /** Exactly one {@code x-request-id}, of the 8 characters that also tag the request's log lines. */
    static String assertRequestId(HttpResponse<String> response) {
        List<String> ids = response.headers().allValues("x-request-id");
        assertThat(ids).as("x-request-id of %s %s", response.request().method(), response.uri()).hasSize(1);
        assertThat(ids.get(0)).matches("[0-9A-Za-z]{8}");
        return ids.get(0);
    }

    @Test
    void completionMatchesTheSpec() {
        stubAnswer("Hola, {\"parece\": \"JSON\"} pero es texto", 12, 3, "claude-sonnet-4-5-20250929");

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("Hola"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        OpenApiSchemas.assertValid("CreateChatCompletionResponse", response.body());
        JsonNode body = Json.parse(response.body());
        assertThat(body.at("/object").asText()).isEqualTo("chat.completion");
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Hola, {\"parece\": \"JSON\"} pero es texto");
        assertRequestId(response);
    }

    @Test
    void completionOnTheOldGatewayPathMatchesTheSpec() {
        stubAnswer("ok", 1, 1, "sai-model");

        HttpResponse<String> response = postJson("/chat/completions", chat("Hola"));

        assertThat(response.statusCode()).isEqualTo(200);
        OpenApiSchemas.assertValid("CreateChatCompletionResponse", response.body());
    }

    @ParameterizedTest(name = "include_usage={0}")
    @ValueSource(booleans = {false, true})
    void everyStreamedChunkMatchesTheSpec(boolean includeUsage) {
        OpenApiSchemas.assumeSpec(); // the point here is chunks()' check of every chunk, which needs the spec
        String text = "Primera parte. ".repeat(80); // over one chunk's worth, so several content chunks
        stubAnswer(text, 30, 200, "sai-model");
        String request = "{\"model\":\"sai-model\",\"stream\":true,\"stream_options\":{\"include_usage\":" + includeUsage + "},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hola\"}]}";

        HttpResponse<String> response = postJson("/v1/chat/completions", request);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
        assertRequestId(response);
        SseEvents events = SseEvents.parse(response.body());
        assertThat(events.data()).last().isEqualTo(SseEvents.DONE);
        assertThat(events.data()).filteredOn(SseEvents.DONE::equals).hasSize(1);
        List<JsonNode> chunks = events.chunks(); // each one validated against CreateChatCompletionStreamResponse
        assertThat(chunks).extracting(c -> c.get("id").asText()).containsOnly(chunks.get(0).get("id").asText());

        JsonNode role = chunks.get(0);
        assertThat(role.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(role.at("/choices/0/finish_reason").isNull()).isTrue();

        List<JsonNode> withChoices = chunks.stream().filter(c -> c.get("choices").size() > 0).toList();
        JsonNode finish = withChoices.get(withChoices.size() - 1);
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(SseEvents.content(chunks)).isEqualTo(text);
        assertThat(withChoices.size()).isGreaterThan(3); // role, several pieces, finish

        JsonNode last = chunks.get(chunks.size() - 1);
        if (includeUsage) {
            assertThat(last.get("choices")).isEmpty();
            assertThat(last.at("/usage/prompt_tokens").asInt()).isEqualTo(30);
            assertThat(last.at("/usage/completion_tokens").asInt()).isEqualTo(200);
            assertThat(last.at("/usage/total_tokens").asInt()).isEqualTo(230);
            assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.path("usage").isMissingNode() || c.get("usage").isNull()).isTrue());
        } else {
            assertThat(last).isSameAs(finish);
            assertThat(chunks).allSatisfy(c -> assertThat(c.path("usage").isMissingNode() || c.get("usage").isNull()).isTrue());
        }
    }

    @Test
    void failureAfterTheStreamStartedIsOneErrorEventInTheSpecShape() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401)));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"sai-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hola\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertRequestId(response);
        List<String> events = SseEvents.parse(response.body()).data();
        assertThat(events).hasSize(2);
        OpenApiSchemas.assertValid("CreateChatCompletionStreamResponse", events.get(0));
        OpenApiSchemas.assertValid("ErrorResponse", events.get(1));
        assertThat(Json.parse(events.get(1)).at("/error/code").asText()).isEqualTo("invalid_api_key");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/models", "/models"})
    void modelListMatchesTheSpec(String path) {
        HttpResponse<String> response = get(path);

        assertThat(response.statusCode()).isEqualTo(200);
        OpenApiSchemas.assertValid("ListModelsResponse", response.body());
        assertThat(Json.parse(response.body()).findValuesAsText("id")).containsExactly("sai-model", "claude-sonnet-4-5-20250929");
        assertRequestId(response);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/models/sai-model", "/models/sai-model", "/v1/models/claude-sonnet-4-5-20250929"})
    void oneModelMatchesTheSpec(String path) {
        HttpResponse<String> response = get(path);

        assertThat(response.statusCode()).isEqualTo(200);
        OpenApiSchemas.assertValid("Model", response.body());
        assertThat(path).endsWith("/" + Json.parse(response.body()).get("id").asText());
    }

    @Test
    void malformedJsonIsA400InTheSpecShape() {
        OpenAiErrors.assertError(postJson("/v1/chat/completions", "{\"model\": \"sai-model\", \"messages\": ["),
                400, "invalid_request_error", "invalid_json", null);
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void invalidRequestIsA400InTheSpecShape() {
        OpenAiErrors.assertError(postJson("/v1/chat/completions", "{\"model\":\"sai-model\",\"messages\":[]}"),
                400, "invalid_request_error", "invalid_value", "messages");
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void saiUnauthorizedIsA401InTheSpecShape() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401)));

        OpenAiErrors.assertError(postJson("/v1/chat/completions", chat("Hola")), 401, "invalid_request_error", "invalid_api_key", null);
    }

    @Test
    void unknownModelIsA404InTheSpecShape() {
        JsonNode error = OpenAiErrors.assertError(postJson("/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hola\"}]}"),
                404, "invalid_request_error", "model_not_found", "model");
        assertThat(error.get("message").asText()).contains("gpt-4o").contains("sai-model");
        OpenAiErrors.assertError(get("/v1/models/gpt-4o"), 404, "invalid_request_error", "model_not_found", "model");
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void unknownUrlIsA404InTheSpecShape() {
        OpenAiErrors.assertError(get("/v1/nope"), 404, "invalid_request_error", "unknown_url", null);
        OpenAiErrors.assertError(postJson("/v1/embeddings", chat("Hola")), 404, "invalid_request_error", "unknown_url", null);
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void wrongMethodIsA405InTheSpecShape() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/models"))
                .timeout(Duration.ofSeconds(30)).DELETE().build());

        OpenAiErrors.assertError(response, 405, "invalid_request_error", "method_not_allowed", null);
        OpenAiErrors.assertError(get("/v1/chat/completions"), 405, "invalid_request_error", "method_not_allowed", null);
    }

    @Test
    void wrongContentTypeIsA415InTheSpecShape() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(chat("Hola")))
                .build());

        OpenAiErrors.assertError(response, 415, "invalid_request_error", "unsupported_media_type", null);
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void rateLimitIsA429InTheSpecShapeWithRetryAfter() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30").withBody("Too Many Requests")));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("Hola"));

        OpenAiErrors.assertError(response, 429, "requests", "rate_limit_exceeded", null);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("30");
    }

    @Test
    void saiInternalErrorIsA502InTheSpecShape() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500).withBody("stack trace with internals")));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("Hola"));

        OpenAiErrors.assertError(response, 502, "server_error", "upstream_error", null);
        assertThat(response.body()).doesNotContain("internals");
    }

    @Test
    void emptySaiAnswerIsA502InTheSpecShape() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withBody("")));

        OpenAiErrors.assertError(postJson("/v1/chat/completions", chat("Hola")),
                502, "server_error", "upstream_empty_response", null);
    }

    @Test
    void requestIdsDifferBetweenRequests() {
        String first = assertRequestId(get("/v1/models"));
        String second = assertRequestId(get("/v1/models"));

        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void healthIsUp() {
        HttpResponse<String> response = get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.parse(response.body()).get("status").asText()).isEqualTo("UP");
        assertRequestId(response);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/health/liveness", "/health/readiness"})
    void probesAreUp(String path) {
        HttpResponse<String> response = get(path);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.parse(response.body()).get("status").asText()).isEqualTo("UP");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/env", "/beans", "/loggers", "/metrics", "/info", "/routes", "/threaddump", "/refresh", "/caches"})
    void otherManagementEndpointsAreNotReachable(String path) {
        OpenAiErrors.assertError(get(path), 404, "invalid_request_error", "unknown_url", null);
    }

    @Test
    void managementStopIsNotReachable() {
        OpenAiErrors.assertError(postJson("/stop", "{}"), 404, "invalid_request_error", "unknown_url", null);
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }
}

/** Small limits, so the body-size and SAI-time limits are reached quickly. */
@MicronautTest
class WireShapeLimitsTest extends SaiFakeTest {

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("micronaut.server.max-request-size", "2048", "sai.request-timeout-seconds", "1");
    }

    @Test
    void oversizeBodyIsA413InTheSpecShape() {
        JsonNode error = OpenAiErrors.assertError(postJson("/v1/chat/completions", chat("x".repeat(4_000))),
                413, "invalid_request_error", "request_too_large", null);
        assertThat(error.get("message").asText()).contains("2048");
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void oversizeChunkedBodyIsA413InTheSpecShape() {
        // Without Content-Length the size is only known while reading: the limit must still hold.
        byte[] body = chat("x".repeat(4_000)).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build());

        OpenAiErrors.assertError(response, 413, "invalid_request_error", "request_too_large", null);
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void bodyUnderTheLimitIsServed() {
        stubAnswer("ok", 1, 1, "sai-model");

        assertThat(postJson("/v1/chat/completions", chat("x".repeat(1_000))).statusCode()).isEqualTo(200);
    }

    @Test
    void saiSlowerThanTheBudgetIsA504InTheSpecShape() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withBody("too late").withFixedDelay(4_000)));

        OpenAiErrors.assertError(postJson("/v1/chat/completions", chat("Hola")), 504, "server_error", "upstream_timeout", null);
    }

    @Test
    void saiSlowerThanTheBudgetInAStreamIsAnErrorEventInTheSpecShape() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withBody("too late").withFixedDelay(4_000)));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"sai-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hola\"}]}");

        List<String> events = SseEvents.parse(response.body()).data();
        assertThat(events).hasSize(2);
        OpenApiSchemas.assertValid("CreateChatCompletionStreamResponse", events.get(0));
        OpenApiSchemas.assertValid("ErrorResponse", events.get(1));
        assertThat(Json.parse(events.get(1)).at("/error/code").asText()).isEqualTo("upstream_timeout");
    }
}

/** Gateway access keys on: the API is closed, health and probes stay open. */
@MicronautTest
class WireShapeAccessKeyTest extends SaiFakeTest {

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("secrets.gateway-api-keys", "gw-test-key-1,gw-test-key-2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/health", "/health/liveness", "/health/readiness", "/health/liveliness"})
    void healthNeedsNoAccessKey(String path) {
        HttpResponse<String> response = get(path);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.parse(response.body()).get("status").asText()).isEqualTo("UP");
        WireShapeTest.assertRequestId(response);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/models", "/models", "/v1/models/sai-model"})
    void apiWithoutAccessKeyIsA401InTheSpecShape(String path) {
        OpenAiErrors.assertError(get(path), 401, "invalid_request_error", "invalid_api_key", null);
        OpenAiErrors.assertError(get(path, "Authorization", "Bearer gw-test-key-9"), 401, "invalid_request_error", "invalid_api_key", null);
    }

    @Test
    void chatWithoutAccessKeyIsA401InTheSpecShapeAndSaiIsNeverCalled() {
        stubAnswer("ok", 1, 1, "sai-model");

        OpenAiErrors.assertError(postJson("/v1/chat/completions", chat("Hola")), 401, "invalid_request_error", "invalid_api_key", null);
        OpenAiErrors.assertError(postJson("/chat/completions", chat("Hola")), 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void apiWithAnAccessKeyAnswersInTheSpecShape() {
        HttpResponse<String> response = get("/v1/models", "Authorization", "Bearer gw-test-key-1");

        assertThat(response.statusCode()).isEqualTo(200);
        OpenApiSchemas.assertValid("ListModelsResponse", response.body());
    }
}
