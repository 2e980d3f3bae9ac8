package sai.gateway.lifecycle;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.ErrorRenderer;
import sai.gateway.error.InvalidRequestException;

import java.util.Set;

/**
 * Micronaut's health endpoint reads any {@code /health/<x>} as a probe type and answers 400 when {@code x} is
 * not one: for a client that is an unknown URL, so it gets the 404 every other unknown path gets.
 */
@ServerFilter("/health/**")
public class HealthPathFilter implements Ordered {

    private static final Set<String> PROBES = Set.of("/health", "/health/", "/health/liveness", "/health/readiness", "/health/liveliness");

    private final ErrorRenderer renderer;

    public HealthPathFilter(ErrorRenderer renderer) {
        this.renderer = renderer;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request) {
        String path = request.getPath();
        if (PROBES.contains(path)) {
            return null;
        }
        return renderer.response(new InvalidRequestException(ErrorCode.UNKNOWN_URL, null, request.getMethodName(), path), request);
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE + 100;
    }
}
