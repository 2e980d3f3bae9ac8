package sai.gateway.cache;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.observe.ExchangeFilter;
import sai.gateway.testing.Json;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.testing.SseEvents;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SAI can take minutes, and clients retry after their own timeout: an identical request that arrives while SAI is still
 * working on the first joins that call instead of starting another, and a client that gives up does not take the answer
 * with it: it is kept for the retry.
 */
@MicronautTest
class CacheInFlightTest extends SaiFakeTest {

    private static final int SAI_DELAY_MS = 1_500;
    /** A client that gives up while SAI works: long enough for its request to reach SAI on a busy machine, well before SAI answers. */
    private static final int IMPATIENT_MS = 800;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("cache.ttl", "10m", "gateway.stream-heartbeat-seconds", "1");
    }

    private void slowAnswer(String text) {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withFixedDelay(SAI_DELAY_MS)
                .withHeader("prompttokens", "8").withHeader("completiontokens", "4").withBody(text)));
    }

    @Test
    void identicalRequestsWhileSaiWorksShareItsOneCall() throws Exception {
        slowAnswer("worth the wait");
        String body = chat("asked three times at once");

        CompletableFuture<HttpResponse<String>> first = async(body, Duration.ofSeconds(30));
        awaitSaiCalls(1);
        CompletableFuture<HttpResponse<String>> second = async(body, Duration.ofSeconds(30));
        CompletableFuture<HttpResponse<String>> streamed = async(body.replace("{\"model\"", "{\"stream\":true,\"model\""), Duration.ofSeconds(30));

        assertThat(cache(first.get(30, TimeUnit.SECONDS))).isEqualTo("MISS");
        HttpResponse<String> joined = second.get(30, TimeUnit.SECONDS);
        assertThat(cache(joined)).isEqualTo("HIT");
        assertThat(Json.parse(joined.body()).at("/choices/0/message/content").asText()).isEqualTo("worth the wait");
        // Its wait was for SAI (the call it joined), not the gateway's own time.
        assertThat(Double.parseDouble(joined.headers().firstValue(ExchangeFilter.OVERHEAD_HEADER).orElseThrow())).isBetween(0.0, 500.0);
        HttpResponse<String> joinedStream = streamed.get(30, TimeUnit.SECONDS);
        assertThat(cache(joinedStream)).isEqualTo("HIT");
        assertThat(SseEvents.content(SseEvents.parse(joinedStream.body()).chunks())).isEqualTo("worth the wait");
        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void aJoinedStreamGetsHeartbeatsWhileItWaits() throws Exception {
        slowAnswer("streamed after a wait");
        String body = chat("a stream joins a plain request");

        CompletableFuture<HttpResponse<String>> first = async(body, Duration.ofSeconds(30));
        awaitSaiCalls(1);
        HttpResponse<String> joined = async(body.replace("{\"model\"", "{\"stream\":true,\"model\""), Duration.ofSeconds(30))
                .get(30, TimeUnit.SECONDS);

        assertThat(cache(first.get(30, TimeUnit.SECONDS))).isEqualTo("MISS");
        assertThat(cache(joined)).isEqualTo("HIT");
        SseEvents events = SseEvents.parse(joined.body());
        assertThat(events.comments()).as("keep-alive comments while SAI works for the request it joined").isNotEmpty();
        assertThat(SseEvents.content(events.chunks())).isEqualTo("streamed after a wait");
        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void aClientThatGivesUpLeavesTheAnswerForItsRetry() throws Exception {
        slowAnswer("kept for the retry");
        String body = chat("my client times out");

        CompletableFuture<HttpResponse<String>> impatient = async(body, Duration.ofMillis(IMPATIENT_MS));
        assertThatThrownBy(() -> impatient.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(HttpTimeoutException.class);
        // The retry arrives while SAI still works: it joins the call the first client left.
        HttpResponse<String> retry = async(body, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
        // And one after SAI answered finds the answer kept.
        HttpResponse<String> later = async(body, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);

        assertThat(cache(retry)).isEqualTo("HIT");
        assertThat(Json.parse(retry.body()).at("/choices/0/message/content").asText()).isEqualTo("kept for the retry");
        assertThat(cache(later)).isEqualTo("HIT");
        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void aClientThatGivesUpBeforeSaiAnswersStillLeavesTheAnswerKept() throws Exception {
        slowAnswer("kept after the client left");
        String body = chat("nobody waits for me");

        CompletableFuture<HttpResponse<String>> impatient = async(body, Duration.ofMillis(IMPATIENT_MS));
        assertThatThrownBy(() -> impatient.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(HttpTimeoutException.class);
        Thread.sleep(SAI_DELAY_MS + 500);
        HttpResponse<String> retry = async(body, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);

        assertThat(cache(retry)).isEqualTo("HIT");
        assertThat(retry.body()).contains("kept after the client left");
        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void aNoCacheRefreshIsNotOverwrittenByTheOlderCallItOvertook() throws Exception {
        String body = chat("which answer stays?");
        // The first call to SAI is slow and old, the second quick and new.
        sai.stubFor(executeStub().inScenario("refresh").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withFixedDelay(SAI_DELAY_MS).withBody("old answer")).willSetStateTo("second"));
        sai.stubFor(executeStub().inScenario("refresh").whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(200).withBody("new answer")));

        CompletableFuture<HttpResponse<String>> older = async(body, Duration.ofSeconds(30));
        awaitSaiCalls(1);
        HttpResponse<String> refreshed = async(body, Duration.ofSeconds(30), "Cache-Control", "no-cache").get(30, TimeUnit.SECONDS);
        assertThat(older.get(30, TimeUnit.SECONDS).body()).contains("old answer");
        HttpResponse<String> after = async(body, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);

        assertThat(refreshed.body()).contains("new answer");
        assertThat(cache(after)).isEqualTo("HIT");
        assertThat(Json.parse(after.body()).at("/choices/0/message/content").asText()).isEqualTo("new answer");
        assertThat(saiRequests()).hasSize(2);
    }

    @Test
    void noStoreNeitherJoinsNorIsJoined() throws Exception {
        slowAnswer("each its own");
        String body = chat("private question");

        CompletableFuture<HttpResponse<String>> unkept = async(body, Duration.ofSeconds(30), "Cache-Control", "no-store");
        awaitSaiCalls(1);
        CompletableFuture<HttpResponse<String>> plain = async(body, Duration.ofSeconds(30));
        awaitSaiCalls(2);
        CompletableFuture<HttpResponse<String>> alsoUnkept = async(body, Duration.ofSeconds(30), "Cache-Control", "no-store");

        assertThat(List.of(cache(unkept.get(30, TimeUnit.SECONDS)), cache(plain.get(30, TimeUnit.SECONDS)),
                cache(alsoUnkept.get(30, TimeUnit.SECONDS)))).containsExactly("MISS", "MISS", "MISS");
        assertThat(saiRequests()).hasSize(3);
    }

    @Test
    void aJoinedCallThatFailsFailsItsJoinersAndKeepsNothing() throws Exception {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500).withFixedDelay(SAI_DELAY_MS).withBody("boom")));
        String body = chat("doomed question");

        CompletableFuture<HttpResponse<String>> first = async(body, Duration.ofSeconds(30));
        awaitSaiCalls(1);
        CompletableFuture<HttpResponse<String>> joined = async(body, Duration.ofSeconds(30));
        HttpResponse<String> failedJoiner = joined.get(30, TimeUnit.SECONDS);
        assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isGreaterThanOrEqualTo(500);
        int callsForBoth = saiRequests().size();

        assertThat(failedJoiner.statusCode()).isGreaterThanOrEqualTo(500);
        assertThat(Json.parse(failedJoiner.body()).path("error").path("code").asText()).isNotEmpty();
        assertThat(cache(failedJoiner)).isEqualTo("MISS");
        sai.resetAll();
        stubAnswer("recovered", 1, 1, "sai-model");
        HttpResponse<String> after = async(body, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
        assertThat(cache(after)).isEqualTo("MISS");
        assertThat(after.body()).contains("recovered");
        assertThat(callsForBoth).as("the joiner made no call of its own: one request, its retries included").isLessThanOrEqualTo(3);
    }

    private CompletableFuture<HttpResponse<String>> async(String body, Duration timeout, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitSaiCalls(int calls) throws InterruptedException {
        for (int i = 0; i < 1_000 && saiRequests().size() < calls; i++) {
            Thread.sleep(10);
        }
        assertThat(saiRequests()).hasSize(calls);
    }

    private static String cache(HttpResponse<String> response) {
        return response.headers().firstValue(ExchangeFilter.CACHE_HEADER).orElse("(none)");
    }
}
