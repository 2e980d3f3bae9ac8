package sai.gateway.chat;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
import sai.gateway.limits.ClientLimits;
import sai.gateway.models.ModelCatalog;
import sai.gateway.observe.ExchangeStats;
import sai.gateway.observe.GatewayMetrics;
import sai.gateway.observe.RequestIds;
import sai.gateway.observe.RequestLog;
import sai.gateway.observe.Tracing;
import sai.gateway.openai.ChatMessage;
import sai.gateway.openai.ChatRequest;
import sai.gateway.openai.ChatRequestReader;
import sai.gateway.sai.SaiAnswer;
import sai.gateway.sai.SaiCall;
import sai.gateway.sai.SaiClient;
import sai.gateway.text.Printable;
import sai.gateway.tools.ToolPrompt;
import sai.gateway.translate.ChatResponseMapper.Envelope;
import sai.gateway.translate.ContextBudget;
import sai.gateway.translate.SaiRequestMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import sai.gateway.openai.Role;

/**
 * The request path shared by both response styles: validate and translate (all failures here happen
 * before SAI is called), then call SAI with the credential chain under one time budget.
 */
@Singleton
public class ChatCompletionService {

    private static final Logger LOG = LoggerFactory.getLogger(ChatCompletionService.class);
    private static final int PREVIEW_CHARS = 100;
    /** Anything a log viewer may take for a line break or a terminal for a command: control characters (C0, C1), U+2028/9. */
    private static final Pattern LINE_BREAKING = Pattern.compile("[\\p{Cntrl}\\u0080-\\u009f\\u2028\\u2029]+");
    /** Messages previewed per request with VERBOSE_LOGGING: the first half and the last half of this many. */
    private static final int VERBOSE_MESSAGES = 10;

    private final ChatRequestReader reader;
    private final ModelCatalog models;
    private final CredentialResolver credentials;
    private final SaiClient sai;
    private final JsonMapper json;
    private final SaiConfiguration config;
    private final ToolPrompt toolPrompt;
    private final GatewayMetrics metrics;
    private final ClientLimits limits;
    private final Tracing tracing;
    private final ShutdownCutoff cutoff;

    public ChatCompletionService(ChatRequestReader reader, ModelCatalog models, CredentialResolver credentials,
                                 SaiClient sai, JsonMapper json, SaiConfiguration config, ToolPrompt toolPrompt,
                                 GatewayMetrics metrics, ClientLimits limits, Tracing tracing, ShutdownCutoff cutoff) {
        this.cutoff = cutoff;
        this.metrics = metrics;
        this.limits = limits;
        this.tracing = tracing;
        this.reader = reader;
        this.models = models;
        this.credentials = credentials;
        this.sai = sai;
        this.json = json;
        this.config = config;
        this.toolPrompt = toolPrompt;
    }

    /** Parses, validates and translates; throws a {@code GatewayException} for anything SAI must not see. */
    ChatExchange prepare(HttpRequest<?> httpRequest, byte[] body, @Nullable String headerUserKey, Locale locale) {
        long started = System.nanoTime();
        return prepare(httpRequest, reader.read(body), body.length, "chatcmpl-", headerUserKey, locale, started);
    }

    /**
     * The same path for the other API surfaces (Responses API, legacy completions) once they have read their
     * body into a chat request; {@code idPrefix} starts the id of the answer's envelope.
     */
    public ChatExchange prepare(HttpRequest<?> httpRequest, ChatRequest request, int bodyBytes, String idPrefix, @Nullable String headerUserKey,
                                Locale locale, long started) {
        RequestLog log = new RequestLog(LOG, RequestIds.of(httpRequest));
        ExchangeStats stats = ExchangeStats.of(httpRequest);
        logReceived(log, request, bodyBytes);
        ModelCatalog.ModelChoice model = models.resolve(request.model());
        CredentialPlan plan = credentials.resolve(log, request.bodyUserKey(), headerUserKey);
        stats.credential(plan.primary().kind().label());
        ToolPrompt.Prompted prompted = toolPrompt.apply(log, request);
        SaiRequestMapper.Mapped mapped = SaiRequestMapper.map(prompted.messages(), prompted.instruction(), prompted.toolsJson(),
                System.currentTimeMillis());
        if (mapped.unwrappedPluginMessages() > 0) {
            log.info("[PLUGIN] IDE-wrapped message(s) unwrapped: {}", mapped.unwrappedPluginMessages());
        }
        log.debug("[CLIENT -> SERVER] accepted | model={} | ~{} tokens of {}", model.id(), mapped.estimatedTokens(), config.maxContextTokens());
        Envelope envelope = new Envelope(CompletionIds.next(idPrefix),
                System.currentTimeMillis() / 1000, model.id());
        return new ChatExchange(log, request, model, plan, serialize(mapped), mapped.estimatedTokens(), envelope, locale, started, stats);
    }

    /** The context budget, checked apart from {@link #prepare} so the message error style can still answer in the request's shape. */
    public void enforceBudget(ChatExchange exchange) {
        ContextBudget.enforce(exchange.estimatedTokens(), config.maxContextTokens());
    }

