package sai.gateway.limits;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.api.StatefulRedisConnection;
import sai.gateway.redis.SharedRedis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Buckets in Redis through Bucket4j's Lettuce integration (compare-and-swap in a Lua script), so every
 * replica draws from the same bucket, over the process's one {@link SharedRedis} connection. When Redis is
 * down, operations fail fast and {@link ClientLimits} fails open or closed.
 */
final class RedisLimitStore implements LimitStore {

    private static final String PREFIX = "sai-gateway:limits:";

    private final SharedRedis redis;
    private CompletableFuture<StatefulRedisConnection<String, byte[]>> connectedWith;
    private CompletableFuture<AsyncProxyManager<String>> buckets;

    RedisLimitStore(SharedRedis redis) {
        this.redis = redis;
    }

    @Override
    public CompletableFuture<ConsumptionProbe> takeRequest(String key, BucketConfiguration configuration) {
        return with(key, configuration, bucket -> bucket.tryConsumeAndReturnRemaining(1));
    }

    @Override
    public CompletableFuture<Long> tokensLeft(String key, BucketConfiguration configuration) {
        return with(key, configuration, AsyncBucketProxy::getAvailableTokens);
    }

    @Override
    public CompletableFuture<Long> tokensLeft(String key, BucketConfiguration configuration, LongSupplier alreadySpent) {
        return tokensLeft(key, configuration);
    }

    @Override
    public CompletableFuture<Long> spendTokens(String key, BucketConfiguration configuration, long tokens) {
        return with(key, configuration, bucket -> bucket.consumeIgnoringRateLimits(tokens));
    }

    private <T> CompletableFuture<T> with(String key, BucketConfiguration configuration, Function<AsyncBucketProxy, CompletableFuture<T>> operation) {
        return manager().thenCompose(manager -> operation.apply(
                manager.builder().build(PREFIX + key, configuration)));
    }

    /** One proxy manager per connection: a new one only after the shared connection was opened again. */
    private synchronized CompletableFuture<AsyncProxyManager<String>> manager() {
        CompletableFuture<StatefulRedisConnection<String, byte[]>> connection = redis.connection();
        if (connection != connectedWith) {
            connectedWith = connection;
            buckets = connection.thenApply(this::proxyManager);
        }
        return buckets;
    }

    private AsyncProxyManager<String> proxyManager(StatefulRedisConnection<String, byte[]> connection) {
        return Bucket4jLettuce.casBasedBuilder(connection)
                // A key outlives its bucket's refill by a minute at most: idle clients leave nothing behind.
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .build()
                .asAsync();
    }

    @Override
    public void close() {
        // The connection is SharedRedis's, closed with it.
    }
}
