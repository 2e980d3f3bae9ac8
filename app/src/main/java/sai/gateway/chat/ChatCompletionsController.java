package sai.gateway.chat;

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
import sai.gateway.error.ErrorRenderer;
import sai.gateway.error.GatewayException;

/** {@code POST /v1/chat/completions} (and the old gateway's {@code /chat/completions}). */
@Controller
public class ChatCompletionsController {

    private static final byte[] EMPTY = new byte[0];

    private final ChatCompletionService service;
    private final ChatResponder responder;
    private final ErrorRenderer renderer;

    public ChatCompletionsController(ChatCompletionService service, ChatResponder responder, ErrorRenderer renderer) {
        this.service = service;
        this.responder = responder;
        this.renderer = renderer;
    }

    @Post(uris = {"/v1/chat/completions", "/chat/completions"},
            consumes = MediaType.APPLICATION_JSON,
            produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    public Mono<HttpResponse<?>> create(HttpRequest<?> request,
                                        @Nullable @Body byte[] body,
                                        @Nullable @Header(CredentialResolver.USER_KEY_HEADER) String userKey) {
        ChatExchange exchange = service.prepare(request, body == null ? EMPTY : body, userKey, renderer.locale(request));
        try {
            service.enforceBudget(exchange);
        } catch (GatewayException tooLong) {
            if (responder.answersAsMessage(tooLong)) {
                return Mono.just(responder.asMessage(exchange, tooLong));
            }
            throw tooLong;
        }
        return service.whenAdmitted(request, exchange, () -> responder.respond(exchange));
    }
}
