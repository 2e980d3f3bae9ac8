package sai.gateway.exchange;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import sai.gateway.auth.CredentialResolver;
import sai.gateway.config.SaiConfiguration;
import sai.gateway.conversation.ChatRequest;
import sai.gateway.error.ClientLocaleResolver;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.GatewayException;
import sai.gateway.error.UpstreamException;
import sai.gateway.limits.ClientLimits;
import sai.gateway.limits.KeyLimits;
import sai.gateway.observe.ExchangeStats;
import sai.gateway.sai.SaiAnswer;
import sai.gateway.tools.AssistantReply;
import sai.gateway.tools.ToolReplyReader;
import sai.gateway.translate.ContextBudget;

import java.util.Optional;

/**
 * The one path every API surface's request takes: read (the surface) -> resolve the model, plan the credentials,
 * write tools and history for SAI -> context budget -> per-client limits -> SAI -> classify the answer for tool
 * calls -> answer or stream (the surface). Every refusal before the SAI call is raised before any byte is sent,
 * so it is an ordinary error response in the surface's shape; a stream that has started ends with the
 * surface's error events instead.
 */
@Singleton
public class ExchangePipeline {

    private static final byte[] EMPTY = new byte[0];

    private final ExchangePreparer preparer;
    private final SaiRoundTrip sai;
    private final ClientLimits limits;
    private final ToolReplyReader replies;
    private final SseStreams streams;
    private final SaiConfiguration config;
    private final ClientLocaleResolver locales;
    @Nullable
    private final KeyLimits keyLimits;

    ExchangePipeline(ExchangePreparer preparer, SaiRoundTrip sai, ClientLimits limits, ToolReplyReader replies, SseStreams streams,
                     SaiConfiguration config, ClientLocaleResolver locales, Optional<KeyLimits> keyLimits) {
        this.preparer = preparer;
        this.sai = sai;
        this.limits = limits;
        this.replies = replies;
        this.streams = streams;
        this.config = config;
        this.locales = locales;
        this.keyLimits = keyLimits.orElse(null);
    }

    public <R> Mono<HttpResponse<?>> run(Surface<R> surface, HttpRequest<?> http, @Nullable byte[] body) {
        long started = System.nanoTime();
        byte[] bytes = body == null ? EMPTY : body;
        ExchangeStats.of(http).surface(surface.name());
        R request = surface.read(bytes, http);
        Exchange exchange = preparer.prepare(http, surface.neutral(request), bytes.length, surface.idPrefix(),
                http.getHeaders().get(CredentialResolver.USER_KEY_HEADER), locales.resolve(http), started);
        try {
            if (keyLimits != null && exchange.grant().isPresent()) {
                keyLimits.checkModel(exchange.grant().get(), exchange.model().id(), config.models());
            }
            ContextBudget.enforce(exchange.estimatedTokens(), config.maxContextTokens());
        } catch (GatewayException refused) {
            return answeredOrFailed(surface, exchange, request, refused);
        }
        // Before any byte is sent, so a refused stream is an HTTP 429 and not an event.
        Mono<Void> admitted = limits.enabled() ? limits.admit(http, exchange.credentials(), exchange.stats(), exchange.log()) : null;
        if (keyLimits != null && exchange.grant().isPresent()) {
            Mono<Void> keyAdmitted = keyLimits.admit(exchange.grant().get(), exchange.model().id(), exchange.stats(), exchange.log());
            admitted = admitted == null ? keyAdmitted : admitted.then(keyAdmitted);
        }
        return admitted == null ? respond(surface, exchange, request) : admitted.then(Mono.defer(() -> respond(surface, exchange, request)));
    }

    /**
     * The tokens a request would count toward {@code MAX_CONTEXT_TOKENS} (the system prompt, the tool instruction,
     * the history), without calling SAI or counting against the client's limits.
     */
    public long estimateTokens(HttpRequest<?> http, ChatRequest request) {
        return preparer.estimate(http, request);
    }

    private <R> Mono<HttpResponse<?>> respond(Surface<R> surface, Exchange exchange, R request) {
        if (!exchange.request().stream()) {
            return sai.answer(exchange)
                    .<HttpResponse<?>>map(answer -> SaiModelHeader.add(surface.answer(exchange, request, reply(exchange, answer), answer), answer))
                    .onErrorResume(GatewayException.class::isInstance, e -> answeredOrFailed(surface, exchange, request, (GatewayException) e));
        }
        Optional<UpstreamException> refused = sai.refusalBeforeStream(exchange);
        if (refused.isPresent()) {
            return answeredOrFailed(surface, exchange, request, refused.get());
        }
        SurfaceStream stream = surface.stream(exchange, request);
        MutableHttpResponse<?> response = streams.respond(Flux.defer(() -> Flux.fromIterable(stream.opening())), stream.heartbeat(), sai.answer(exchange),
                answer -> stream.completed(reply(exchange, answer), answer), failure -> {
                    exchange.stats().errorCode(failure instanceof GatewayException g ? g.code().code() : ErrorCode.INTERNAL_ERROR.code());
                    return stream.failed(failure);
                });
        return Mono.just(response);
    }

    private static <R> Mono<HttpResponse<?>> answeredOrFailed(Surface<R> surface, Exchange exchange, R request, GatewayException error) {
        Optional<MutableHttpResponse<?>> answered = surface.answerFailure(exchange, request, error);
        return answered.isPresent() ? Mono.just(answered.get()) : Mono.error(error);
    }

    /** SAI's text, with any tool calls the request's tools allow read out of it. */
    private AssistantReply reply(Exchange exchange, SaiAnswer answer) {
        return replies.read(exchange.log(), answer.text(), exchange.request().tools());
    }
}