    /**
     * The response, once the per-client limits let the request through (at once when they are off). Before
     * any byte is sent, so a refused stream is an HTTP 429 and not an event.
     */
    public Mono<HttpResponse<?>> whenAdmitted(HttpRequest<?> request, ChatExchange exchange, Supplier<Mono<HttpResponse<?>>> respond) {
        return limits.enabled() ? limits.admit(request, exchange).then(Mono.defer(respond)) : respond.get();
    }

    /**
     * SAI's answer, with one cookie retry after a 429 and the whole exchange bounded by {@code REQUEST_TIMEOUT},
     * and by the end of the grace period when the gateway is stopping.
     */
    public Mono<SaiAnswer> answer(ChatExchange exchange) {
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
                .flatMap(a -> limits.spend(exchange, a.totalTokens()).thenReturn(a))
                .doOnError(e -> exchange.log().warn("[SERVER -> CLIENT] failed after {} ms: {}", millisSince(exchange.startedNanos()), describe(e)));
    }

    /**
     * The circuit breaker's refusal, when it would refuse a call to SAI now. A stream asks before it starts, so the
     * client gets a 503 with {@code Retry-After} (which the SDKs retry on their own) rather than an error event.
     */
    public Optional<UpstreamException> refusalBeforeStream(ChatExchange exchange) {
        Optional<UpstreamException> refused = sai.refusalNow();
        refused.ifPresent(e -> exchange.log().warn("[SERVER -> CLIENT] refused before the stream started: {} (SAI circuit open, retry in {}s)",
                describe(e), e.retryAfterSeconds().orElse(0L)));
        return refused;
    }

    /** One SAI call; after a 401 to a system credential that has since been rotated, once more with the new value. */
    private Mono<SaiAnswer> execute(ChatExchange exchange, UpstreamCredential credential) {
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
    private Mono<SaiAnswer> timed(ChatExchange exchange, UpstreamCredential credential) {
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

    private SaiCall call(ChatExchange exchange, UpstreamCredential credential, Map<String, String> traceHeaders) {
        return new SaiCall(exchange.log(), exchange.saiBody(), exchange.model().override(), credential, traceHeaders);
    }

    private byte[] serialize(SaiRequestMapper.Mapped mapped) {
        try {
            return json.writeValueAsBytes(mapped.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void logReceived(RequestLog log, ChatRequest request, int bytes) {
        Map<Role, Integer> roles = new EnumMap<>(Role.class);
        for (ChatMessage m : request.messages()) {
            roles.merge(m.role(), 1, Integer::sum);
        }
        log.info("[CLIENT -> SERVER] {} messages | roles={} | {} bytes | model={} | stream={} | user key in body={}",
                request.messages().size(), roles, bytes, request.model() == null ? "default" : Printable.oneLine(request.model(), PREVIEW_CHARS), request.stream(),
                request.bodyUserKey() != null);
        if (log.isDebugEnabled()) {
            // Bounded whatever the client sends: the first and the last messages, and a count of the rest.
            int count = request.messages().size();
            int head = count <= VERBOSE_MESSAGES ? count : VERBOSE_MESSAGES / 2;
            for (int i = 0; i < head; i++) {
                logPreview(log, request.messages().get(i), i);
            }
            if (count > head) {
                log.debug("[VERBOSE] ... {} more messages not shown", count - VERBOSE_MESSAGES);
                for (int i = count - VERBOSE_MESSAGES / 2; i < count; i++) {
                    logPreview(log, request.messages().get(i), i);
                }
            }
        }
    }

    private static void logPreview(RequestLog log, ChatMessage m, int index) {
        log.debug("[VERBOSE] [{}] role={} | length={} | preview='{}'", index, m.role().wire(), m.content().length(), preview(m.content()));
    }

    private void logAnswered(ChatExchange exchange, SaiAnswer answer) {
        metrics.tokens(exchange.model().id(), answer.promptTokens(), answer.completionTokens());
        long millis = Math.max(1, millisSince(exchange.startedNanos()));
        long tenthsPerSecond = answer.completionTokens() * 10_000 / millis; // one decimal without String.format on the hot path
        exchange.log().info("[SERVER -> CLIENT] answered | latency={} ms | tokens {} -> {} | {}.{} tok/s | model={} | sai model={}", millis,
                answer.promptTokens(), answer.completionTokens(), tenthsPerSecond / 10, tenthsPerSecond % 10,
                exchange.model().id(), answer.model() == null ? "-" : Printable.oneLine(answer.model(), PREVIEW_CHARS));
    }


    /** Cut before it is cleaned, so a megabyte of content costs no more than a line. */
    private static String preview(String content) {
        int end = Math.min(content.length(), PREVIEW_CHARS);
        if (end > 0 && end < content.length() && Character.isHighSurrogate(content.charAt(end - 1))) {
            end--;
        }
        return LINE_BREAKING.matcher(content.substring(0, end)).replaceAll(" ");
    }

    /** The classified failure, never its cause chain: causes can quote upstream bodies. */
    private static String describe(Throwable e) {
        return e instanceof GatewayException g ? g.code().code() + " (" + g.messageKey() + ")" : e.getClass().getSimpleName();
    }

    static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
