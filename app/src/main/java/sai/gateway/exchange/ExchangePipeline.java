package sai.gateway.exchange;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import sai.gateway.auth.CredentialResolver;
import sai.gateway.cache.CacheTicket;
import sai.gateway.cache.ResponseCache;
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
import java.util.function.Supplier;

/**
 * The one path every API surface's request takes: read (the surface) -> resolve the model, plan the credentials,
 * write tools and history for SAI -> context budget -> per-client limits -> response cache, else SAI -> classify the
 * answer for tool calls -> answer or stream (the surface). Every refusal before the SAI call is raised before any byte is sent,
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
    private final ResponseCache cache;
    @Nullable
    private final KeyLimits keyLimits;

    ExchangePipeline(ExchangePreparer preparer, SaiRoundTrip sai, ClientLimits limits, ToolReplyReader replies, SseStreams streams,
                     SaiConfiguration config, ClientLocaleResolver locales, Optional<KeyLimits> keyLimits, ResponseCache cache) {
        this.preparer = preparer;
        this.sai = sai;
        this.limits = limits;
        this.replies = replies;
        this.streams = streams;
        this.config = config;
        this.locales = locales;
        this.keyLimits = keyLimits.orElse(null);
        this.cache = cache;
    }

    public <R> Mono<HttpResponse<?>> run(Surface<R> surface, HttpRequest<?> http, @Nullable byte[] body) {
        long started = System.nanoTime();
        byte[] bytes = body == null ? EMPTY : body;
        ExchangeStats stats = ExchangeStats.of(http);
        stats.surface(surface.name());
        if (cache.enabled()) {
            // Every answer of a surface says, refusals included: only a hit is anything but a miss.
            stats.cache(ExchangeStats.CACHE_MISS);
        }
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

    /**
     * A request the cache may answer asks it first (after the limits: a hit is still a request), then joins an identical
     * request already waiting for SAI; only then does it call SAI. Any other request calls SAI.
     */
    private <R> Mono<HttpResponse<?>> respond(Surface<R> surface, Exchange exchange, R request) {
        CacheTicket ticket = exchange.cache();
        if (ticket == null) {
            return fromSai(surface, exchange, request, () -> sai.answer(exchange));
        }
        return cache.find(ticket).flatMap(kept -> {
            if (kept.isPresent()) {
                return fromCache(surface, exchange, request, Mono.just(kept.get()), false);
            }
            Optional<Mono<SaiAnswer>> running = cache.join(ticket);
            if (running.isPresent()) {
                return fromCache(surface, exchange, request, running.get(), true);
            }
            cache.miss();
            return fromSai(surface, exchange, request, () -> cache.start(ticket, () -> sai.answer(exchange)));
        });
    }

    /** {@code call} is made only once nothing refuses the request: a stream refused by SAI's open circuit makes none. */
    private <R> Mono<HttpResponse<?>> fromSai(Surface<R> surface, Exchange exchange, R request, Supplier<Mono<SaiAnswer>> call) {
        if (!exchange.request().stream()) {
            return plain(surface, exchange, request, call.get());
        }
        Optional<UpstreamException> refused = sai.refusalBeforeStream(exchange);
        if (refused.isPresent()) {
            return answeredOrFailed(surface, exchange, request, refused.get());
        }
        return Mono.just(stream(surface, exchange, request, call.get()));
    }

    /**
     * An answer this exchange did not ask SAI for, shaped as if SAI had just given it: the surface's object or its whole
     * stream, with this exchange's fresh id and {@code created}. Kept ({@code joined} false), it is there at once and SAI's
     * circuit breaker has no say; joined, it comes when the other request's call ends, and if that call fails this
     * request fails with it, as a miss. Its tokens are spent only with {@code CACHE_HITS_COUNT_TOKENS=true}; the usage
     * record counts them as saved.
     */
    private <R> Mono<HttpResponse<?>> fromCache(Surface<R> surface, Exchange exchange, R request, Mono<SaiAnswer> pending, boolean joined) {
        boolean charged = cache.hitsCountTokens();
        if (exchange.request().stream()) {
            // A stream's headers leave before the answer: they say what it will be.
            exchange.stats().cache(ExchangeStats.CACHE_HIT);
        }
        long waitFrom = System.nanoTime();
        Mono<SaiAnswer> answered = pending.flatMap(answer -> {
            if (joined) {
                // The wait for the other request's SAI call is SAI's time, not the gateway's (x-gateway-overhead-ms).
                exchange.stats().addSaiNanos(System.nanoTime() - waitFrom);
            }
            exchange.stats().cacheHit(answer.totalTokens());
            cache.hit(answer.totalTokens());
            if (charged) {
                exchange.stats().tokens(answer.promptTokens(), answer.completionTokens());
            }
            exchange.log().info("[SERVER -> CLIENT] answered from the cache{} | latency={} ms | tokens {} -> {} saved{} | model={}",
                    joined ? " (joined an identical request in flight)" : "", (System.nanoTime() - exchange.startedNanos()) / 1_000_000,
                    answer.promptTokens(), answer.completionTokens(), charged ? " (counted against budgets)" : "", exchange.model().id());
            return charged ? sai.spend(exchange, answer.totalTokens()).thenReturn(answer) : Mono.just(answer);
        }).doOnError(e -> {
            exchange.stats().cache(ExchangeStats.CACHE_MISS);
            cache.miss();
        });
        return exchange.request().stream() ? Mono.just(stream(surface, exchange, request, answered)) : plain(surface, exchange, request, answered);
    }

    /** The surface's object for a request that did not ask for a stream; a failure is the surface's to answer, else an error. */
    private <R> Mono<HttpResponse<?>> plain(Surface<R> surface, Exchange exchange, R request, Mono<SaiAnswer> answer) {
        return answer.<HttpResponse<?>>map(a -> SaiModelHeader.add(surface.answer(exchange, request, reply(exchange, a), a), a))
                .onErrorResume(GatewayException.class::isInstance, e -> answeredOrFailed(surface, exchange, request, (GatewayException) e));
    }

    private <R> MutableHttpResponse<?> stream(Surface<R> surface, Exchange exchange, R request, Mono<SaiAnswer> answer) {
        SurfaceStream stream = surface.stream(exchange, request);
        return streams.respond(Flux.defer(() -> Flux.fromIterable(stream.opening())), stream.heartbeat(), answer,
                a -> stream.completed(reply(exchange, a), a), failure -> {
                    exchange.stats().errorCode(failure instanceof GatewayException g ? g.code().code() : ErrorCode.INTERNAL_ERROR.code());
                    return stream.failed(failure);
                });
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
