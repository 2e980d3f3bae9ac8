package sai.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiFakeTest;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closed by default: every route the router serves, not a hand-kept list, refuses a caller without an access key
 * before SAI is called, unless it is one of the few open paths ({@code /health}, {@code /prometheus}, {@code /simulator}). A route added later, by the gateway
 * or by a framework module (management endpoints add theirs), is covered the day it appears.
 */
@MicronautTest
class RouteAccessTest extends SaiFakeTest {

    /** Path variable values that make the concrete path one the route really serves, not a 404 behind the filter. */
    private static final Map<String, String> SAMPLES = Map.of("id", "sai-model", "selector", "liveness");
    private static final String DEFAULT_SAMPLE = "sample";

    @Inject
    Router router;

    // Metrics on, so that /prometheus is one of the routes, as in a deployment with METRICS_ENABLED.
    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("secrets.gateway-api-keys", "k1-abc,k2-def",
                "micronaut.metrics.enabled", "true",
                "micronaut.metrics.export.prometheus.enabled", "true",
                "endpoints.prometheus.enabled", "true");
    }

    private record Route(String method, String template, String path) {
        /**
         * The open paths, stated here rather than asked of {@link GatewayAccessFilter#isPublic}: a filter that opened one
         * more path would otherwise have this test skip that path instead of failing.
         */
        boolean isPublic() {
            return path.equals("/health") || path.startsWith("/health/") || path.equals("/prometheus")
                    || path.equals("/simulator") || path.startsWith("/simulator/");
        }

        @Override
        public String toString() {
            return method + " " + template + (template.equals(path) ? "" : " (as " + path + ")") + (isPublic() ? " [public]" : "");
        }
    }

    private List<Route> routes() {
        return router.uriRoutes().map(RouteAccessTest::concrete).distinct()
                .sorted((a, b) -> (a.path + a.method).compareTo(b.path + b.method)).toList();
    }

    private static Route concrete(UriRouteInfo<?, ?> route) {
        Map<String, Object> values = new HashMap<>();
        for (String variable : route.getUriMatchTemplate().getVariableNames()) {
            values.put(variable, SAMPLES.getOrDefault(variable, DEFAULT_SAMPLE));
        }
        String path = route.getUriMatchTemplate().expand(values);
        // Guards the expansion: a path the route does not match would be refused as a 404 path, proving nothing about the route.
        assertThat(route.match(path)).as("%s %s expanded to %s", route.getHttpMethodName(), route.getUriMatchTemplate(), path).isPresent();
        return new Route(route.getHttpMethodName(), route.getUriMatchTemplate().toString(), path);
    }

    private static String table(List<Route> routes) {
        return routes.stream().map(Route::toString).collect(Collectors.joining("\n  ", "routes the router lists (" + routes.size() + "):\n  ", ""));
    }

    /** Without this, a router API that listed nothing would let both tests below pass on an empty list. */
    @Test
    void theEnumerationFindsTheKnownApiRoutes() {
        List<Route> routes = routes();
        System.out.println(table(routes));

        Set<String> listed = routes.stream().map(r -> r.method() + " " + r.template()).collect(Collectors.toSet());
        assertThat(listed).as(table(routes)).contains("POST /v1/chat/completions", "POST /v1/responses", "POST /v1/completions",
                "GET /v1/models", "GET /v1/models/{id}", "GET /health", "GET /prometheus", "POST /v1/messages",
                "POST /v1/messages/count_tokens");
        assertThat(routes.stream().filter(r -> !r.isPublic())).as(table(routes)).hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void everyRouteThatIsNotPublicRefusesACallerWithoutAKeyWithoutCallingSai() {
        stubAnswer("must not be reached", 1, 1, "sai-model");
        List<Route> routes = routes();
        List<String> failures = new ArrayList<>();

        for (Route route : routes.stream().filter(r -> !r.isPublic()).toList()) {
            HttpResponse<String> response = send(route);
            try {
                if (route.method().equals("HEAD")) {
                    // No body to check (nor its Content-Type, which Micronaut drops for HEAD): the status is what a HEAD caller gets.
                    assertThat(response.statusCode()).as("status; headers %s", response.headers().map()).isEqualTo(401);
                } else if (route.template().contains("/messages")) {
                    // The Messages API's routes answer in Anthropic's shape.
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
                    JsonNode body = Json.parse(response.body());
                    assertThat(body.path("type").asText()).as(response.body()).isEqualTo("error");
                    assertThat(body.path("error").path("type").asText()).as(response.body()).isEqualTo("authentication_error");
                } else {
                    OpenAiErrors.assertError(response, 401, "invalid_request_error", "invalid_api_key", null);
                }
                assertThat(sai.getAllServeEvents()).as("requests that reached SAI").isEmpty();
            } catch (AssertionError e) {
                failures.add(route + ": " + e.getMessage().strip());
                sai.resetRequests();
            }
        }

        assertThat(failures).as(table(routes)).isEmpty();
    }

    @Test
    void everyPublicRouteAnswersWithoutAKey() {
        List<Route> routes = routes();
        List<String> failures = new ArrayList<>();

        for (Route route : routes.stream().filter(Route::isPublic).toList()) {
            HttpResponse<String> response = send(route);
            // 2xx, not just "not 401": a public path that answered 404 or 503 would not show it is open.
            if (response.statusCode() / 100 != 2) {
                failures.add(route + ": " + response.statusCode() + " " + response.body());
            }
        }

        assertThat(routes).as(table(routes)).anyMatch(Route::isPublic);
        assertThat(failures).as(table(routes)).isEmpty();
    }

    /** No credential of any kind: no Authorization, no x-api-key, no user key or cookie. */
    private HttpResponse<String> send(Route route) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + route.path())).timeout(Duration.ofSeconds(30));
        if (Set.of("POST", "PUT", "PATCH").contains(route.method())) {
            request.header("Content-Type", "application/json").method(route.method(), HttpRequest.BodyPublishers.ofString(chat("hi")));
        } else {
            request.method(route.method(), HttpRequest.BodyPublishers.noBody());
        }
        return send(request.build());
    }
}
