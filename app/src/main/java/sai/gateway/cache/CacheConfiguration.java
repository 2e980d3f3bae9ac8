package sai.gateway.cache;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.ConversionService;
import sai.gateway.config.Setting;

import java.time.Duration;

/**
 * The response cache: off unless {@code CACHE_TTL} is a duration above zero. In memory it keeps at most
 * {@code CACHE_MAX_ENTRIES} answers and {@code CACHE_MAX_BYTES} of them; in Redis ({@code REDIS_URL}) the TTL is Redis's
 * expiry and Redis's own memory policy bounds the rest. {@code CACHE_HITS_COUNT_TOKENS}: whether an answer served from
 * the cache spends token budgets as if SAI had answered. {@code awaitWrites} (not an operator's setting: true on Lambda) holds
 * the answer until Redis confirmed keeping it, since a Lambda's environment may freeze as soon as the answer is out.
 */
@ConfigurationProperties(CacheConfiguration.PREFIX)
public record CacheConfiguration(@Nullable String ttl, long maxEntries, long maxBytes, boolean hitsCountTokens, boolean awaitWrites) {

    public static final String PREFIX = "cache";

    public CacheConfiguration {
        // Bound as text: "0" without a unit means off, and Micronaut's duration conversion does not read it.
        ttl = ttl == null ? "" : ttl.strip();
        Setting.CACHE_TTL.require(ttl);
        Setting.CACHE_MAX_ENTRIES.require(maxEntries);
        Setting.CACHE_MAX_BYTES.require(maxBytes);
    }

    /** How long an answer is kept; zero with the cache off. */
    public Duration timeToLive() {
        return ttl.isEmpty() || ttl.equals("0") ? Duration.ZERO : ConversionService.SHARED.convertRequired(ttl, Duration.class);
    }

    public boolean enabled() {
        return !timeToLive().isZero();
    }
}
