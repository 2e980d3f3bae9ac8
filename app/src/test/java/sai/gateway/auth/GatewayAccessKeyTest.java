package sai.gateway.auth;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GATEWAY_API_KEYS}: with keys set, the API answers only callers presenting one of them as a
 * bearer token, and a refused caller never costs a SAI call; {@code /health} stays open.
 */
@MicronautTest
class GatewayAccessKeyTest extends SaiFakeTest {

    private static final String CHAT = "/v1/chat/completions";

    // Metrics on, so that /prometheus is served and can be checked to stay open.
    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("secrets.gateway-api-keys", "k1-abc,k2-def",
                "micronaut.metrics.enabled", "true",
                "micronaut.metrics.export.prometheus.enabled", "true",
                "endpoints.prometheus.enabled", "true");
    }

    /** Every API route, as listed and with the one trailing slash Micronaut's router also serves it under. */
    static Stream<Arguments> apiRoutes() {
        String completion = "{\"prompt\":\"x\"}";
        String response = "{\"input\":\"x\"}";
        List<Arguments> routes = new ArrayList<>();
        for (String slash : List.of("", "/")) {
            for (String prefix : List.of("/v1", "")) {
                routes.add(Arguments.of("POST", prefix + "/chat/completions" + slash, chat("x")));
                routes.add(Arguments.of("POST", prefix + "/completions" + slash, completion));
                routes.add(Arguments.of("POST", prefix + "/responses" + slash, response));
                routes.add(Arguments.of("GET", prefix + "/models" + slash, null));
                routes.add(Arguments.of("GET", prefix + "/models/sai-model" + slash, null));
            }
        }
        return routes.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("apiRoutes")
    void everyApiRouteRefusesACallerWithoutAKeyWithoutCallingSai(String method, String path, String body) {
        stubAnswer("must not be reached", 1, 1, "sai-model");

        HttpResponse<String> response = method.equals("GET") ? get(path) : postJson(path, body);

        OpenAiErrors.assertError(response, 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(saiRequests()).isEmpty();
    }

    /** The other half of the test above: each of those paths is a route that answers, not a 404 the filter happens to precede. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("apiRoutes")
    void everyApiRouteAnswersACallerWithAKey(String method, String path, String body) {
        stubAnswer("hello", 3, 1, "sai-model");

        HttpResponse<String> response = method.equals("GET") ? get(path, "Authorization", "Bearer k1-abc")
                : postJson(path, body, "Authorization", "Bearer k1-abc");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"GET, /v2/models", "GET, //v1/models", "POST, //v1/chat/completions", "POST, /v1//chat/completions", "GET, /anything",
            "POST, /health/../v1/chat/completions", "POST, /simulator/../v1/chat/completions",
            "POST, /health/%2e%2e/v1/chat/completions", "GET, /health/%2e%2e/v1/models"})
    void aPathNoRouteListsIsClosedToo(String method, String path) {
        stubAnswer("must not be reached", 1, 1, "sai-model");

        HttpResponse<String> response = method.equals("GET") ? get(path) : postJson(path, chat("x"));

        assertThat(response.statusCode()).as(response.body()).isIn(401, 404);
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void noAuthorizationIsRefusedWithoutCallingSai() {
        HttpResponse<String> response = postJson(CHAT, chat("hi"));

        var error = OpenAiErrors.assertError(response, 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(error.path("message").asText()).contains("Authorization: Bearer");
        assertThat(saiRequests()).isEmpty();
    }

    @ParameterizedTest(name = "Authorization: {0}")
    @ValueSource(strings = {"Bearer k3-xyz", "Bearer k1-ab", "Bearer k1-abcd", "Bearer k1-abc,k2-def", "Basic k1-abc", "k1-abc",
            "Bearer", "Bearer ", "Token k2-def"})
    void anyOtherAuthorizationIsRefusedWithoutCallingSai(String authorization) {
        stubAnswer("must not be reached", 1, 1, "sai-model");

        HttpResponse<String> response = postJson(CHAT, chat("hi"), "Authorization", authorization);

        OpenAiErrors.assertError(response, 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(response.body()).doesNotContain("k1-abc", "k2-def");
        assertThat(saiRequests()).isEmpty();
    }

    @ParameterizedTest(name = "Authorization: {0}")
    @ValueSource(strings = {"Bearer k2-def", "Bearer k1-abc", "bearer k1-abc", "BEARER k2-def"})
    void eitherConfiguredKeyIsAcceptedAndNotForwarded(String authorization) {
        stubAnswer("hello", 3, 1, "sai-model");

        HttpResponse<String> response = postJson(CHAT, chat("hi"), "Authorization", authorization);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(Json.parse(response.body()).at("/choices/0/message/content").asText()).isEqualTo("hello");
        // The access key is for the gateway; SAI gets the system key and never the caller's Authorization.
        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), SYSTEM_KEY);
    }

    @Test
    void legacyChatPathIsProtectedToo() {
        stubAnswer("hello", 3, 1, "sai-model");

        OpenAiErrors.assertError(postJson("/chat/completions", chat("hi")), 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(saiRequests()).isEmpty();

        assertThat(postJson("/chat/completions", chat("hi"), "Authorization", "Bearer k1-abc").statusCode()).isEqualTo(200);
        assertThat(saiRequests()).hasSize(1);
    }

    @ParameterizedTest(name = "GET {0}")
    @ValueSource(strings = {"/v1/models", "/models", "/v1/models/sai-model", "/models/sai-model"})
    void modelEndpointsAreProtected(String path) {
        OpenAiErrors.assertError(get(path), 401, "invalid_request_error", "invalid_api_key", null);
        OpenAiErrors.assertError(get(path, "Authorization", "Bearer wrong"), 401, "invalid_request_error", "invalid_api_key", null);

        HttpResponse<String> allowed = get(path, "Authorization", "Bearer k2-def");
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        assertThat(allowed.body()).contains("sai-model");
    }

    @ParameterizedTest(name = "GET {0}")
    @ValueSource(strings = {"/health", "/health/", "/health/liveness", "/health/readiness", "/health/liveliness"})
    void healthStaysOpen(String path) {
        HttpResponse<String> health = get(path);

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(Json.parse(health.body()).path("status").asText()).isEqualTo("UP");
    }

    @Test
    void anUnknownHealthPathIsStillA404() {
        OpenAiErrors.assertError(get("/health/nope"), 404, "invalid_request_error", "unknown_url", null);
    }

    @Test
    void prometheusStaysOpenForTheScraper() {
        HttpResponse<String> scrape = get("/prometheus");

        assertThat(scrape.statusCode()).as(scrape.body()).isEqualTo(200);
        assertThat(scrape.body()).contains("# TYPE");
    }

    @Test
    void wrongAndMissingKeysGetDifferentAdvice() {
        String missing = Json.parse(postJson(CHAT, chat("hi")).body()).at("/error/message").asText();
        String wrong = Json.parse(postJson(CHAT, chat("hi"), "Authorization", "Bearer nope").body()).at("/error/message").asText();

        assertThat(missing).containsIgnoringCase("missing");
        assertThat(wrong).containsIgnoringCase("incorrect");
    }

    /** The default: no access keys configured, so callers need no Authorization at all. */
    @Test
    void withoutConfiguredKeysRequestsPassWithoutAuthorization() {
        stubAnswer("open answer", 2, 2, "sai-model");
        Map<String, Object> open = Map.of(
                "micronaut.server.port", -1,
                "sai.url", sai.baseUrl(),
                "sai.template-id", TEMPLATE_ID,
                "sai.models", "sai-model",
                "secrets.sai-key", SYSTEM_KEY,
                "gateway.locale", "en");
        try (EmbeddedServer openGateway = ApplicationContext.run(EmbeddedServer.class, open, "test")) {
            String base = openGateway.getURL().toString();

            HttpResponse<String> chat = send(HttpRequest.newBuilder(URI.create(base + CHAT)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(chat("hi"))).build());
            HttpResponse<String> models = send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).timeout(Duration.ofSeconds(30))
                    .GET().build());

            assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
            assertThat(Json.parse(chat.body()).at("/choices/0/message/content").asText()).isEqualTo("open answer");
            assertThat(models.statusCode()).isEqualTo(200);
            SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), SYSTEM_KEY);
        }
    }
}
