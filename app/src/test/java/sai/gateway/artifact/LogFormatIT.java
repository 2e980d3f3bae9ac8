package sai.gateway.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import sai.gateway.testing.GatewayProcess;
import sai.gateway.testing.Json;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code LOG_FORMAT=json} on the shipped jar: it starts, answers, and every line it writes (console and file) is one JSON object. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogFormatIT {

    private WireMockServer sai;

    @BeforeAll
    void startSai() {
        sai = new WireMockServer(options().dynamicPort());
        sai.start();
        sai.stubFor(post(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain; charset=utf-8")
                .withHeader("prompttokens", "7").withHeader("completiontokens", "2").withHeader("model", "sai-model")
                .withBody("Quito")));
    }

    @AfterAll
    void stopSai() {
        sai.stop();
    }

    @Test
    void jsonLogsAreOneObjectPerLineOnTheConsoleAndInTheFile() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl()).env("LOG_FORMAT", "json").start().awaitHealthy()) {
            HttpResponse<String> answer = gateway.http().send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"sai-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Capital of Ecuador?\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            String id = answer.headers().firstValue("x-request-id").orElseThrow();

            gateway.awaitStdout(line -> line.contains("answered"), Duration.ofSeconds(10));
            assertJsonLines(gateway.stdoutLines(), id);
            // The file appender is asynchronous: the line arrives shortly after the console's.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (gateway.logFileLines().stream().noneMatch(l -> l.contains("answered")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertJsonLines(gateway.logFileLines(), id);
        }
    }

    private static void assertJsonLines(List<String> lines, String requestId) {
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("{").endsWith("}"));
        List<JsonNode> objects = lines.stream().map(Json::parse).toList();
        assertThat(objects).allSatisfy(line -> {
            assertThat(line.path("@timestamp").asText()).isNotBlank();
            assertThat(line.path("level").asText()).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
            assertThat(line.path("logger_name").asText()).isNotBlank();
            assertThat(line.path("thread_name").asText()).isNotBlank();
            assertThat(line.has("message")).isTrue();
        });
        assertThat(objects).anySatisfy(line -> {
            assertThat(line.path("requestId").asText()).isEqualTo(requestId);
            assertThat(line.path("message").asText()).contains("[SERVER -> CLIENT] answered");
            assertThat(line.path("logger_name").asText()).isEqualTo("sai.gateway.exchange.ExchangePipeline");
        });
    }
}
