package sai.gateway.edge;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.micronaut.json.JsonMapper;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.error.ClientLocaleResolver;
import sai.gateway.error.ErrorRenderer;
import sai.gateway.error.InvalidRequestException;
import sai.gateway.observe.RequestIds;
import sai.gateway.observe.RequestLog;

import java.io.IOException;
import java.util.Locale;
import sai.gateway.error.ApiShape;
import java.io.UncheckedIOException;

/**
 * The answer to a request refused at the HTTP layer, before Micronaut (and its filters) ever sees it: the
 * same error body (OpenAI's, or Anthropic's on its routes) and {@code x-request-id} as every other refusal, {@code Connection: close} because
 * the connection cannot be trusted for another request, and one log line under that id.
 */
@Singleton
@Requires(classes = NettyServerCustomizer.class)
class EdgeRefusals {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeRefusals.class);

    private final ErrorRenderer renderer;
    private final ClientLocaleResolver locales;
    private final JsonMapper json;

    EdgeRefusals(ErrorRenderer renderer, ClientLocaleResolver locales, JsonMapper json) {
        this.renderer = renderer;
        this.locales = locales;
        this.json = json;
    }

    FullHttpResponse refusal(InvalidRequestException error, @Nullable String acceptLanguage, ApiShape shape, String why) {
        String id = RequestIds.newId();
        new RequestLog(LOG, id).info("[HTTP] refused {} {} before routing: {} | connection closed",
                error.code().status(), error.messageKey(), why);
        byte[] body;
        try {
            Locale locale = locales.fromHeader(acceptLanguage);
            body = json.writeValueAsBytes(shape == ApiShape.ANTHROPIC ? renderer.anthropicBody(error, locale, id) : renderer.body(error, locale));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(renderer.status(error, shape)),
                Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(RequestIds.HEADER, id)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (shape == ApiShape.ANTHROPIC) {
            response.headers().set(ApiShape.ANTHROPIC_REQUEST_ID, id);
        }
        return response;
    }
}
