package sai.gateway.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micronaut.context.annotation.Bean;
import jakarta.inject.Singleton;
import sai.gateway.limits.LimitsConfiguration;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The one Redis connection of {@code REDIS_URL}, shared by the limits and the response cache: one client, one socket,
 * one set of Lettuce threads per process. Opened on first use, asynchronously; while Redis is down, commands fail
 * fast (they are rejected while disconnected and time out after {@link #TIMEOUT}), and after a failed connection
 * requests do not each try again for a few seconds. Lettuce reconnects an established connection by itself.
 */
@Singleton
@Bean(preDestroy = "close")
public final class SharedRedis implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final long RECONNECT_PAUSE_NANOS = Duration.ofSeconds(5).toNanos();

    private final String url;
    private RedisClient client;
    private CompletableFuture<StatefulRedisConnection<String, byte[]>> connection;
    private long attemptedAtNanos;
    private boolean closed;

    public SharedRedis(LimitsConfiguration config) {
        this.url = config.redisUrl();
    }

    /** Whether {@code REDIS_URL} is set: without it, nothing here ever connects. */
    public boolean configured() {
        return !url.isEmpty();
    }

    /** The connection, or its failure; the same future until a failed one is old enough to try again. */
    public synchronized CompletableFuture<StatefulRedisConnection<String, byte[]>> connection() {
        if (closed || !configured()) {
            return CompletableFuture.failedFuture(new IllegalStateException(closed ? "closed" : "REDIS_URL is not set"));
        }
        boolean failed = connection != null && connection.isCompletedExceptionally();
        if (connection == null || (failed && System.nanoTime() - attemptedAtNanos > RECONNECT_PAUSE_NANOS)) {
            attemptedAtNanos = System.nanoTime();
            RedisURI uri = RedisURI.create(url);
            uri.setTimeout(TIMEOUT);
            connection = client().connectAsync(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE), uri).toCompletableFuture();
        }
        return connection;
    }

    private RedisClient client() {
        if (client == null) {
            client = RedisClient.create();
            client.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).build())
                    .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
                    .build());
        }
        return client;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (client != null) {
            client.shutdown(Duration.ZERO, TIMEOUT);
        }
    }
}
