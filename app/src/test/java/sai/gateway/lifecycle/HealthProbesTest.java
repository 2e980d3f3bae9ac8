package sai.gateway.lifecycle;

import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Liveness;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probes orchestrators call, LiteLLM's spelling included ({@code /health/liveliness}, what the old
 * gateway's Kubernetes and Swarm checks used): each answers as Micronaut's health endpoints do. Any other
 * path under {@code /health/} is an unknown URL (404), not a malformed request.
 */
@MicronautTest
class HealthProbesTest extends SaiFakeTest {

    @ParameterizedTest
    @ValueSource(strings = {"/health", "/health/liveness", "/health/readiness", "/health/liveliness"})
    void probesAnswerUp(String path) {
        HttpResponse<String> response = get(path);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        assertThat(Json.parse(response.body())).isEqualTo(Json.parse("{\"status\": \"UP\"}"));
        assertThat(response.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).hasSize(8));
        assertThat(saiRequests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/health/foo", "/health/LIVENESS", "/health/live", "/health/readiness/extra", "/health/liveliness/x"})
    void otherHealthPathsAreUnknownUrls(String path) {
        OpenAiErrors.assertError(get(path), 404, "invalid_request_error", "unknown_url", null);
    }
}

/** A failing liveness check: LiteLLM's spelling answers 503 DOWN exactly as Micronaut's own probe does. */
@MicronautTest
class HealthProbesDownTest extends SaiFakeTest {

    static final String DOWN = "health-probes-test.liveness-down";

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of(DOWN, "true");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/health/liveness", "/health/liveliness"})
    void aFailingLivenessCheckIsA503Down(String path) {
        HttpResponse<String> response = get(path);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(Json.parse(response.body()).path("status").asText()).isEqualTo("DOWN");
    }

    @Singleton
    @Liveness
    @Requires(property = DOWN, value = "true")
    static class FailingLivenessIndicator implements HealthIndicator {

        @Override
        public Publisher<HealthResult> getResult() {
            return Mono.just(HealthResult.builder("test-liveness", HealthStatus.DOWN).build());
        }
    }
}
