package sai.gateway.lifecycle;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.indicator.HealthCheckType;
import io.micronaut.management.health.indicator.HealthResult;
import reactor.core.publisher.Mono;

/**
 * {@code GET /health/liveliness}: LiteLLM's spelling of the liveness probe, which the old gateway's
 * orchestrator checks call. It is Micronaut's liveness check under another name: same body, and the same
 * status mapping ({@code DOWN} is a 503), which Micronaut's own filter applies only to its own paths.
 */
@Controller
public class HealthProbeController {

    private final HealthEndpoint health;

    public HealthProbeController(HealthEndpoint health) {
        this.health = health;
    }

    @Get(uri = "/health/liveliness", produces = MediaType.APPLICATION_JSON)
    public Mono<HttpResponse<HealthResult>> liveliness() {
        return Mono.from(health.getHealth(null, HealthCheckType.LIVENESS)).map(result -> {
            HttpStatus status = health.getStatusConfiguration().getHttpMapping().getOrDefault(result.getStatus().getName(), HttpStatus.OK);
            return HttpResponse.status(status).body(result);
        });
    }
}
