package sai.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.OpenApiSchemas;
import sai.gateway.testing.LeavingClient;
import sai.gateway.testing.LogCapture;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.testing.SseEvents;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static sai.gateway.testing.OpenAiErrors.assertError;

/**
 * {@code stream: true}: SAI answers whole, so the gateway opens the SSE stream at once, keeps it
 * alive while SAI thinks, then sends the text as OpenAI chunks and ends the stream properly.
 */
@MicronautTest
class StreamingTest extends SaiFakeTest {

    private static final int SAI_DELAY_MS = 2500;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("gateway.stream-heartbeat-seconds", "1");
    }

    @Test
    void streamsRoleContentFinishUsageAndDone() {
        // Longer than one chunk, with a surrogate pair, so splitting is exercised.
        String text = "Hola 👋 ".repeat(200);
        stubAnswer(text, 12, 3, "claude-x");

        HttpResponse<String> response = postJson("/v1/chat/completions", streamRequest(true));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
        assertThat(response.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).hasSize(8));
        SseEvents events = SseEvents.parse(response.body());
        assertThat(events.data()).last().isEqualTo(SseEvents.DONE);
        List<JsonNode> chunks = events.chunks();

        JsonNode first = chunks.get(0);
        assertThat(first.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(first.at("/choices/0/finish_reason").isNull()).isTrue();
        assertThat(SseEvents.content(chunks)).isEqualTo(text);
        assertThat(chunks.size()).as("role, several content pieces, finish, usage").isGreaterThan(4);

        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.path("usage")).isEqualTo(Json.parse("{\"prompt_tokens\": 12, \"completion_tokens\": 3, \"total_tokens\": 15}"));
        for (JsonNode chunk : chunks) {
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.path("id").asText()).startsWith("chatcmpl-").isEqualTo(first.path("id").asText());
        }
        for (JsonNode chunk : chunks.subList(0, chunks.size() - 2)) {
            assertThat(chunk.at("/choices/0/finish_reason").isNull()).as("finish_reason before the end: %s", chunk).isTrue();
        }

        // Streaming is the gateway's business: SAI gets the very same call as without it.
        LoggedRequest call = SaiCalls.single(saiRequests());
        SaiCalls.assertApiKey(call, SYSTEM_KEY);
        SaiCalls.assertNoModelOverride(call);
        assertThat(SaiCalls.body(call).path("inputs")).isEqualTo(Json.parse("{\"system\": \"\", \"user\": \"Tell me a story\"}"));
    }

    @Test
    void withoutIncludeUsageThereIsNoUsageChunk() {
        stubAnswer("Short answer", 7, 2, "sai-model");

        HttpResponse<String> response = postJson("/v1/chat/completions", streamRequest(false));

        assertThat(response.statusCode()).isEqualTo(200);
        SseEvents events = SseEvents.parse(response.body());
        assertThat(events.data()).last().isEqualTo(SseEvents.DONE);
        List<JsonNode> chunks = events.chunks();
        assertThat(SseEvents.content(chunks)).isEqualTo("Short answer");
        assertThat(chunks.get(chunks.size() - 1).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        for (JsonNode chunk : chunks) {
            assertThat(chunk.path("choices")).hasSize(1);
            assertThat(chunk.path("usage").isMissingNode() || chunk.path("usage").isNull()).as("no usage in %s", chunk).isTrue();
        }
    }

    /**
     * A client that leaves while SAI thinks ends the exchange: SAI's answer, when it comes, is not processed for nobody
     * (it was: the stream's shared answer never cancelled the SAI call). The control request stays and gets its answer.
     */
    @Test
    void aClientThatLeavesWhileSaiIsStillThinkingEndsTheSaiCall() throws Exception {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withFixedDelay(SAI_DELAY_MS).withBody("Nobody reads this")));
        LogCapture logs = LogCapture.attachToRoot();
        try {
            LeavingClient.leaveAfterFirstHeartbeat(URI.create(baseUrl()), "/v1/chat/completions", streamRequest(true));
            Thread.sleep(SAI_DELAY_MS + 1_500);
            String afterLeaving = logs.text();

            HttpResponse<String> stayed = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(streamRequest(true))).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(saiRequests()).as("the first request did reach SAI").hasSize(2);
            assertThat(afterLeaving).as("nothing done with SAI's late answer").doesNotContain("[SERVER -> CLIENT] answered");
            assertThat(stayed.body()).contains("Nobody reads this");
            assertThat(logs.text()).as("the control").contains("[SERVER -> CLIENT] answered");
        } finally {
            logs.detach();
        }
    }

    @Test
    void roleChunkAndHeartbeatsArriveWhileSaiIsStillThinking() throws IOException, InterruptedException {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withFixedDelay(SAI_DELAY_MS)
                .withHeader("prompttokens", "4").withHeader("completiontokens", "2").withBody("Finally")));
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(streamRequest(true)))
                .build();

        HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        List<String> lines = new ArrayList<>();
        Instant firstLineArrived = null;
        try (Stream<String> body = response.body()) {
            Iterator<String> it = body.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (firstLineArrived == null) {
                    firstLineArrived = Instant.now();
                }
                lines.add(line);
            }
        }

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(lines.get(0)).startsWith("data: ").contains("\"role\":\"assistant\"");
        // SAI's answer could not leave WireMock before its delay ran out.
        Instant saiAnswerLeft = SaiCalls.single(saiRequests()).getLoggedDate().toInstant().plusMillis(SAI_DELAY_MS);
        assertThat(firstLineArrived).isBefore(saiAnswerLeft);

        int firstHeartbeat = lines.indexOf(": keep-alive");
        int firstContent = indexOfFirst(lines, "\"content\":\"Finally\"");
        assertThat(firstHeartbeat).as("a heartbeat comment in %s", lines).isPositive();
        assertThat(firstContent).isGreaterThan(firstHeartbeat);

        SseEvents events = SseEvents.parse(String.join("\n", lines));
        assertThat(events.comments()).isNotEmpty().allMatch(": keep-alive"::equals);
        assertThat(events.data()).last().isEqualTo(SseEvents.DONE);
        assertThat(SseEvents.content(events.chunks())).isEqualTo("Finally");
    }

    @ParameterizedTest
    @CsvSource({
            "401, invalid_request_error, invalid_api_key, Invalid key",
            "500, server_error, upstream_error, com.sai.internal.Boom"})
    void failureAfterTheStreamStartedIsOneErrorEventWithoutDone(int saiStatus, String type, String code, String saiBody) {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(saiStatus).withBody(saiBody)));

        HttpResponse<String> response = postJson("/v1/chat/completions", streamRequest(true));

        // The status line left with the first chunk, before SAI failed.
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain(saiBody).doesNotContain(SYSTEM_KEY);
        SseEvents events = SseEvents.parse(response.body());
        List<String> data = events.data();
        assertThat(data).hasSize(2).doesNotContain(SseEvents.DONE);
        // Named too: LangChain4j's OpenAiStreamingChatModel sees an error only as an event called error.
        assertThat(events.names()).containsExactly(null, "error");
        assertThat(response.body()).contains("\n\nevent: error\ndata: {\"error\":");
        OpenApiSchemas.assertValidIfSpecPresent("CreateChatCompletionStreamResponse", data.get(0));
        assertThat(Json.parse(data.get(0)).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        OpenApiSchemas.assertValidIfSpecPresent("ErrorResponse", data.get(1));
        OpenAiErrors.assertErrorObject(Json.parse(data.get(1)), type, code, null);
        SaiCalls.single(saiRequests());
    }

    @Test
    void rateLimitFallbackAlsoWorksWhenStreaming() {
        sai.stubFor(executeStub().withHeader("X-Api-Key", equalTo(SYSTEM_KEY))
                .willReturn(aResponse().withStatus(429).withBody("Test template usage limit exceeded")));
        sai.stubFor(executeStub().withHeader("Cookie", equalTo(SYSTEM_COOKIE))
                .willReturn(aResponse().withStatus(200).withBody("via cookie")));

        HttpResponse<String> response = postJson("/v1/chat/completions", streamRequest(false));

        SseEvents events = SseEvents.parse(response.body());
        assertThat(SseEvents.content(events.chunks())).isEqualTo("via cookie");
        assertThat(events.data()).last().isEqualTo(SseEvents.DONE);
        List<LoggedRequest> calls = saiRequests();
        assertThat(calls).hasSize(2);
        SaiCalls.assertCookie(calls.get(1), SYSTEM_COOKIE);
    }

    @Test
    void requestsRefusedBeforeSaiGetAPlainHttpErrorEvenWhenStreaming() {
        stubAnswer("never", 1, 1, "sai-model");

        HttpResponse<String> unknownModel = postJson("/v1/chat/completions",
                "{\"model\": \"gpt-4o\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
        HttpResponse<String> tooLong = postJson("/v1/chat/completions",
                "{\"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"" + "x".repeat(512_001) + "\"}]}");

        assertError(unknownModel, 404, "invalid_request_error", "model_not_found", "model");
        assertError(tooLong, 400, "invalid_request_error", "context_length_exceeded", "messages");
        assertThat(saiRequests()).isEmpty();
    }

    private static String streamRequest(boolean includeUsage) {
        return """
                {"model": "sai-model", "stream": true, %s
                 "messages": [{"role": "user", "content": "Tell me a story"}]}"""
                .formatted(includeUsage ? "\"stream_options\": {\"include_usage\": true}," : "");
    }

    private static int indexOfFirst(List<String> lines, String fragment) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i;
            }
        }
        return -1;
    }
}
