package sai.gateway.exchange;

import jakarta.inject.Singleton;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import sai.gateway.auth.CredentialKind;
import sai.gateway.auth.CredentialPlan;
import sai.gateway.auth.CredentialResolver;
import sai.gateway.auth.UpstreamCredential;
import sai.gateway.config.SaiConfiguration;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.GatewayException;
import sai.gateway.error.ShuttingDownException;
import sai.gateway.error.UpstreamException;
import sai.gateway.lifecycle.ShutdownCutoff;
import io.micronaut.core.annotation.Nullable;
import sai.gateway.limits.ClientLimits;
import sai.gateway.limits.KeyLimits;
import sai.gateway.observe.ExchangeStats;
import sai.gateway.observe.GatewayMetrics;
import sai.gateway.observe.Tracing;
import sai.gateway.sai.SaiAnswer;
import sai.gateway.sai.SaiCall;
import sai.gateway.sai.SaiClient;
import sai.gateway.text.Printable;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The exchange's SAI call: the credential chain (one cookie retry after a 429, one reload after a 401 to a
 * rotated system credential), the whole bounded by {@code REQUEST_TIMEOUT} and by the end of the grace period
 * when the gateway is stopping; the answer's tokens counted and spent against the client's quota.
 */
@Singleton
class SaiRoundTrip {

    private static final int PREVIEW_CHARS = 100;

    private final CredentialResolver credentials;
    private final SaiClient sai;
    private final SaiConfiguration config;
    private final GatewayMetrics metrics;
    private final ClientLimits limits;
    private final Tracing tracing;
    private final ShutdownCutoff cutoff;
    @Nullable
    private final KeyLimits keyLimits;

    SaiRoundTrip(CredentialResolver credentials, SaiClient sai, SaiConfiguration config, GatewayMetrics metrics, ClientLimits limits,
                 Tracing tracing, ShutdownCutoff cutoff, Optional<KeyLimits> keyLimits) {
        this.credentials = credentials;
        this.sai = sai;
        this.config = config;
        this.metrics = metrics;
        this.limits = limits;
        this.tracing = tracing;
        this.cutoff = cutoff;
        this.keyLimits = keyLimits.orElse(null);
    }

    Mono<SaiAnswer> answer(Exchange exchange) {
        CredentialPlan plan = exchange.credentials();
        Duration budget = config.requestTimeout();
        return execute(exchange, plan.primary())
                .onErrorResume(e -> e instanceof UpstreamException u && u.isRateLimit() && plan.onRateLimit().isPresent(), e -> {
                    exchange.log().warn("[AUTH] SAI answered 429 with the {}: retrying once with the {}",
                            plan.primary().kind().label(), plan.onRateLimit().get().kind().label());
                    metrics.fallback();
                    exchange.stats().credential(ExchangeStats.FALLBACK);
                    return execute(exchange, plan.onRateLimit().get());
                })
                .timeout(budget, Mono.error(() -> UpstreamException.timeout(budget.toSeconds())))
                .transform(cutoff::bounded)
                .doOnError(ShuttingDownException.class, e -> exchange.log().warn(
                        "[SHUTDOWN] cut after {} ms: SHUTDOWN_GRACE_SECONDS ran out before SAI answered; the client gets {} {}",
                        millisSince(exchange.startedNanos()), exchange.request().stream() ? "a final error event" : "HTTP 503",
                        e.code().code()))
                .doOnSuccess(a -> logAnswered(exchange, a))
                .flatMap(a -> spend(exchange, a.totalTokens()).thenReturn(a))
                .doOnError(e -> exchange.log().warn("[SERVER -> CLIENT] failed after {} ms: {}", millisSince(exchange.startedNanos()), describe(e)));
    }

    /** The answer's tokens, spent against the per-client quota and the virtual key's and its tenant's budgets. */
    Mono<Void> spend(Exchange exchange, long tokens) {
        Mono<Void> spent = limits.spend(exchange.stats(), tokens);
        if (keyLimits != null && exchange.grant().isPresent()) {
            spent = spent.then(keyLimits.spend(exchange.grant().get(), exchange.model().id(), tokens));
        }
        return spent;
    }

