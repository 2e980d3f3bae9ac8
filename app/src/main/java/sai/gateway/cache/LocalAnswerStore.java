package sai.gateway.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import sai.gateway.sai.SaiAnswer;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Answers in this process's memory (Caffeine), for the TTL, bounded both by count and by size. Caffeine takes one
 * bound, a total weight: every answer weighs its size in bytes, but at least {@code maxBytes / maxEntries}, so the
 * total stays under {@code maxBytes} and the count under {@code maxEntries}, whichever is reached first.
 */
final class LocalAnswerStore implements AnswerStore {

    /** The record, its strings' headers and the map's entry: roughly, per answer, beyond its characters. */
    private static final int OVERHEAD_BYTES = 200;

    private final Cache<String, SaiAnswer> answers;

    LocalAnswerStore(CacheConfiguration config, Runnable evicted) {
        long slot = Math.max(1, config.maxBytes() / config.maxEntries());
        this.answers = Caffeine.newBuilder()
                .expireAfterWrite(config.timeToLive())
                .maximumWeight(config.maxBytes())
                .weigher((String key, SaiAnswer answer) -> (int) Math.min(Integer.MAX_VALUE, Math.max(slot, bytes(answer))))
                .evictionListener((key, answer, cause) -> evicted.run())
                // Evictions on the writing thread, at once: the bounds hold after every write, not whenever a pool gets to it.
                .executor(Runnable::run)
                .build();
    }

    /** Java strings hold up to two bytes per character (Latin-1 text one); counted at two, so the bound holds for any text. */
    static long bytes(SaiAnswer answer) {
        return OVERHEAD_BYTES + 2L * (answer.text().length() + (answer.model() == null ? 0 : answer.model().length()));
    }

    @Override
    public CompletableFuture<Optional<SaiAnswer>> find(String key) {
        return CompletableFuture.completedFuture(Optional.ofNullable(answers.getIfPresent(key)));
    }

    @Override
    public CompletableFuture<Void> keep(String key, SaiAnswer answer) {
        answers.put(key, answer);
        return CompletableFuture.completedFuture(null);
    }

    /** For tests: the entries kept now, after Caffeine's pending evictions. */
    long size() {
        answers.cleanUp();
        return answers.estimatedSize();
    }
}
