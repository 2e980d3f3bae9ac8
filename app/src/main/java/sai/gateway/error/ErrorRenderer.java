package sai.gateway.error;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import sai.gateway.openai.ErrorResponse;

import java.util.Locale;

/** The single place that turns a {@link GatewayException} into what the client reads. */
@Singleton
public class ErrorRenderer {

    private final ErrorMessages messages;
    private final ClientLocaleResolver locales;

    public ErrorRenderer(ErrorMessages messages, ClientLocaleResolver locales) {
        this.messages = messages;
        this.locales = locales;
    }

    public String message(GatewayException error, Locale locale) {
        return messages.format(error.messageKey(), locale, error.args());
    }

    public ErrorResponse body(GatewayException error, Locale locale) {
        ErrorCode code = error.code();
        return ErrorResponse.of(message(error, locale), code.type(), error.param(), code.code());
    }

    public ErrorResponse body(GatewayException error, HttpRequest<?> request) {
        return body(error, locales.resolve(request));
    }

    public Locale locale(HttpRequest<?> request) {
        return locales.resolve(request);
    }

    public MutableHttpResponse<ErrorResponse> response(GatewayException error, HttpRequest<?> request) {
        MutableHttpResponse<ErrorResponse> response = HttpResponse.<ErrorResponse>status(HttpStatus.valueOf(error.code().status()))
                .body(body(error, request));
        error.retryAfterSeconds().ifPresent(s -> response.header("Retry-After", Long.toString(s)));
        return response;
    }
}
