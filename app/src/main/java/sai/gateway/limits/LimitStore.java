package sai.gateway.limits;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;

import java.util.concurrent.CompletableFuture;

/** Where the buckets live: this process, or Redis. Every operation is asynchronous so the event loop never waits on Redis. */
interface LimitStore extends AutoCloseable {

    /** Takes one request from the client's bucket (or learns that it is empty). */
    CompletableFuture<ConsumptionProbe> takeRequest(String key, BucketConfiguration configuration);

    /** Tokens left today; below zero once answers have overspent the quota. */
    CompletableFuture<Long> tokensLeft(String key, BucketConfiguration configuration);

    /**
     * Tokens left in a bucket that, when this process has never seen it, first spends {@code alreadySpent}: what the
     * database says was used in the bucket's period before this process started. Only the in-memory store needs it;
     * Redis keeps its buckets across restarts.
     */
    CompletableFuture<Long> tokensLeft(String key, BucketConfiguration configuration, java.util.function.LongSupplier alreadySpent);

    /** Spends tokens already used by an answer, even past zero. */
    CompletableFuture<Long> spendTokens(String key, BucketConfiguration configuration, long tokens);

    @Override
    void close();
}
