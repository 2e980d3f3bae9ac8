package sai.gateway.cache;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.SetArgs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.redis.SharedRedis;
import sai.gateway.sai.SaiAnswer;
import sai.gateway.text.Printable;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Answers in Redis ({@code REDIS_URL}), shared by every replica: compressed ({@link AnswerCodec}), with the TTL as
 * Redis's expiry. While Redis cannot be reached the cache is skipped (every request a miss, nothing kept), which is
 * logged once per outage, not per request; requests go to SAI as if the cache were off.
 */
final class RedisAnswerStore implements AnswerStore {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseCache.class);
    private static final String PREFIX = "sai-gateway:cache:";

    private final SharedRedis redis;
    private final long ttlMillis;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicBoolean refusing = new AtomicBoolean();

    RedisAnswerStore(SharedRedis redis, Duration ttl) {
        this.redis = redis;
        this.ttlMillis = Math.max(1, ttl.toMillis());
    }

    @Override
    public CompletableFuture<Optional<SaiAnswer>> find(String key) {
        return redis.connection()
                .thenCompose(connection -> connection.async().get(PREFIX + key).toCompletableFuture())
                .handle((value, error) -> {
                    if (error != null) {
                        failed(error);
                        return Optional.empty();
                    }
                    answered();
                    return value == null ? Optional.empty() : AnswerCodec.decode(value);
                });
    }

    @Override
    public CompletableFuture<Void> keep(String key, SaiAnswer answer) {
        byte[] value = AnswerCodec.encode(answer);
        return redis.connection()
                .thenCompose(connection -> connection.async().set(PREFIX + key, value, SetArgs.Builder.px(ttlMillis)).toCompletableFuture())
                .whenComplete((ok, error) -> {
                    if (error == null) {
                        answered();
                        if (refusing.compareAndSet(true, false)) {
                            LOG.info("[CACHE] Redis keeps answers again");
                        }
                    } else if (cause(error) instanceof RedisCommandExecutionException refused) {
                        refusedToKeep(refused);
                    } else {
                        failed(error);
                    }
                })
                .handle((ok, error) -> null);
    }

    /**
     * Redis answered, with an error: it is up but will not keep the answer (OOM under {@code maxmemory-policy noeviction},
     * READONLY on a replica after a failover). Reads still work, so this is not an outage: one warning until it keeps
     * answers again, naming Redis's error word only.
     */
    private void refusedToKeep(RedisCommandExecutionException refused) {
        if (refusing.compareAndSet(false, true)) {
            String message = refused.getMessage() == null ? "" : refused.getMessage().strip();
            String word = message.isEmpty() ? "error" : message.split("\\s+", 2)[0];
            LOG.warn("[CACHE] Redis refuses to keep answers ({}): requests are answered, but nothing new is kept until it accepts "
                    + "writes again (with maxmemory, use an eviction policy such as volatile-lru)", Printable.oneLine(word, 40));
        }
    }

    private static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private void failed(Throwable error) {
        if (down.compareAndSet(false, true)) {
            Throwable cause = cause(error);
            LOG.error("[CACHE] Redis cannot be reached ({}): the response cache is skipped, requests go to SAI until it answers again",
                    cause.getClass().getSimpleName());
        }
    }

    private void answered() {
        if (down.compareAndSet(true, false)) {
            LOG.info("[CACHE] Redis answers again: the response cache is used");
        }
    }
}
