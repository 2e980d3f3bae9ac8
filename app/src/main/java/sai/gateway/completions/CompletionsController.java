package sai.gateway.completions;

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
import sai.gateway.openai.CompletionRequest;
import sai.gateway.openai.CompletionRequestReader;

/** Legacy {@code POST /v1/completions} (and {@code /completions}): one prompt, one text, over the chat path. */
@Controller
public class CompletionsController {

    private static final byte[] EMPTY = new byte[0];

    private final CompletionRequestReader reader;
    private final ChatCompletionService service;
    private final CompletionsResponder responder;
    private final ErrorRenderer renderer;

    public CompletionsController(CompletionRequestReader reader, ChatCompletionService service, CompletionsResponder responder,
                                 ErrorRenderer renderer) {
        this.reader = reader;
        this.service = service;
        this.responder = responder;
        this.renderer = renderer;
    }

    @Post(uris = {"/v1/completions", "/completions"},
            consumes = MediaType.APPLICATION_JSON,
            produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    public Mono<HttpResponse<?>> create(HttpRequest<?> request,
                                        @Nullable @Body byte[] body,
                                        @Nullable @Header(CredentialResolver.USER_KEY_HEADER) String userKey) {
        long started = System.nanoTime();
        byte[] bytes = body == null ? EMPTY : body;
        CompletionRequest parsed = reader.read(bytes);
        ChatExchange exchange = service.prepare(request, parsed.chat(), bytes.length, "cmpl-", userKey,
                renderer.locale(request), started);
        service.enforceBudget(exchange);
        return service.whenAdmitted(request, exchange, () -> responder.respond(exchange, parsed));
    }
}
