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

import java.util.Optional;

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

    ResponseCache(CacheConfiguration config, SaiConfiguration sai, SharedRedis redis, GatewayMetrics metrics) {
        this.config = config;
        this.templateId = sai.templateId();
        this.metrics = metrics;
        if (!config.enabled()) {
            this.store = null;
        } else if (redis.configured()) {
            this.store = new RedisAnswerStore(redis, config.ttl());
            LOG.info("[CACHE] response cache on: TTL {}, in Redis (REDIS_URL), shared by every replica", config.ttl());
        } else {
            this.store = new LocalAnswerStore(config, metrics::cacheEviction);
            LOG.info("[CACHE] response cache on: TTL {}, in memory, at most {} answers and {} bytes", config.ttl(), config.maxEntries(),
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

    /** The kept answer, if the ticket may read one and there is one; counted as a hit or a miss. */
    public Mono<Optional<SaiAnswer>> find(CacheTicket ticket) {
        if (store == null || !ticket.read()) {
            metrics.cacheMiss();
            return Mono.just(Optional.empty());
        }
        return Mono.fromFuture(store.find(ticket.key())).doOnNext(found -> {
            if (found.isPresent()) {
                metrics.cacheHit(found.get().totalTokens());
            } else {
                metrics.cacheMiss();
            }
        });
    }

    /** Keeps an answer SAI gave in full, if the ticket may write; never delays the response. */
    public void keep(CacheTicket ticket, SaiAnswer answer) {
        if (store != null && ticket.write()) {
            store.keep(ticket.key(), answer);
        }
    }
}
