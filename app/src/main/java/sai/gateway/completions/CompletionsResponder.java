package sai.gateway.completions;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import sai.gateway.chat.ChatCompletionService;
import sai.gateway.chat.ChatExchange;
import sai.gateway.chat.SaiModelHeader;
import sai.gateway.chat.SseFrames;
import sai.gateway.chat.SseStreams;
import sai.gateway.error.ErrorRenderer;
import sai.gateway.error.GatewayException;
import sai.gateway.error.InternalErrorException;
import sai.gateway.error.UpstreamException;
import sai.gateway.openai.CompletionRequest;
import sai.gateway.openai.TextCompletion;
import sai.gateway.openai.Usage;
import sai.gateway.sai.SaiAnswer;
import sai.gateway.translate.ChatResponseMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SAI's answer as a {@code text_completion}, or as a stream of them: the echoed prompt (if asked) at
 * once, heartbeats while SAI thinks, the text in pieces, a last piece with {@code finish_reason}, the
 * usage event when {@code stream_options.include_usage} is set, and {@code [DONE]}.
 */
@Singleton
public class CompletionsResponder {

    private final ChatCompletionService service;
    private final SseStreams streams;
    private final SseFrames frames;
    private final ErrorRenderer renderer;

    public CompletionsResponder(ChatCompletionService service, SseStreams streams, SseFrames frames, ErrorRenderer renderer) {
        this.service = service;
        this.streams = streams;
        this.frames = frames;
        this.renderer = renderer;
    }

    Mono<HttpResponse<?>> respond(ChatExchange exchange, CompletionRequest request) {
        if (!request.chat().stream()) {
            return service.answer(exchange).map(answer -> SaiModelHeader.add(HttpResponse.ok(completion(exchange,
                    (request.echo() ? request.prompt() : "") + answer.text(), "stop", ChatResponseMapper.usage(answer))), answer));
        }
        Optional<UpstreamException> refused = service.refusalBeforeStream(exchange);
        if (refused.isPresent()) {
            return Mono.error(refused.get());
        }
        Flux<byte[]> opening = !request.echo() || request.prompt().isEmpty() ? Flux.empty()
                : Flux.defer(() -> Flux.just(frames.data(completion(exchange, request.prompt(), null, null))));
        return Mono.just(streams.respond(opening, service.answer(exchange), answer -> tail(exchange, request, answer),
                e -> failure(exchange, e)));
    }

    private List<byte[]> tail(ChatExchange exchange, CompletionRequest request, SaiAnswer answer) {
        List<byte[]> events = new ArrayList<>();
        for (String piece : ChatResponseMapper.split(answer.text())) {
            events.add(frames.data(completion(exchange, piece, null, null)));
        }
        events.add(frames.data(completion(exchange, "", "stop", null)));
        if (request.chat().includeUsage()) {
            events.add(frames.data(new TextCompletion(exchange.envelope().id(), TextCompletion.OBJECT, exchange.envelope().created(),
                    exchange.envelope().model(), List.of(), ChatResponseMapper.usage(answer))));
        }
        events.add(SseFrames.DONE);
        return events;
    }

    /** After the stream started the status is sent: one error event (named, as on chat streams), then the stream ends. */
    private List<byte[]> failure(ChatExchange exchange, Throwable e) {
        GatewayException error = e instanceof GatewayException g ? g : new InternalErrorException();
        return List.of(frames.error(renderer.body(error, exchange.locale())));
    }

    /** Plain or streamed, every piece carries the same id and the resolved catalog model. */
    private static TextCompletion completion(ChatExchange exchange, String text, @Nullable String finishReason, @Nullable Usage usage) {
        return new TextCompletion(exchange.envelope().id(), TextCompletion.OBJECT, exchange.envelope().created(), exchange.envelope().model(),
                List.of(new TextCompletion.Choice(text, 0, null, finishReason)), usage);
    }
}
