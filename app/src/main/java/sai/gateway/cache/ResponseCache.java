package sai.gateway.cache;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import sai.gateway.auth.CredentialPlan;
import sai.gateway.config.SaiConfiguration;
import sai.gateway.observe.GatewayMetrics;
import sai.gateway.redis.SharedRedis;
import sai.gateway.sai.SaiAnswer;
import sai.gateway.sai.SaiExecuteRequest;
import sai.gateway.tenancy.KeyGrant;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The pipeline's cache step ({@code CACHE_TTL}): exact-match answers, for every API surface, plain and streamed. What is
 * kept is SAI's answer (text, usage, model), never a surface's response, so a hit is shaped for the caller's own API and
 * stream with fresh ids and {@code created}; only answers SAI gave in full are kept, never errors. In memory, or in
 * Redis when {@code REDIS_URL} is set. With the cache off nothing here runs: {@link #ticket} is null.
 */
@Singleton
public class ResponseCache {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseCache.class);

    private final CacheConfiguration config;
    private final String templateId;
    private final GatewayMetrics metrics;
    @Nullable
    private final AnswerStore store;
    /** Calls to SAI whose answer will be kept, by cache key, while they wait for SAI (this replica's only). */
    private final Map<String, Mono<SaiAnswer>> inFlight = new ConcurrentHashMap<>();

    ResponseCache(CacheConfiguration config, SaiConfiguration sai, SharedRedis redis, GatewayMetrics metrics) {
        this.config = config;
        this.templateId = sai.templateId();
        this.metrics = metrics;
        if (!config.enabled()) {
            this.store = null;
        } else if (redis.configured()) {
            this.store = new RedisAnswerStore(redis, config.timeToLive());
            LOG.info("[CACHE] response cache on: TTL {}, in Redis (REDIS_URL), shared by every replica", config.timeToLive());
        } else {
            this.store = new LocalAnswerStore(config, metrics::cacheEviction);
            LOG.info("[CACHE] response cache on: TTL {}, in memory, at most {} answers and {} bytes", config.timeToLive(), config.maxEntries(),
                    config.maxBytes());
        }
    }

    public boolean enabled() {
        return store != null;
    }

    /** {@code CACHE_HITS_COUNT_TOKENS}: whether a hit spends token budgets as SAI's answer did. */
    public boolean hitsCountTokens() {
        return config.hitsCountTokens();
    }

    /** The request's cache key and what its {@code Cache-Control} allows; null with the cache off. */
    @Nullable
    public CacheTicket ticket(HttpRequest<?> http, CredentialPlan plan, Optional<KeyGrant> grant, Optional<String> modelOverride,
                              SaiExecuteRequest body) {
        if (store == null) {
            return null;
        }
        String key = CacheKeys.of(templateId, modelOverride, CacheKeys.scope(plan, grant), body);
        HttpHeaders headers = http.getHeaders();
        return CacheDirectives.ticket(key, headers.getAll(HttpHeaders.CACHE_CONTROL), headers.get(HttpHeaders.PRAGMA));
    }

    /** The kept answer, if the ticket may read one and there is one. */
    public Mono<Optional<SaiAnswer>> find(CacheTicket ticket) {
        if (store == null || !ticket.read()) {
            return Mono.just(Optional.empty());
        }
        Mono<Optional<SaiAnswer>> found = Mono.fromFuture(store.find(ticket.key()));
        // Redis answers on Lettuce's one I/O thread, which every Redis reply of the process waits for: the hit is shaped elsewhere.
        return store instanceof RedisAnswerStore ? found.publishOn(Schedulers.parallel()) : found;
    }

    /** The call of an identical request already waiting for SAI on this replica, if the ticket may read. */
    public Optional<Mono<SaiAnswer>> join(CacheTicket ticket) {
        return ticket.read() ? Optional.ofNullable(inFlight.get(ticket.key())) : Optional.empty();
    }

    /**
     * Starts the request's SAI call. A call whose answer may be kept is shared: it starts at once and runs to its end
     * (within {@code REQUEST_TIMEOUT}) whoever listens, so a client that gives up leaves the answer for its retry;
     * identical requests join it meanwhile, and it is kept when SAI answers unless a newer call ({@code no-cache}) took
     * its place. When an identical request registered its call first (a race with this one's miss), this one gets that
     * call's answer and makes none. With {@code no-store} the call is the request's alone, as without the cache.
     */
    public Mono<SaiAnswer> start(CacheTicket ticket, Supplier<Mono<SaiAnswer>> call) {
        if (!ticket.write()) {
            return call.get();
        }
        String key = ticket.key();
        AtomicReference<Mono<SaiAnswer>> self = new AtomicReference<>();
        Mono<SaiAnswer> shared = Mono.defer(call)
                .flatMap(answer -> {
                    // A no-cache request's newer call replaced this one: the fresher answer is the one to keep.
                    if (inFlight.get(key) != self.get()) {
                        return Mono.just(answer);
                    }
                    CompletableFuture<Void> kept = store.keep(key, answer);
                    return config.awaitWrites() ? Mono.fromFuture(kept).thenReturn(answer) : Mono.just(answer);
                })
                .doFinally(signal -> inFlight.remove(key, self.get()))
                // One subscription to SAI for every joiner, and not cancelled when they leave.
                .cache();
        self.set(shared);
        if (ticket.read()) {
            Mono<SaiAnswer> raced = inFlight.putIfAbsent(key, shared);
            if (raced != null) {
                return raced;
            }
        } else {
            // no-cache: a fresh answer; identical requests arriving now join this one rather than an older call.
            inFlight.put(key, shared);
        }
        // Started here, not by the first listener: a call nobody ends up listening to still ends, and leaves the map.
        shared.subscribe(answer -> { }, failure -> { });
        return shared;
    }

    /** A request answered without its own SAI call: from what was kept, or by joining an identical one. */
    public void hit(long tokensSaved) {
        metrics.cacheHit(tokensSaved);
    }

    /** A request that had to ask SAI (no entry, no-cache or no-store, Redis down, or the call it joined failed). */
    public void miss() {
        metrics.cacheMiss();
    }
}
