package sai.gateway.proof;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.Json;
import sai.gateway.testing.PrometheusScrape;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.testing.SseEvents;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A few thousand chat completions, plain and streamed, 64 at a time over loopback, while the SAI fake
 * answers each with a fault drawn at random (seeded): 401, 429 (with and without a working cookie
 * fallback), 500, 503, slowness, a reset connection, a dropped one, an empty 200, and no answer within
 * {@code REQUEST_TIMEOUT}. Every response must be exactly what the mapping promises for its fault (status and
 * OpenAI error code; a stream: its answer then {@code [DONE]}, or exactly one error event), every request must
 * complete, nothing may stay in flight afterwards, and the heap must come back to where it started.
 */
@MicronautTest
class FaultsUnderLoadTest extends SaiFakeTest {

    private static final int REQUESTS = 3000;
    private static final int CONCURRENCY = 64;
    private static final int WARM_UP = 200;
    private static final long SEED = 20261122L;
    private static final long HEAP_GROWTH_BOUND = 64L * 1024 * 1024;

    /** A SAI behaviour, how often it is drawn (per thousand), and what the client must then get. */
    enum Fault {
        OK(400, 200, null),
        SLOW(100, 200, null),
        UNAUTHORIZED(80, 401, "invalid_api_key"),
        RATE_LIMITED_THEN_COOKIE(80, 200, null),
        RATE_LIMITED(60, 429, "rate_limit_exceeded"),
        INTERNAL(80, 502, "upstream_error"),
        UNAVAILABLE(60, 502, "upstream_unavailable"),
        RESET(50, 502, "upstream_unavailable"),
        DROPPED(30, 502, "upstream_unavailable"),
        EMPTY(40, 502, "upstream_empty_response"),
        TIMEOUT(20, 504, "upstream_timeout");

        final int weight;
        final int status;
        final String code;

        Fault(int weight, int status, String code) {
            this.weight = weight;
            this.status = status;
            this.code = code;
        }
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        // The base fake is sized for one request at a time; under load it needs threads, and delays that do not hold one.
        sai.stop();
        sai = new WireMockServer(options().dynamicPort().containerThreads(200).jettyAcceptQueueSize(1000)
                .asynchronousResponseEnabled(true).asynchronousResponseThreads(32).disableRequestJournal());
        sai.start();
        properties.put("sai.url", sai.baseUrl());
        properties.put("sai.max-retries", "1");
        properties.put("sai.retry-delay", "5ms");
        properties.put("sai.request-timeout-seconds", "3");
        properties.put("gateway.stream-heartbeat-seconds", "1");
        properties.put("micronaut.metrics.enabled", "true");
        properties.put("micronaut.metrics.export.prometheus.enabled", "true");
        properties.put("endpoints.prometheus.enabled", "true");
        return properties;
    }

    @Test
    void everyResponseKeepsItsPromiseUnderLoad() throws Exception {
        stubFaults();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(8)).build();
        Random random = new Random(SEED);

        run(client, random, WARM_UP, new ArrayList<>());
        long heapBefore = usedHeapAfterGc();
        long started = System.nanoTime();
        List<String> problems = new CopyOnWriteArrayList<>();
        Map<Fault, AtomicInteger> drawn = run(client, random, REQUESTS, problems);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        long heapAfter = usedHeapAfterGc();

        System.out.printf("[faults under load] %d requests (half streamed), concurrency %d, %d s; faults drawn %s;"
                        + " heap used after GC %d MB before, %d MB after; %d problems%n",
                REQUESTS, CONCURRENCY, seconds, drawn, heapBefore >> 20, heapAfter >> 20, problems.size());
        assertThat(problems).as("responses that broke the mapping's promise").isEmpty();
        assertThat(drawn.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(REQUESTS);
        assertThat(drawn.keySet()).containsExactlyInAnyOrder(Fault.values());
        assertThat(nothingLeftInFlight()).as("no request or stream left open").isTrue();
        assertThat(heapAfter - heapBefore).as("heap growth over the run").isLessThan(HEAP_GROWTH_BOUND);
    }

