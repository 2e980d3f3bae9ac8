package sai.gateway.error;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import sai.gateway.openai.ErrorResponse;

/** Renders the gateway's own failures; framework failures go through {@link OpenAiErrorResponseProcessor}. */
@Produces
@Singleton
@Requires(classes = {GatewayException.class, ExceptionHandler.class})
public class GatewayExceptionHandler implements ExceptionHandler<GatewayException, HttpResponse<ErrorResponse>> {

    private final ErrorRenderer renderer;

    public GatewayExceptionHandler(ErrorRenderer renderer) {
        this.renderer = renderer;
    }

    @Override
    public HttpResponse<ErrorResponse> handle(HttpRequest request, GatewayException exception) {
        return renderer.response(exception, request);
    }
}
