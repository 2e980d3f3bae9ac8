package sai.gateway.lifecycle;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.micronaut.context.ApplicationContext;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.indicator.HealthCheckType;
import io.micronaut.runtime.graceful.GracefulShutdownConfiguration;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import sai.gateway.testing.Json;
import sai.gateway.testing.LogCapture;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.OpenApiSchemas;
import sai.gateway.testing.SaiFakeTest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a rolling update does to a replica: SIGTERM runs the JVM shutdown hook, which stops the
 * embedded server. Requests already accepted (a plain one and a stream) must still get their whole
 * answer while the replica refuses new work and reports itself not ready.
 *
 * <p>The gateway is started here rather than through {@code @MicronautTest}, because the test has to
 * stop it halfway through.
 */
class GracefulShutdownTest {

    private static final String ANSWER = "Respuesta completa tras una espera";

    /** SAI holds every answer until the test lets it go, so "in flight" never depends on timing. */
    private final CountDownLatch saiMayAnswer = new CountDownLatch(1);
    private final Semaphore saiHolding = new Semaphore(0);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final ListAppender<ILoggingEvent> drainLog = new ListAppender<>();
    private WireMockServer sai;
    private EmbeddedServer server;

    @BeforeEach
    void start() {
        drainLog.start();
        ((Logger) LoggerFactory.getLogger(ShutdownDrainLog.class)).addAppender(drainLog);
        sai = new WireMockServer(options().dynamicPort().extensions(new HoldUntilReleased()));
        sai.start();
        sai.stubFor(post(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain; charset=utf-8")
                .withHeader("prompttokens", "7")
                .withHeader("completiontokens", "5")
                .withHeader("model", "sai-model")
                .withBody(ANSWER)));
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(ShutdownDrainLog.class)).detachAppender(drainLog);
        saiMayAnswer.countDown();
        if (server != null && server.isRunning()) {
            server.stop();
        }
        sai.stop();
    }

    @Test
    void inFlightRequestsAndStreamsFinishWhileNewRequestsAreRefused() throws Exception {
        server = ApplicationContext.run(EmbeddedServer.class, gatewayProperties(Map.of()), "test");
        URI base = server.getURI();
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(base.resolve("/health/readiness")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(Json.parse(ready.body()).at("/status").asText()).isEqualTo("UP");
        // Once draining starts the port is closed, so from then on readiness is read in-process.
        HealthEndpoint health = server.getApplicationContext().getBean(HealthEndpoint.class);

        CompletableFuture<HttpResponse<String>> plain = http.sendAsync(chatRequest(base, false), HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> stream = http.sendAsync(chatRequest(base, true), HttpResponse.BodyHandlers.ofString());
        assertThat(saiHolding.tryAcquire(2, 10, TimeUnit.SECONDS)).as("both requests reached SAI").isTrue();

        // What the JVM shutdown hook does on SIGTERM (io.micronaut.runtime.Micronaut registers it).
        CompletableFuture<Void> shutdown = CompletableFuture.runAsync(server::stop);

        awaitTrue(() -> readiness(health) == HealthStatus.DOWN, "readiness to turn DOWN");
        assertRefused(base);
        assertThat(shutdown).as("shutdown waits for the answers in flight").isNotDone();

        saiMayAnswer.countDown();

        HttpResponse<String> plainResponse = plain.get(30, TimeUnit.SECONDS);
        assertThat(plainResponse.statusCode()).isEqualTo(200);
        OpenApiSchemas.assertValidIfSpecPresent("CreateChatCompletionResponse", plainResponse.body());
        assertThat(Json.parse(plainResponse.body()).at("/choices/0/message/content").asText()).isEqualTo(ANSWER);

        HttpResponse<String> streamResponse = stream.get(30, TimeUnit.SECONDS);
        assertThat(streamResponse.statusCode()).isEqualTo(200);
        List<String> events = dataEvents(streamResponse.body());
        assertThat(events).last().isEqualTo("[DONE]");
        StringBuilder content = new StringBuilder();
        for (String event : events.subList(0, events.size() - 1)) {
            OpenApiSchemas.assertValidIfSpecPresent("CreateChatCompletionStreamResponse", event);
            JsonNode delta = Json.parse(event).at("/choices/0/delta/content");
            if (!delta.isMissingNode() && !delta.isNull()) {
                content.append(delta.asText());
            }
        }
        assertThat(content.toString()).isEqualTo(ANSWER);

        shutdown.get(30, TimeUnit.SECONDS);
        assertThat(server.isRunning()).isFalse();
        assertThat(sai.findAll(postRequestedFor(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)))).hasSize(2);
        assertThat(drainLog.list).extracting(ILoggingEvent::getFormattedMessage).satisfiesExactly(
                started -> assertThat(started).startsWith("[SHUTDOWN] draining").contains("up to 30s"),
                drained -> assertThat(drained).startsWith("[SHUTDOWN] drained in"));
    }

    @Test
    void whenTheGracePeriodRunsOutEveryOpenRequestIsAnsweredAndShutdownEnds() throws Exception {
        server = ApplicationContext.run(EmbeddedServer.class, gatewayProperties(Map.of("SHUTDOWN_GRACE_SECONDS", "1")), "test");
        LogCapture log = LogCapture.attachToRoot();
        try {
            CompletableFuture<HttpResponse<String>> plain = http.sendAsync(chatRequest(server.getURI(), false), HttpResponse.BodyHandlers.ofString());
            CompletableFuture<HttpResponse<String>> stream = http.sendAsync(chatRequest(server.getURI(), true), HttpResponse.BodyHandlers.ofString());
            assertThat(saiHolding.tryAcquire(2, 10, TimeUnit.SECONDS)).as("both requests reached SAI").isTrue();

            // SAI never answers while the gateway shuts down: the grace period, not the request, decides.
            CompletableFuture.runAsync(server::stop).get(30, TimeUnit.SECONDS);

            assertThat(server.isRunning()).isFalse();
            HttpResponse<String> cut = plain.get(10, TimeUnit.SECONDS);
            OpenAiErrors.assertError(cut, 503, "server_error", "gateway_shutting_down", null);
            assertThat(cut.headers().firstValue("Retry-After")).hasValue("1");
            HttpResponse<String> cutStream = stream.get(10, TimeUnit.SECONDS);
            assertThat(cutStream.statusCode()).isEqualTo(200);
            List<String> events = dataEvents(cutStream.body());
            OpenAiErrors.assertErrorObject(Json.parse(events.get(events.size() - 1)), "server_error", "gateway_shutting_down", null);
            assertThat(cutStream.body()).doesNotContain(ANSWER);
        } finally {
            log.detach();
        }
        assertThat(drainLog.list).anySatisfy(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).startsWith("[SHUTDOWN] grace period of 1s over").contains("2 request(s) still open");
        });
        assertThat(log.lines()).extracting(LogCapture.Line::message).filteredOn(m -> m.startsWith("[SHUTDOWN] cut after")).hasSize(2)
                .anySatisfy(m -> assertThat(m).contains("HTTP 503 gateway_shutting_down"))
                .anySatisfy(m -> assertThat(m).contains("a final error event gateway_shutting_down"));
    }

    @Test
    void gracePeriodComesFromShutdownGraceSeconds() {
        try (ApplicationContext context = ApplicationContext.run(gatewayProperties(Map.of("SHUTDOWN_GRACE_SECONDS", "7")), "test")) {
            assertThat(context.getBean(GracefulShutdownConfiguration.class).getGracePeriod()).isEqualTo(Duration.ofSeconds(7));
        }
    }

    private Map<String, Object> gatewayProperties(Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(Map.of(
                "sai.url", sai.baseUrl(),
                "sai.template-id", SaiFakeTest.TEMPLATE_ID,
                "sai.max-retries", "0",
                "secrets.sai-key", SaiFakeTest.SYSTEM_KEY,
                "gateway.locale", "en"));
        properties.putAll(extra);
        return properties;
    }

    /** Holds each SAI answer until {@link #saiMayAnswer} opens; a slow SAI without timing. */
    private final class HoldUntilReleased implements ResponseTransformerV2 {

        @Override
        public Response transform(Response response, ServeEvent serveEvent) {
            saiHolding.release();
            try {
                if (!saiMayAnswer.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released SAI");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return response;
        }

        @Override
        public String getName() {
            return "hold-until-released";
        }
    }

    private static HealthStatus readiness(HealthEndpoint health) {
        return Mono.from(health.getHealth(null, HealthCheckType.READINESS)).block(Duration.ofSeconds(5)).getStatus();
    }

    /**
     * Depending on how far the listener's close has got, a new connection is refused outright or
     * accepted and closed unanswered; either way the request is not served (SAI's call count shows it).
     */
    private void assertRefused(URI base) throws InterruptedException {
        HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> late = fresh.send(chatRequest(base, false), HttpResponse.BodyHandlers.ofString());
            assertThat(late.statusCode()).as("a request that arrives after shutdown began").isEqualTo(503);
        } catch (IOException refusedOrClosed) {
            // expected: ConnectException, or a connection closed before any response byte
        }
    }

    private static HttpRequest chatRequest(URI base, boolean stream) {
        String body = "{\"model\":\"sai-model\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hola\"}]}";
        return HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static List<String> dataEvents(String sse) {
        List<String> events = new ArrayList<>();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: ")) {
                events.add(line.substring("data: ".length()));
            }
        }
        return events;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
