package sai.gateway.messages;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import reactor.core.publisher.Mono;
import sai.gateway.anthropic.TokenCount;
import sai.gateway.exchange.ExchangePipeline;

/**
 * {@code POST /v1/messages} and {@code /v1/messages/count_tokens} (and both without {@code /v1}): Anthropic's
 * Messages API, for Claude Code and the Anthropic SDKs. Query strings ({@code ?beta=true}) and
 * {@code anthropic-beta} / {@code anthropic-version} values are accepted whatever they say.
 */
@Controller
public class MessagesController {

    private static final byte[] EMPTY = new byte[0];

    private final ExchangePipeline pipeline;
    private final MessagesSurface surface;
    private final MessagesRequestReader reader;

    public MessagesController(ExchangePipeline pipeline, MessagesSurface surface, MessagesRequestReader reader) {
        this.pipeline = pipeline;
        this.surface = surface;
        this.reader = reader;
    }

    @Post(uris = {"/v1/messages", "/messages"},
            consumes = MediaType.APPLICATION_JSON,
            produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    public Mono<HttpResponse<?>> create(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return pipeline.run(surface, request, body);
    }

    /** The context budget's own estimate, so what Claude Code sees here is what the gateway will refuse at; SAI is not called. */
    @Post(uris = {"/v1/messages/count_tokens", "/messages/count_tokens"}, consumes = MediaType.APPLICATION_JSON)
    public TokenCount countTokens(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return new TokenCount(pipeline.estimateTokens(request, reader.readForCount(body == null ? EMPTY : body).chat()));
    }
}
