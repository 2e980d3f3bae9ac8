package sai.gateway.error;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.observe.RequestIds;
import sai.gateway.observe.RequestLog;

/**
 * A form body Netty cannot decode (a bad percent escape such as {@code key=%ZZ}, on the dashboard's forms) is the
 * client's mistake: a 400, where Micronaut would answer 500 and log an ERROR with a stack trace. Found by UiSecurityTest.
 */
@Produces
@Singleton
@Requires(classes = HttpPostRequestDecoder.class)
public class MalformedFormExceptionHandler implements ExceptionHandler<HttpPostRequestDecoder.ErrorDataDecoderException, HttpResponse<?>> {

    private static final Logger LOG = LoggerFactory.getLogger(MalformedFormExceptionHandler.class);

    private final ErrorRenderer renderer;

    public MalformedFormExceptionHandler(ErrorRenderer renderer) {
        this.renderer = renderer;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, HttpPostRequestDecoder.ErrorDataDecoderException exception) {
        new RequestLog(LOG, RequestIds.of(request)).info("[SERVER -> CLIENT] refused 400 malformed form body on {} {}",
                request.getMethodName(), request.getPath());
        return renderer.response(new InvalidRequestException(ErrorCode.BAD_REQUEST, null, "malformed form body"), request);
    }
}
