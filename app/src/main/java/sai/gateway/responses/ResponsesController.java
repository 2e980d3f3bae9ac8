package sai.gateway.responses;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import reactor.core.publisher.Mono;
import sai.gateway.auth.CredentialResolver;
import sai.gateway.chat.ChatCompletionService;
import sai.gateway.chat.ChatExchange;
import sai.gateway.error.ErrorRenderer;
import sai.gateway.openai.ResponsesRequest;
import sai.gateway.openai.ResponsesRequestReader;

/**
 * {@code POST /v1/responses} (and {@code /responses}): the Responses API over the chat path, so the
 * credential chain, context budget, retries, timeout and logs are the same as for chat completions.
 */
@Controller
public class ResponsesController {

    private static final byte[] EMPTY = new byte[0];

    private final ResponsesRequestReader reader;
    private final ChatCompletionService service;
    private final ResponsesResponder responder;
    private final ErrorRenderer renderer;

    public ResponsesController(ResponsesRequestReader reader, ChatCompletionService service, ResponsesResponder responder,
                               ErrorRenderer renderer) {
        this.reader = reader;
        this.service = service;
        this.responder = responder;
        this.renderer = renderer;
    }

    @Post(uris = {"/v1/responses", "/responses"},
            consumes = MediaType.APPLICATION_JSON,
            produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    public Mono<HttpResponse<?>> create(HttpRequest<?> request,
                                        @Nullable @Body byte[] body,
                                        @Nullable @Header(CredentialResolver.USER_KEY_HEADER) String userKey) {
        long started = System.nanoTime();
        byte[] bytes = body == null ? EMPTY : body;
        ResponsesRequest parsed = reader.read(bytes);
        ChatExchange exchange = service.prepare(request, parsed.chat(), bytes.length, "resp_", userKey,
                renderer.locale(request), started);
        service.enforceBudget(exchange);
        return service.whenAdmitted(request, exchange, () -> responder.respond(exchange, parsed));
    }
}
