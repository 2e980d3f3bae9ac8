package sai.gateway.chat;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import sai.gateway.config.GatewayConfiguration;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.ErrorRenderer;
import sai.gateway.error.GatewayException;
import sai.gateway.error.InternalErrorException;
import sai.gateway.error.UpstreamException;
import sai.gateway.openai.ChatCompletionChunk;
import sai.gateway.openai.Usage;
import sai.gateway.sai.SaiAnswer;
import sai.gateway.tools.AssistantReply;
import sai.gateway.tools.ToolReplyReader;
import sai.gateway.translate.ChatResponseMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns SAI's answer (or failure) into what the client asked for: one {@code chat.completion}, or an
 * SSE stream that starts at once, keeps the connection alive while SAI thinks, and always ends properly.
 */
@Singleton
public class ChatResponder {

    private final ChatCompletionService service;
    private final ErrorRenderer renderer;
    private final SseFrames frames;
    private final GatewayConfiguration config;
    private final SseStreams streams;
    private final ToolReplyReader replies;

    public ChatResponder(ChatCompletionService service, ErrorRenderer renderer, SseFrames frames, GatewayConfiguration config,
                         SseStreams streams, ToolReplyReader replies) {
        this.service = service;
        this.renderer = renderer;
        this.frames = frames;
        this.config = config;
        this.streams = streams;
        this.replies = replies;
    }

    /** Whether {@code SAI_ERROR_STYLE=message} turns this failure into an assistant answer. */
    boolean answersAsMessage(GatewayException error) {
        return config.errorsAsMessages() && (error instanceof UpstreamException || error.code() == ErrorCode.CONTEXT_LENGTH_EXCEEDED);
    }

    Mono<HttpResponse<?>> respond(ChatExchange exchange) {
        if (!exchange.request().stream()) {
            return complete(exchange);
        }
        Optional<UpstreamException> refused = service.refusalBeforeStream(exchange);
        if (refused.isPresent()) {
            return answersAsMessage(refused.get()) ? Mono.just(asMessage(exchange, refused.get())) : Mono.error(refused.get());
        }
        return Mono.just(stream(exchange));
    }

    /** The old gateway's style: HTTP 200, the explanation as content, finish_reason {@code length} or {@code error}. */
    HttpResponse<?> asMessage(ChatExchange exchange, GatewayException error) {
        String text = renderer.message(error, exchange.locale());
        String reason = finishReasonFor(error);
        if (exchange.request().stream()) {
            List<byte[]> events = new ArrayList<>();
            events.add(frames.data(ChatResponseMapper.roleChunk(exchange.envelope())));
            events.addAll(tail(exchange, text, reason, Usage.of(0, 0)));
            return sse(Flux.fromIterable(events));
        }
        return HttpResponse.ok(ChatResponseMapper.completion(exchange.envelope(), text, reason, Usage.of(0, 0)));
    }

    private Mono<HttpResponse<?>> complete(ChatExchange exchange) {
        return service.answer(exchange)
                .<HttpResponse<?>>map(answer -> SaiModelHeader.add(HttpResponse.ok(ChatResponseMapper.completion(exchange.envelope(),
                        reply(exchange, answer), ChatResponseMapper.usage(answer))), answer))
                .onErrorResume(GatewayException.class::isInstance, e -> {
                    GatewayException error = (GatewayException) e;
                    return answersAsMessage(error) ? Mono.just(asMessage(exchange, error)) : Mono.error(error);
                });
    }

    private MutableHttpResponse<?> stream(ChatExchange exchange) {
        // Every chunk repeats the first chunk's id and model (the resolved catalog id, as everywhere), as OpenAI's do.
        boolean tools = exchange.request().tools().offersTools();
        return streams.respond(Flux.from(Mono.fromCallable(() -> frames.data(ChatResponseMapper.roleChunk(exchange.envelope(), tools)))),
                service.answer(exchange),
                a -> tail(exchange, ChatResponseMapper.replyChunks(exchange.envelope(), reply(exchange, a)), ChatResponseMapper.usage(a)),
                e -> failure(exchange, e));
    }

    /** SAI's text, with any tool calls the request's tools allow read out of it. */
    private AssistantReply reply(ChatExchange exchange, SaiAnswer answer) {
        return replies.read(exchange.log(), answer.text(), exchange.request().tools());
    }

    private List<byte[]> tail(ChatExchange exchange, String content, String finishReason, Usage usage) {
        return tail(exchange, ChatResponseMapper.contentChunks(exchange.envelope(), content, finishReason), usage);
    }

    private List<byte[]> tail(ChatExchange exchange, List<ChatCompletionChunk> chunks, Usage usage) {
        List<byte[]> events = new ArrayList<>();
        for (ChatCompletionChunk chunk : chunks) {
            events.add(frames.data(chunk));
        }
        if (exchange.request().includeUsage()) {
            events.add(frames.data(ChatResponseMapper.usageChunk(exchange.envelope(), usage)));
        }
        events.add(SseFrames.DONE);
        return events;
    }

    /**
     * After the stream started the status is sent: the failure becomes one error event, then the stream ends
     * (no {@code [DONE]}: that says the answer is complete). Named {@code error} as well as shaped
     * {@code {"error":...}}: LangChain4j sees an error only by the name, the OpenAI SDKs by the shape.
     */
    private List<byte[]> failure(ChatExchange exchange, Throwable e) {
        GatewayException error = e instanceof GatewayException g ? g : new InternalErrorException();
        if (answersAsMessage(error)) {
            return tail(exchange, renderer.message(error, exchange.locale()), finishReasonFor(error), Usage.of(0, 0));
        }
        return List.of(frames.error(renderer.body(error, exchange.locale())));
    }

    private static String finishReasonFor(GatewayException error) {
        return error.code() == ErrorCode.CONTEXT_LENGTH_EXCEEDED ? "length" : "error";
    }

    private static MutableHttpResponse<?> sse(Flux<byte[]> events) {
        return SseStreams.sse(events);
    }
}