    /**
     * The circuit breaker's refusal, when it would refuse a call to SAI now. A stream asks before it starts, so the
     * client gets a 503 with {@code Retry-After} (which the SDKs retry on their own) rather than an error event.
     */
    Optional<UpstreamException> refusalBeforeStream(Exchange exchange) {
        Optional<UpstreamException> refused = sai.refusalNow();
        refused.ifPresent(e -> exchange.log().warn("[SERVER -> CLIENT] refused before the stream started: {} (SAI circuit open, retry in {}s)",
                describe(e), e.retryAfterSeconds().orElse(0L)));
        return refused;
    }

    /** One SAI call; after a 401 to a system credential that has since been rotated, once more with the new value. */
    private Mono<SaiAnswer> execute(Exchange exchange, UpstreamCredential credential) {
        return timed(exchange, credential)
                .onErrorResume(e -> e instanceof UpstreamException u && u.code() == ErrorCode.INVALID_API_KEY && isSystem(credential), e ->
                        // Off the HTTP client's event loop: reloading may call the secret store.
                        Mono.fromCallable(() -> credentials.renewed(exchange.log(), credential))
                                .subscribeOn(Schedulers.boundedElastic())
                                .flatMap(renewed -> renewed.map(c -> timed(exchange, c)).orElseGet(() -> Mono.error(e))));
    }

    /**
     * One SAI call (retries and backoff included) in its trace span; its wait is added to the exchange, so the
     * overhead header can leave it out.
     */
    private Mono<SaiAnswer> timed(Exchange exchange, UpstreamCredential credential) {
        return Mono.defer(() -> {
            long started = System.nanoTime();
            Tracing.SaiSpan span = tracing.saiCall(exchange.stats().span(), credential.kind().label());
            AtomicBoolean stopped = new AtomicBoolean();
            Consumer<Throwable> stop = failure -> {
                if (stopped.compareAndSet(false, true)) {
                    exchange.stats().addSaiNanos(System.nanoTime() - started);
                    span.end(failure);
                }
            };
            // On the value, not after completion: the response may leave before a Mono's completion signal arrives.
            return sai.execute(call(exchange, credential, span.headers()))
                    .doOnSuccess(a -> stop.accept(null)).doOnError(stop).doOnCancel(() -> stop.accept(null));
        });
    }

    private static boolean isSystem(UpstreamCredential credential) {
        return credential.kind() == CredentialKind.SYSTEM_KEY || credential.kind() == CredentialKind.SYSTEM_COOKIE;
    }

    private static SaiCall call(Exchange exchange, UpstreamCredential credential, Map<String, String> traceHeaders) {
        return new SaiCall(exchange.log(), exchange.saiBody(), exchange.model().override(), credential, traceHeaders);
    }

    private void logAnswered(Exchange exchange, SaiAnswer answer) {
        metrics.tokens(exchange.model().id(), answer.promptTokens(), answer.completionTokens());
        exchange.stats().tokens(answer.promptTokens(), answer.completionTokens());
        long millis = Math.max(1, millisSince(exchange.startedNanos()));
        long tenthsPerSecond = answer.completionTokens() * 10_000 / millis; // one decimal without String.format on the hot path
        exchange.log().info("[SERVER -> CLIENT] answered | latency={} ms | tokens {} -> {} | {}.{} tok/s | model={} | sai model={}", millis,
                answer.promptTokens(), answer.completionTokens(), tenthsPerSecond / 10, tenthsPerSecond % 10,
                exchange.model().id(), answer.model() == null ? "-" : Printable.oneLine(answer.model(), PREVIEW_CHARS));
    }

    /** The classified failure, never its cause chain: causes can quote upstream bodies. */
    private static String describe(Throwable e) {
        return e instanceof GatewayException g ? g.code().code() + " (" + g.messageKey() + ")" : e.getClass().getSimpleName();
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
