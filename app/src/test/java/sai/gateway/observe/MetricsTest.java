package sai.gateway.observe;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.PrometheusScrape;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.testing.SseEvents;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code METRICS_ENABLED=true}, {@code GET /prometheus} after a mix of traffic: each meter counts what
 * happened (route, status, credential kind, SAI latency by outcome, retries, the 429 cookie fallback, tokens,
 * gauges), and nothing a client sent (keys, message text, raw paths) becomes part of the scrape.
 */
@MicronautTest
class MetricsTest extends SaiFakeTest {

    private static final String USER_KEY = "usr-METRICS-KEY-5e7a9c1b";
    private static final String SECRET_PATH = "/v1/sk-path-SECRET-3d5f7b9a";
    private static final String USER_TEXT = "my very private question about Quito";
    private static final String CHAT = "/v1/chat/completions";

    @Override
    protected Map<String, String> extraProperties() {
        // What METRICS_ENABLED=true sets through application.yml.
        return Map.of("micronaut.metrics.enabled", "true",
                "micronaut.metrics.export.prometheus.enabled", "true",
                "endpoints.prometheus.enabled", "true");
    }

    @Test
    void scrapeCountsTheTrafficByRouteStatusAndCredentialWithoutSecrets() {
        // Counters are the context's, shared with the other tests of this class: compare with a scrape taken first.
        PrometheusScrape before = PrometheusScrape.parse(get("/prometheus").body());
        stubAnswer("Quito", 11, 5, "sai-model");
        assertThat(postJson(CHAT, chat(USER_TEXT)).statusCode()).isEqualTo(200);
        assertThat(postJson(CHAT, chat(USER_TEXT), "user_api_key", USER_KEY).statusCode()).isEqualTo(200);
        HttpResponse<String> stream = postJson(CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"" + USER_TEXT + "\"}],\"stream\":true}");
        assertThat(SseEvents.parse(stream.body()).data()).endsWith(SseEvents.DONE);
        OpenAiErrors.assertError(postJson(CHAT, "{\"messages\":[]}"), 400, "invalid_request_error", "invalid_value", "messages");
        OpenAiErrors.assertError(get(SECRET_PATH), 404, "invalid_request_error", "unknown_url", null);

        sai.resetAll();
        sai.stubFor(executeStub().withHeader("X-Api-Key", matching(".+")).willReturn(aResponse().withStatus(429)));
        sai.stubFor(executeStub().withHeader("Cookie", matching(".+")).willReturn(aResponse().withStatus(200)
                .withHeader("prompttokens", "11").withHeader("completiontokens", "5").withBody("Quito")));
        assertThat(postJson(CHAT, chat(USER_TEXT)).statusCode()).isEqualTo(200);

        sai.resetAll();
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(503)));
        OpenAiErrors.assertError(postJson(CHAT, chat(USER_TEXT)), 502, "server_error", "upstream_unavailable", null);

        HttpResponse<String> response = get("/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        PrometheusScrape after = PrometheusScrape.parse(response.body());
        Delta scrape = (name, labels) -> after.sum(name, labels) - before.sum(name, labels);

        String requests = "sai_gateway_requests_total";
        assertThat(scrape.sum(requests, "route", CHAT, "status", "200", "credential", "system key")).isEqualTo(2);
        assertThat(scrape.sum(requests, "route", CHAT, "status", "200", "credential", "user key")).isEqualTo(1);
        assertThat(scrape.sum(requests, "route", CHAT, "status", "200", "credential", "cookie fallback")).isEqualTo(1);
        assertThat(scrape.sum(requests, "route", CHAT, "status", "400", "credential", "none")).isEqualTo(1);
        assertThat(scrape.sum(requests, "route", CHAT, "status", "502", "credential", "system key")).isEqualTo(1);
        assertThat(scrape.sum(requests, "route", "NOT_FOUND", "status", "404")).isEqualTo(1);

        assertThat(scrape.sum("sai_gateway_sai_latency_seconds_count", "outcome", "200")).isEqualTo(4);
        assertThat(scrape.sum("sai_gateway_sai_latency_seconds_count", "outcome", "429")).isEqualTo(1);
        assertThat(scrape.sum("sai_gateway_sai_latency_seconds_count", "outcome", "503")).isEqualTo(3);
        assertThat(after.find("sai_gateway_sai_latency_seconds_bucket", "outcome", "200")).hasSizeGreaterThan(5)
                .anySatisfy(bucket -> assertThat(bucket.labels()).containsEntry("le", "+Inf"));
        assertThat(scrape.sum("sai_gateway_sai_retries_total")).isEqualTo(2);
        assertThat(scrape.sum("sai_gateway_sai_fallbacks_total")).isEqualTo(1);
        assertThat(scrape.sum("sai_gateway_tokens_total", "model", "sai-model", "direction", "in")).isEqualTo(44);
        assertThat(scrape.sum("sai_gateway_tokens_total", "model", "sai-model", "direction", "out")).isEqualTo(20);
        // The scrape itself is in flight while it is rendered.
        assertThat(after.sum("sai_gateway_requests_in_flight")).isGreaterThanOrEqualTo(1);
        assertThat(after.find("sai_gateway_streams_open")).hasSize(1);
        assertThat(after.find("http_server_requests_seconds_count")).isNotEmpty();

        // Every label value comes from a closed set: route templates, statuses, kinds.
        Set<String> kinds = Set.of("none", "user key", "user cookie", "system key", "system cookie", "cookie fallback");
        for (PrometheusScrape.Sample sample : after.find(requests)) {
            assertThat(sample.labels().get("credential")).isIn(kinds);
            assertThat(sample.labels().get("route")).isIn(CHAT, "NOT_FOUND", "/prometheus");
        }
        for (String secret : List.of(SYSTEM_KEY, "sys-KEY", SYSTEM_COOKIE, "sys-COOKIE", USER_KEY, "usr-METRICS", "SECRET-3d5f7b9a", "private question")) {
            assertThat(response.body()).as("the scrape must not contain %s", secret).doesNotContain(secret);
        }
    }

    @Test
    void openStreamsAndRequestsInFlightAreCountedUntilTheLastEvent() throws Exception {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withFixedDelay(1500)
                .withHeader("prompttokens", "1").withHeader("completiontokens", "1").withBody("Quito")));
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + CHAT)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}")).build();
        CompletableFuture<HttpResponse<String>> stream = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());

        // The stream's headers leave at once; SAI answers 1.5 s later.
        assertThat(gaugeBecomes("sai_gateway_streams_open", 1)).isTrue();
        assertThat(PrometheusScrape.parse(get("/prometheus").body()).sum("sai_gateway_requests_in_flight")).isEqualTo(2);

        assertThat(SseEvents.parse(stream.get(30, TimeUnit.SECONDS).body()).data()).endsWith(SseEvents.DONE);
        assertThat(gaugeBecomes("sai_gateway_streams_open", 0)).isTrue();
        assertThat(PrometheusScrape.parse(get("/prometheus").body()).sum("sai_gateway_requests_in_flight")).isEqualTo(1);
    }

    /** How much a series grew during the test. */
    private interface Delta {
        double sum(String name, String... labels);
    }

    /** Gauges move a moment after what the client sees (the last event is written, then the stream is closed): poll briefly. */
    private boolean gaugeBecomes(String gauge, double expected) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (PrometheusScrape.parse(get("/prometheus").body()).sum(gauge) == expected) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }
}
