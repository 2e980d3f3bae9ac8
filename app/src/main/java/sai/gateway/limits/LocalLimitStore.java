package sai.gateway.limits;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Buckets in this process, for a single replica. The least recently used client is forgotten beyond
 * {@link #MAX_CLIENTS}, so a flood of distinct addresses cannot grow the heap; a forgotten client starts
 * again with a full bucket.
 */
final class LocalLimitStore implements LimitStore {

    static final int MAX_CLIENTS = 100_000;

    private final Map<String, Bucket> buckets = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_CLIENTS;
        }
    });

    @Override
    public CompletableFuture<ConsumptionProbe> takeRequest(String key, BucketConfiguration configuration) {
        return CompletableFuture.completedFuture(bucket(key, configuration).tryConsumeAndReturnRemaining(1));
    }

    @Override
    public CompletableFuture<Long> tokensLeft(String key, BucketConfiguration configuration) {
        return CompletableFuture.completedFuture(bucket(key, configuration).getAvailableTokens());
    }

    @Override
    public CompletableFuture<Long> tokensLeft(String key, BucketConfiguration configuration, LongSupplier alreadySpent) {
        Bucket bucket = buckets.computeIfAbsent(key, k -> {
            Bucket created = newBucket(configuration);
            long spent = alreadySpent.getAsLong();
            if (spent > 0) {
                created.consumeIgnoringRateLimits(spent);
            }
            return created;
        });
        return CompletableFuture.completedFuture(bucket.getAvailableTokens());
    }

    @Override
    public CompletableFuture<Long> spendTokens(String key, BucketConfiguration configuration, long tokens) {
        return CompletableFuture.completedFuture(bucket(key, configuration).consumeIgnoringRateLimits(tokens));
    }

    private Bucket bucket(String key, BucketConfiguration configuration) {
        return buckets.computeIfAbsent(key, k -> newBucket(configuration));
    }

    private static Bucket newBucket(BucketConfiguration configuration) {
        var builder = Bucket.builder();
        for (var bandwidth : configuration.getBandwidths()) {
            builder.addLimit(bandwidth);
        }
        return builder.build();
    }

    @Override
    public void close() {
        buckets.clear();
    }
}
