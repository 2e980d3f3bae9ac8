package sai.gateway.artifact;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.GatewayProcess;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.testing.SseEvents;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM to the shipped jar while SAI is still answering, as {@code docker stop} or a Swarm rolling update
 * sends it: what the log shows (console and file) and what the clients in flight receive, whether their
 * answers arrive within {@code SHUTDOWN_GRACE_SECONDS} or not.
 */
class ShutdownIT {

    private static final String ANSWER = "Respuesta lenta pero completa";

    private WireMockServer sai;

    @BeforeEach
    void startSai() {
        sai = new WireMockServer(options().dynamicPort());
        sai.start();
    }

    @AfterEach
    void stopSai() {
        sai.stop();
    }

    @Test
    void inFlightAnswersFinishAndTheWholeDrainIsLogged() throws Exception {
        slowSai(Duration.ofSeconds(3));
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl()).env("MAX_RETRIES", "0").start().awaitHealthy()) {
            CompletableFuture<HttpResponse<String>> plain = send(gateway, false);
            CompletableFuture<HttpResponse<String>> stream = send(gateway, true);
            awaitBothAtSai(gateway);

            gateway.terminate();

            HttpResponse<String> plainAnswer = plain.get(30, TimeUnit.SECONDS);
            assertThat(plainAnswer.statusCode()).as(plainAnswer.body()).isEqualTo(200);
            assertThat(Json.parse(plainAnswer.body()).at("/choices/0/message/content").asText()).isEqualTo(ANSWER);
            HttpResponse<String> streamAnswer = stream.get(30, TimeUnit.SECONDS);
            assertThat(SseEvents.content(SseEvents.parse(streamAnswer.body()).json())).isEqualTo(ANSWER);
            assertThat(gateway.awaitExit(Duration.ofSeconds(30))).as(gateway.output()).isEqualTo(143);

            for (List<String> log : List.of(gateway.stdoutLines(), gateway.logFileLines())) {
                assertThat(String.join("\n", log)).as(gateway.output())
                        .containsSubsequence("[SHUTDOWN] draining", "[SERVER -> CLIENT] answered", "[SERVER -> CLIENT] answered",
                                "[SHUTDOWN] drained in");
            }
        }
    }

    @Test
    void whenTheGracePeriodRunsOutEveryClientInFlightGetsAnAnswerAndEachCutIsLogged() throws Exception {
        slowSai(Duration.ofSeconds(60));
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl())
                .env("MAX_RETRIES", "0").env("SHUTDOWN_GRACE_SECONDS", "1").start().awaitHealthy()) {
            CompletableFuture<HttpResponse<String>> plain = send(gateway, false);
            CompletableFuture<HttpResponse<String>> stream = send(gateway, true);
            awaitBothAtSai(gateway);

            gateway.terminate();

            HttpResponse<String> cut = plain.get(30, TimeUnit.SECONDS);
            OpenAiErrors.assertError(cut, 503, "server_error", "gateway_shutting_down", null);
            assertThat(cut.headers().firstValue("Retry-After")).hasValue("1");
            HttpResponse<String> cutStream = stream.get(30, TimeUnit.SECONDS);
            List<String> events = SseEvents.parse(cutStream.body()).data();
            OpenAiErrors.assertErrorObject(Json.parse(events.get(events.size() - 1)), "server_error", "gateway_shutting_down", null);
            assertThat(gateway.awaitExit(Duration.ofSeconds(30))).as(gateway.output()).isEqualTo(143);

            for (List<String> log : List.of(gateway.stdoutLines(), gateway.logFileLines())) {
                String text = String.join("\n", log);
                assertThat(text).as(gateway.output()).contains("[SHUTDOWN] grace period of 1s over", "2 request(s) still open",
                        "HTTP 503 gateway_shutting_down", "a final error event gateway_shutting_down", "[SHUTDOWN] cut requests answered");
                assertThat(log).filteredOn(l -> l.contains("[SHUTDOWN] cut after")).hasSize(2);
            }
        }
    }

    private void slowSai(Duration delay) {
        sai.stubFor(post(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain; charset=utf-8")
                .withHeader("prompttokens", "7").withHeader("completiontokens", "5").withHeader("model", "sai-model")
                .withFixedDelay((int) delay.toMillis())
                .withBody(ANSWER)));
    }

    /** The gateway's own log says when a request has gone to SAI; only then is it in flight for sure. */
    private static void awaitBothAtSai(GatewayProcess gateway) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (gateway.stdoutLines().stream().filter(l -> l.contains("[SERVER -> SAI]")).count() < 2) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the requests never reached SAI\n" + gateway.output());
            }
            Thread.sleep(20);
        }
    }

    private static CompletableFuture<HttpResponse<String>> send(GatewayProcess gateway, boolean stream) {
        String body = "{\"model\":\"sai-model\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hola\"}]}";
        return gateway.http().sendAsync(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .timeout(Duration.ofSeconds(90))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
