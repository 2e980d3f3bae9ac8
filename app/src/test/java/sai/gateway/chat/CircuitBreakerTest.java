package sai.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sai.gateway.testing.LogCapture;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.PrometheusScrape;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An SAI outage at the wire: after {@code SAI_BREAKER_FAILURES} requests in a row found SAI down (here 3,
 * each after its one retry) the gateway stops calling it, answers 503 {@code upstream_unavailable} with
 * {@code Retry-After} at once (streams too, before they start), lets one request probe after
 * {@code SAI_BREAKER_OPEN}, and closes when SAI answers. SAI answering with an error, or too slowly, never
 * opens it.
 */
@MicronautTest
class CircuitBreakerTest extends SaiFakeTest {

    private static final LogCapture LOGS = LogCapture.attachToRoot();
    private static final int FAILURES = 3;
    private static final int OPEN_SECONDS = 2;
    private static final int ATTEMPTS_PER_REQUEST = 2;
    private static final String CHAT = "/v1/chat/completions";

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sai.breaker.failures", Integer.toString(FAILURES),
                "sai.breaker.open", OPEN_SECONDS + "s",
                "sai.max-retries", Integer.toString(ATTEMPTS_PER_REQUEST - 1),
                "sai.request-timeout-seconds", "1",
                "secrets.sai-cookie", "",
                "micronaut.metrics.enabled", "true",
                "micronaut.metrics.export.prometheus.enabled", "true",
                "endpoints.prometheus.enabled", "true");
    }

    /** The tests share one gateway: each starts with the breaker closed (a test may leave it open). */
    @BeforeEach
    void closed() {
        stubAnswer("up", 1, 1, "sai-model");
        assertThat(awaitNotRefused(chat("hi")).statusCode()).isEqualTo(200);
        sai.resetAll();
    }

    @Test
    void anOutageOpensItThenItRefusesAtOnceWithoutCallingSaiAndAProbeClosesIt() {
        PrometheusScrape before = scrape();
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(503)));

        for (int i = 0; i < FAILURES; i++) {
            OpenAiErrors.assertError(postJson(CHAT, chat("hi")), 502, "server_error", "upstream_unavailable", null);
        }
        assertThat(saiRequests()).hasSize(FAILURES * ATTEMPTS_PER_REQUEST);
        assertThat(LOGS.text()).contains("[SAI] circuit OPEN after 3 requests in a row found SAI down");

        HttpResponse<String> refused = postJson(CHAT, chat("hi"));
        JsonNode error = OpenAiErrors.assertError(refused, 503, "server_error", "upstream_unavailable", null);
        assertThat(error.path("message").asText()).contains("Retry in");
        assertThat(Integer.parseInt(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, OPEN_SECONDS);
        for (String stream : new String[]{CHAT + "|{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "/v1/responses|{\"stream\":true,\"input\":\"hi\"}", "/v1/completions|{\"stream\":true,\"prompt\":\"hi\"}"}) {
            String[] pathAndBody = stream.split("\\|", 2);
            HttpResponse<String> refusedStream = postJson(pathAndBody[0], pathAndBody[1]);
            OpenAiErrors.assertError(refusedStream, 503, "server_error", "upstream_unavailable", null);
            assertThat(refusedStream.headers().firstValue("Retry-After")).isPresent();
        }
        assertThat(saiRequests()).as("nothing reached SAI while open").hasSize(FAILURES * ATTEMPTS_PER_REQUEST);

        sai.resetAll();
        stubAnswer("back", 1, 1, "sai-model");
        HttpResponse<String> probe = awaitNotRefused(chat("hi"));
        assertThat(probe.statusCode()).isEqualTo(200);
        assertThat(saiRequests()).as("only the probe").hasSize(1);
        assertThat(postJson(CHAT, chat("hi")).statusCode()).isEqualTo(200);
        assertThat(saiRequests()).hasSize(2);
        assertThat(LOGS.text()).contains("[SAI] circuit HALF-OPEN: this request probes SAI", "[SAI] circuit CLOSED: SAI answered again");

        PrometheusScrape after = scrape();
        for (String state : new String[]{"open", "half_open", "closed"}) {
            String counter = "sai_gateway_sai_breaker_transitions_total";
            assertThat(after.sum(counter, "state", state) - before.sum(counter, "state", state)).as(state).isEqualTo(1);
        }
        assertThat(after.sum("sai_gateway_sai_breaker_state")).as("closed").isZero();
    }

    @Test
    void aStreamThatStartedBeforeTheOutageWasNoticedEndsWithItsErrorEvent() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(503)));

        HttpResponse<String> stream = postJson(CHAT, "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.body()).contains("upstream_unavailable").doesNotContain("[DONE]");
    }

    @Test
    void aProbeThatFindsSaiStillDownOpensItAgain() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(503)));
        for (int i = 0; i < FAILURES; i++) {
            postJson(CHAT, chat("hi"));
        }
        assertThat(postJson(CHAT, chat("hi")).statusCode()).isEqualTo(503);
        int callsWhileOpen = saiRequests().size();

        HttpResponse<String> probe = awaitNotRefused(chat("hi"));

        OpenAiErrors.assertError(probe, 502, "server_error", "upstream_unavailable", null);
        assertThat(saiRequests()).hasSize(callsWhileOpen + ATTEMPTS_PER_REQUEST);
        OpenAiErrors.assertError(postJson(CHAT, chat("hi")), 503, "server_error", "upstream_unavailable", null);
        assertThat(saiRequests()).hasSize(callsWhileOpen + ATTEMPTS_PER_REQUEST);
        assertThat(LOGS.text()).contains("[SAI] circuit OPEN again: the probe found SAI still down");
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 429, 400, 500})
    void saiAnsweringWithAnErrorNeverOpensIt(int status) {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(status).withBody("no")));

        for (int i = 0; i < FAILURES + 2; i++) {
            assertThat(postJson(CHAT, chat("hi")).statusCode()).isNotEqualTo(503).isBetween(400, 502);
        }

        sai.resetAll();
        stubAnswer("fine", 1, 1, "sai-model");
        assertThat(postJson(CHAT, chat("hi")).statusCode()).isEqualTo(200);
    }

    @Test
    void anAnswerBetweenOutagesStartsTheCountAgain() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(503)));
        for (int i = 0; i < FAILURES - 1; i++) {
            OpenAiErrors.assertError(postJson(CHAT, chat("hi")), 502, "server_error", "upstream_unavailable", null);
        }
        sai.resetAll();
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401)));
        OpenAiErrors.assertError(postJson(CHAT, chat("hi")), 401, "invalid_request_error", "invalid_api_key", null);
        sai.resetAll();
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(503)));

        for (int i = 0; i < FAILURES - 1; i++) {
            OpenAiErrors.assertError(postJson(CHAT, chat("hi")), 502, "server_error", "upstream_unavailable", null);
        }
        assertThat(saiRequests()).hasSize((FAILURES - 1) * ATTEMPTS_PER_REQUEST);
    }

    @Test
    void timeoutsNeverOpenIt() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withFixedDelay(1_500).withBody("too late")));

        for (int i = 0; i < FAILURES; i++) {
            OpenAiErrors.assertError(postJson(CHAT, chat("hi")), 504, "server_error", "upstream_timeout", null);
        }

        sai.resetAll();
        stubAnswer("fine", 1, 1, "sai-model");
        assertThat(postJson(CHAT, chat("hi")).statusCode()).isEqualTo(200);
    }

    /** Sends the request until the breaker lets it through (at most a few pauses); refused requests never reach SAI. */
    private HttpResponse<String> awaitNotRefused(String body) {
        long deadline = System.nanoTime() + Duration.ofSeconds(OPEN_SECONDS * 5L).toNanos();
        while (true) {
            HttpResponse<String> response = postJson(CHAT, body);
            if (response.statusCode() != 503 || System.nanoTime() > deadline) {
                return response;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private PrometheusScrape scrape() {
        return PrometheusScrape.parse(get("/prometheus").body());
    }
}
