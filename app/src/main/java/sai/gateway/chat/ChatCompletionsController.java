package sai.gateway.chat;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import reactor.core.publisher.Mono;
import sai.gateway.exchange.ExchangePipeline;

/** {@code POST /v1/chat/completions} (and the old gateway's {@code /chat/completions}). */
@Controller
public class ChatCompletionsController {

    private final ExchangePipeline pipeline;
    private final ChatSurface surface;

    public ChatCompletionsController(ExchangePipeline pipeline, ChatSurface surface) {
        this.pipeline = pipeline;
        this.surface = surface;
    }

    @Post(uris = {"/v1/chat/completions", "/chat/completions"},
            consumes = MediaType.APPLICATION_JSON,
            produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    public Mono<HttpResponse<?>> create(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return pipeline.run(surface, request, body);
    }
}
