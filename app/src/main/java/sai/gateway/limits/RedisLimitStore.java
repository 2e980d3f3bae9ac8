package sai.gateway.limits;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Buckets in Redis through Bucket4j's Lettuce integration (compare-and-swap in a Lua script), so every
 * replica draws from the same bucket. The connection is opened on first use, asynchronously; when Redis is
 * down, operations fail fast (commands are rejected while disconnected and time out after
 * {@link #TIMEOUT}) and {@link ClientLimits} fails open or closed. Lettuce reconnects by itself.
 */
final class RedisLimitStore implements LimitStore {

    static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** After a failed connection, requests do not each try again. */
    private static final long RECONNECT_PAUSE_NANOS = Duration.ofSeconds(5).toNanos();
    private static final String PREFIX = "sai-gateway:limits:";

    private final RedisClient client;
    private final RedisURI uri;
    private CompletableFuture<AsyncProxyManager<String>> buckets;
    private long attemptedAtNanos;

    RedisLimitStore(String url) {
        this.uri = RedisURI.create(url);
        uri.setTimeout(TIMEOUT);
        this.client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).build())
                .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
                .build());
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

    private synchronized CompletableFuture<AsyncProxyManager<String>> manager() {
        boolean failed = buckets != null && buckets.isCompletedExceptionally();
        if (buckets == null || (failed && System.nanoTime() - attemptedAtNanos > RECONNECT_PAUSE_NANOS)) {
            attemptedAtNanos = System.nanoTime();
            buckets = client.connectAsync(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE), uri)
                    .toCompletableFuture()
                    .thenApply(this::proxyManager);
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
        client.shutdown(Duration.ZERO, TIMEOUT);
    }
}
