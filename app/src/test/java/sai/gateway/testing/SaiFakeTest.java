package sai.gateway.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * Base for tests that run the real gateway (Netty, the real SAI client) against WireMock standing in
 * for SAI at the wire. Subclasses add {@code @MicronautTest} and may override {@link #extraProperties()}.
 * Every test starts with an empty fake: stub what the test needs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SaiFakeTest implements TestPropertyProvider {

    public static final String TEMPLATE_ID = "tpl-42";
    public static final String EXECUTE_PATH = "/api/templates/" + TEMPLATE_ID + "/execute";
    /** Distinctive values so a leak is easy to find in logs and bodies. */
    public static final String SYSTEM_KEY = "sys-KEY-9f8e7d6c5b4a";
    public static final String SYSTEM_COOKIE = "session=sys-COOKIE-1a2b3c4d5e";

    protected WireMockServer sai;

    @Inject
    protected EmbeddedServer server;

    protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public Map<String, String> getProperties() {
        sai = new WireMockServer(options().dynamicPort());
        sai.start();
        Map<String, String> properties = defaults();
        properties.putAll(extraProperties());
        return properties;
    }

    /** The settings every gateway of these tests starts with, pointed at this class's fake SAI. */
    private Map<String, String> defaults() {
        Map<String, String> properties = new HashMap<>();
        properties.put("sai.url", sai.baseUrl());
        properties.put("sai.template-id", TEMPLATE_ID);
        properties.put("sai.models", "sai-model,claude-sonnet-4-5-20250929");
        properties.put("sai.retry-delay", "10ms");
        properties.put("sai.max-retries", "2");
        // Off here: a class's tests share one context, so its failure cases would add up and open the breaker
        // for the tests after them. The breaker has its own tests, which turn it on.
        properties.put("sai.breaker.failures", "0");
        properties.put("secrets.sai-key", SYSTEM_KEY);
        properties.put("secrets.sai-cookie", SYSTEM_COOKIE);
        properties.put("gateway.locale", "en");
        return properties;
    }

    /** Another gateway on the same fake SAI, with the same defaults and {@code extra} on top: a second replica. The caller closes it. */
    protected EmbeddedServer replica(Map<String, String> extra) {
        Map<String, Object> properties = new HashMap<>(defaults());
        properties.putAll(extra);
        return ApplicationContext.run(EmbeddedServer.class, properties, "test");
    }

    /** Per-class settings on top of the defaults above (a value of "" clears a default). */
    protected Map<String, String> extraProperties() {
        return Map.of();
    }

    @BeforeEach
    void resetSai() {
        sai.resetAll();
    }

    @AfterAll
    void stopSai() {
        sai.stop();
    }

    protected String baseUrl() {
        return server.getURL().toString();
    }

    /** Stubs SAI's execute endpoint with a 200 answer and usage headers. */
    protected void stubAnswer(String text, int promptTokens, int completionTokens, String model) {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain; charset=utf-8")
                .withHeader("prompttokens", Integer.toString(promptTokens))
                .withHeader("completiontokens", Integer.toString(completionTokens))
                .withHeader("model", model)
                .withBody(text)));
    }

    protected MappingBuilder executeStub() {
        return WireMock.post(urlPathEqualTo(EXECUTE_PATH));
    }

    protected List<LoggedRequest> saiRequests() {
        return sai.findAll(postRequestedFor(urlPathEqualTo(EXECUTE_PATH)));
    }

    /** POSTs JSON to the gateway; {@code headers} are name/value pairs. */
    protected HttpResponse<String> postJson(String path, String json, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return send(builder.build());
    }

    protected HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return send(builder.build());
    }

    protected HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A minimal valid chat request with one user message. */
    protected static String chat(String userMessage) {
        return "{\"model\":\"sai-model\",\"messages\":[{\"role\":\"user\",\"content\":" + Json.quote(userMessage) + "}]}";
    }
}