    /** Sends {@code count} requests, {@link #CONCURRENCY} at a time; returns how often each fault was drawn. */
    private Map<Fault, AtomicInteger> run(HttpClient client, Random random, int count, List<String> problems) throws Exception {
        Map<Fault, AtomicInteger> drawn = new ConcurrentHashMap<>();
        Semaphore slots = new Semaphore(CONCURRENCY);
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Fault fault = draw(random);
            boolean stream = random.nextBoolean();
            drawn.computeIfAbsent(fault, f -> new AtomicInteger()).incrementAndGet();
            slots.acquire();
            String text = "[fault:" + fault + "] answer " + i;
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"" + text
                            + "\"}],\"stream\":" + stream + "}"))
                    .build();
            all.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, error) -> {
                        slots.release();
                        String problem = error != null ? "no response: " + error : check(fault, stream, text, response);
                        if (problem != null) {
                            problems.add(fault + (stream ? " stream: " : ": ") + problem);
                        }
                    }));
        }
        // Bounded: a connection left hanging fails here instead of stalling the build.
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).get(120, TimeUnit.SECONDS);
        return drawn;
    }

    /** Null when the response is what {@code fault} promises; otherwise what is wrong. */
    private static String check(Fault fault, boolean stream, String text, HttpResponse<String> response) {
        try {
            if (!stream) {
                if (response.statusCode() != fault.status) {
                    return "status " + response.statusCode() + ", body " + response.body();
                }
                JsonNode body = Json.parse(response.body());
                if (fault.code == null) {
                    return body.at("/choices/0/message/content").asText().equals(text) ? null : "answer " + body;
                }
                if (!body.at("/error/code").asText().equals(fault.code)) {
                    return "error " + body;
                }
                if (fault == Fault.RATE_LIMITED && !"7".equals(response.headers().firstValue("Retry-After").orElse(null))) {
                    return "Retry-After " + response.headers().firstValue("Retry-After");
                }
                return null;
            }
            if (response.statusCode() != 200) {
                return "stream status " + response.statusCode();
            }
            List<String> data = SseEvents.parse(response.body()).data();
            List<String> errors = data.stream().filter(d -> d.startsWith("{\"error\"")).toList();
            if (fault.code == null) {
                boolean answered = SseEvents.content(SseEvents.parse(response.body()).json()).equals(text);
                return answered && errors.isEmpty() && data.get(data.size() - 1).equals(SseEvents.DONE) ? null : "stream " + data;
            }
            boolean oneErrorLast = errors.size() == 1 && data.get(data.size() - 1).equals(errors.get(0));
            return oneErrorLast && Json.parse(errors.get(0)).at("/error/code").asText().equals(fault.code) ? null : "stream " + data;
        } catch (RuntimeException e) {
            return e + " on " + response.body();
        }
    }

    private void stubFaults() {
        for (Fault fault : Fault.values()) {
            String marker = "[fault:" + fault + "]";
            switch (fault) {
                case RATE_LIMITED_THEN_COOKIE -> {
                    sai.stubFor(executeStub().withRequestBody(containing(marker)).withHeader("X-Api-Key", matching(".+"))
                            .willReturn(aResponse().withStatus(429)));
                    sai.stubFor(executeStub().withRequestBody(containing(marker)).withHeader("Cookie", matching(".+"))
                            .willReturn(answer()));
                }
                default -> sai.stubFor(executeStub().withRequestBody(containing(marker)).willReturn(response(fault)));
            }
        }
    }

    private static ResponseDefinitionBuilder response(Fault fault) {
        return switch (fault) {
            case OK, RATE_LIMITED_THEN_COOKIE -> answer();
            case SLOW -> answer().withUniformRandomDelay(100, 800);
            case UNAUTHORIZED -> aResponse().withStatus(401).withBody("{\"detail\":\"invalid key\"}");
            case RATE_LIMITED -> aResponse().withStatus(429).withHeader("Retry-After", "7").withBody("Test template usage limit exceeded");
            case INTERNAL -> aResponse().withStatus(500).withBody("NullPointerException at com.sai.internal");
            case UNAVAILABLE -> aResponse().withStatus(503);
            case RESET -> aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER);
            case DROPPED -> aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.EMPTY_RESPONSE);
            case EMPTY -> aResponse().withStatus(200).withBody("");
            case TIMEOUT -> answer().withFixedDelay(4000);
        };
    }

    /** SAI's 200, echoing the marker and text it was sent, so a client reading another request's answer would show. */
    private static ResponseDefinitionBuilder answer() {
        return aResponse().withStatus(200).withHeader("prompttokens", "5").withHeader("completiontokens", "2")
                .withBody("{{jsonPath request.body '$.inputs.user'}}").withTransformers("response-template");
    }

    private static Fault draw(Random random) {
        int pick = random.nextInt(1000);
        for (Fault fault : Fault.values()) {
            pick -= fault.weight;
            if (pick < 0) {
                return fault;
            }
        }
        return Fault.OK;
    }

    private boolean nothingLeftInFlight() throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            PrometheusScrape scrape = PrometheusScrape.parse(get("/prometheus").body());
            // The scrape itself is the one request in flight.
            if (scrape.sum("sai_gateway_requests_in_flight") == 1 && scrape.sum("sai_gateway_streams_open") == 0) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
