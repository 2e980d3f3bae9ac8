package sai.gateway.error;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.observe.RequestIds;
import sai.gateway.observe.RequestLog;

/** Renders the gateway's own failures; framework failures go through {@link OpenAiErrorResponseProcessor}. */
@Produces
@Singleton
@Requires(classes = {GatewayException.class, ExceptionHandler.class})
public class GatewayExceptionHandler implements ExceptionHandler<GatewayException, HttpResponse<?>> {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayExceptionHandler.class);

    private final ErrorRenderer renderer;

    public GatewayExceptionHandler(ErrorRenderer renderer) {
        this.renderer = renderer;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, GatewayException exception) {
        if (exception instanceof InvalidRequestException) {
            // Refused before SAI: the only trace of the request in the log. SAI failures are logged where they happen.
            new RequestLog(LOG, RequestIds.of(request)).info("[SERVER -> CLIENT] refused {} {} | param={}",
                    exception.code().status(), exception.messageKey(), exception.param());
        }
        return renderer.response(exception, request);
    }
}
