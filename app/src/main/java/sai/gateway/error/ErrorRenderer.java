package sai.gateway.error;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import sai.gateway.anthropic.ErrorBody;
import sai.gateway.observe.ExchangeStats;
import sai.gateway.observe.RequestIds;
import sai.gateway.openai.ErrorResponse;

import java.util.Locale;

/**
 * The single place that turns a {@link GatewayException} into what the client reads: OpenAI's
 * {@code {"error":{...}}}, or Anthropic's {@code {"type":"error",...}} on the Messages API (see {@link ApiShape}),
 * with the status each API uses for it.
 */
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

    /** The OpenAI body: for the OpenAI surfaces' stream error events. */
    public ErrorResponse body(GatewayException error, Locale locale) {
        ErrorCode code = error.code();
        return ErrorResponse.of(message(error, locale), code.type(), error.param(), code.code());
    }

    /** The Anthropic body: for the Messages API's stream error event. */
    public ErrorBody anthropicBody(GatewayException error, Locale locale, String requestId) {
        return ErrorBody.of(AnthropicErrorTypes.type(error.code()), message(error, locale), requestId);
    }

    /** The body in the request's API shape ({@link ApiShape#of(HttpRequest)}, found once by the caller). */
    public Object body(GatewayException error, HttpRequest<?> request, ApiShape shape) {
        // For the usage record: the code the client got. Only on requests the exchange filter measures.
        request.getAttribute(ExchangeStats.ATTRIBUTE, ExchangeStats.class).ifPresent(stats -> stats.errorCode(error.code().code()));
        Locale locale = locales.resolve(request);
        return shape == ApiShape.ANTHROPIC ? anthropicBody(error, locale, RequestIds.of(request)) : body(error, locale);
    }

    /** The status in the request's API shape. */
    public int status(GatewayException error, ApiShape shape) {
        return shape == ApiShape.ANTHROPIC ? AnthropicErrorTypes.status(error.code()) : error.code().status();
    }

    /** 529 is Anthropic's own status: Micronaut's HttpStatus has no constant for it. */
    public static String reason(int status) {
        return status == 529 ? "Overloaded" : HttpStatus.valueOf(status).getReason();
    }

    public Locale locale(HttpRequest<?> request) {
        return locales.resolve(request);
    }

    public MutableHttpResponse<Object> response(GatewayException error, HttpRequest<?> request) {
        ApiShape shape = ApiShape.of(request);
        int status = status(error, shape);
        MutableHttpResponse<Object> response = HttpResponse.status(status, reason(status)).body(body(error, request, shape));
        error.retryAfterSeconds().ifPresent(s -> response.header("Retry-After", Long.toString(s)));
        return response;
    }
}
