package sai.gateway.cache;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import sai.gateway.auth.CredentialPlan;
import sai.gateway.config.SaiConfiguration;
import sai.gateway.observe.GatewayMetrics;
import sai.gateway.redis.SharedRedis;
import sai.gateway.sai.SaiAnswer;
import sai.gateway.sai.SaiExecuteRequest;
import sai.gateway.tenancy.KeyGrant;

import java.util.Map;
import java.util.Optional;
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
        return Mono.fromFuture(store.find(ticket.key()));
    }

    /**
     * SAI's answer for a request the cache could not answer from what it keeps: the answer of an identical request
     * already waiting for SAI on this replica, if the ticket may read ({@link Flight#joined}), else {@code call}'s. A call
     * whose answer may be kept is shared: it is kept when SAI answers, identical requests join it meanwhile, and it runs
     * to its end (within {@code REQUEST_TIMEOUT}) even if its client leaves, so that the client's retry finds its answer
     * instead of asking SAI again. With {@code no-store} the call is the request's alone, as without the cache.
     */
    public Flight flight(CacheTicket ticket, Supplier<Mono<SaiAnswer>> call) {
        if (ticket.read()) {
            Mono<SaiAnswer> running = inFlight.get(ticket.key());
            if (running != null) {
                return new Flight(running, true);
            }
        }
        if (!ticket.write()) {
            return new Flight(call.get(), false);
        }
        AtomicReference<Mono<SaiAnswer>> self = new AtomicReference<>();
        Mono<SaiAnswer> shared = call.get()
                .doOnNext(answer -> keep(ticket, answer))
                .doFinally(signal -> inFlight.remove(ticket.key(), self.get()))
                // One subscription to SAI for every joiner, and not cancelled when they leave.
                .cache();
        self.set(shared);
        if (!ticket.read()) {
            // no-cache: a fresh answer; identical requests arriving now join this one rather than an older call.
            inFlight.put(ticket.key(), shared);
            return new Flight(shared, false);
        }
        Mono<SaiAnswer> raced = inFlight.putIfAbsent(ticket.key(), shared);
        return raced == null ? new Flight(shared, false) : new Flight(raced, true);
    }

    /** Keeps an answer SAI gave in full, if the ticket may write; never delays the response. */
    public void keep(CacheTicket ticket, SaiAnswer answer) {
        if (store != null && ticket.write()) {
            store.keep(ticket.key(), answer);
        }
    }

    /** A request answered without its own SAI call: from what was kept, or by joining an identical one. */
    public void hit(long tokensSaved) {
        metrics.cacheHit(tokensSaved);
    }

    /** A request that had to ask SAI (no entry, no-cache or no-store, Redis down, or the call it joined failed). */
    public void miss() {
        metrics.cacheMiss();
    }

    /** SAI's answer to come; {@code joined}: another request's call, which this request did not make. */
    public record Flight(Mono<SaiAnswer> answer, boolean joined) {
    }
}
