package sai.gateway.error;

import io.micronaut.context.annotation.Primary;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.util.HttpHeadersUtil;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.observe.RequestIds;
import sai.gateway.observe.RequestLog;
import sai.gateway.openai.ErrorResponse;

/**
 * Framework failures (no route, wrong method, wrong media type, body too large, unreadable input,
 * unexpected exceptions) in the request's API shape (OpenAI's, or Anthropic's on the Messages API) and through the same renderer as the gateway's own.
 * Framework messages are never passed through: they can quote internals.
 */
@Singleton
@Primary
public class OpenAiErrorResponseProcessor implements ErrorResponseProcessor<Object> {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiErrorResponseProcessor.class);

    private final ErrorRenderer renderer;
    private final long maxRequestBytes;

    public OpenAiErrorResponseProcessor(ErrorRenderer renderer,
                                        @Value("${micronaut.server.max-request-size:10485760}") long maxRequestBytes) {
        this.renderer = renderer;
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public MutableHttpResponse<Object> processResponse(ErrorContext context, MutableHttpResponse<?> baseResponse) {
        HttpRequest<?> request = context.getRequest();
        GatewayException error = context.getRootCause().filter(cause -> isMalformedAcceptHeader(cause, request)).isPresent()
                ? new InvalidRequestException(ErrorCode.BAD_REQUEST, null, "malformed Accept or Accept-Language header")
                : context.getRootCause().filter(OpenAiErrorResponseProcessor::isMalformedForm).isPresent()
                ? new InvalidRequestException(ErrorCode.BAD_REQUEST, null, "malformed form body")
                : classify(baseResponse.getStatus(), request);
        // Refusals Micronaut makes before routing (an unparseable URI, for one) skip the filters: no id was assigned.
        boolean beforeFilters = !RequestIds.assigned(request);
        String requestId = RequestIds.of(request);
        if (error.code() == ErrorCode.INTERNAL_ERROR) {
            context.getRootCause().ifPresent(cause -> new RequestLog(LOG, requestId)
                    .error("Unexpected failure on {} {}: {}", request.getMethodName(), request.getPath(), cause.getClass().getName(), cause));
        } else if (beforeFilters) {
            new RequestLog(LOG, requestId).info("[HTTP] refused {} {} before routing", error.code().status(), error.messageKey());
        }
        if (beforeFilters) {
            baseResponse.header(RequestIds.HEADER, requestId);
        }
        ApiShape shape = ApiShape.of(request);
        int status = renderer.status(error, shape);
        return baseResponse.status(status, ErrorRenderer.reason(status))
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(renderer.body(error, request, shape));
    }

    /**
     * Micronaut binds controller arguments with the request's locale, and its Accept-Language parser throws
     * ArrayIndexOutOfBoundsException on some malformed values ({@code ;} or {@code ,} alone, for two): the client sent a
     * bad header, which is a 400, not the gateway failing. Found by HostileInputTest.
     */
    /**
     * A form body with a bad percent escape ({@code key=%ZZ}) as the Lambda adapter decodes it, with its copy of
     * Netty's QueryStringDecoder, which throws IllegalArgumentException: the client's mistake, a 400. (On the Netty server the
     * same body fails in its post decoder instead: MalformedFormExceptionHandler.) Found by UiSecurityTest on Lambda.
     */
    private static boolean isMalformedForm(Throwable cause) {
        if (!(cause instanceof IllegalArgumentException)) {
            return false;
        }
        // micronaut-function-aws-api-proxy carries its own copy of Netty's decoder.
        return thrownIn(cause, ".QueryStringDecoder", "decodeComponent");
    }

    private static boolean isMalformedAcceptHeader(Throwable cause, HttpRequest<?> request) {
        if (!(cause instanceof IndexOutOfBoundsException)) {
            return false;
        }
        if (cause.getStackTrace().length == 0) {
            // Thrown often enough, HotSpot throws a preallocated exception without a stack trace (OmitStackTraceInFastThrow),
            // and the frame below cannot be seen: then ask the same parser about this request's headers. Found by
            // HostileInputTest in a long CI run.
            return splitFails(request.getHeaders().get(HttpHeaders.ACCEPT_LANGUAGE)) || splitFails(request.getHeaders().get(HttpHeaders.ACCEPT));
        }
        return thrownIn(cause, "io.micronaut.http.util.HttpHeadersUtil", "splitAcceptHeader");
    }

    /**
     * Whether a frame of the cause's stack is {@code method} of the class {@code type}: its full name, or, starting with a
     * dot, any package's class of that simple name.
     */
    private static boolean thrownIn(Throwable cause, String type, String method) {
        for (StackTraceElement frame : cause.getStackTrace()) {
            String name = frame.getClassName();
            if ((type.startsWith(".") ? name.endsWith(type) : name.equals(type)) && frame.getMethodName().equals(method)) {
                return true;
            }
        }
        return false;
    }

    private static boolean splitFails(String header) {
        if (header == null) {
            return false;
        }
        try {
            HttpHeadersUtil.splitAcceptHeader(header);
            return false;
        } catch (IndexOutOfBoundsException malformed) {
            return true;
        }
    }

    private GatewayException classify(HttpStatus status, HttpRequest<?> request) {
        return switch (status.getCode()) {
            // Our controllers read raw bodies and validate them themselves; a framework 400 is an unreadable HTTP request.
            case 400 -> new InvalidRequestException(ErrorCode.BAD_REQUEST, null, status.getReason());
            case 404 -> new InvalidRequestException(ErrorCode.UNKNOWN_URL, null, request.getMethodName(), request.getPath());
            case 405 -> new InvalidRequestException(ErrorCode.METHOD_NOT_ALLOWED, null, request.getMethodName(), request.getPath());
            case 413 -> new InvalidRequestException(ErrorCode.REQUEST_TOO_LARGE, null, maxRequestBytes);
            case 415 -> new InvalidRequestException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, null,
                    request.getContentType().map(MediaType::toString).orElse("none"));
            default -> status.getCode() < 500
                    ? new InvalidRequestException(ErrorCode.BAD_REQUEST, null, status.getReason())
                    : new InternalErrorException();
        };
    }
}
