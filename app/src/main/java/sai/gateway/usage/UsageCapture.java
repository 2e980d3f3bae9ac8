package sai.gateway.usage;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.observe.ExchangeListener;
import sai.gateway.observe.ExchangeStats;
import sai.gateway.observe.RequestIds;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One usage record per request an API surface read (answered, refused or failed), when its last byte has left:
 * a stream's record is written when the stream ends, with the tokens SAI reported. Other routes (models, health,
 * admin) leave none. Hands the record to the {@link UsageRecorder}, which never blocks.
 */
@Singleton
@Requires(condition = TenancyEnabled.class)
final class UsageCapture implements ExchangeListener {

    private final UsageRecorder recorder;

    UsageCapture(UsageRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void finished(HttpRequest<?> request, int status, ExchangeStats stats) {
        String surface = stats.surface();
        if (surface == null) {
            return;
        }
        long now = System.nanoTime();
        recorder.record(new UsageRecord(recordId(), Instant.now(), RequestIds.of(request), stats.tenantId(), stats.keyId(),
                surface, stats.model(), stats.stream(), status, stats.errorCode(), stats.promptTokens(), stats.completionTokens(),
                (now - stats.startedNanos()) / 1_000_000, stats.saiNanos() / 1_000_000, stats.credential(), stats.cacheHit(),
                stats.tokensSaved()));
    }

    /**
     * A time-ordered (version 7, RFC 9562) UUID: the current millisecond, then 74 random bits from the thread's
     * generator. Records are inserted in roughly the order of their ids, so each insert lands at the end of the primary
     * key's index instead of on a random page of it; with random (version 4) ids the embedded database read and rewrote
     * pages all over the table, a sixth of everything the gateway allocated with usage records on (issue 16's note).
     * Unique either way; never guessed at: the shared SecureRandom behind UUID.randomUUID(), a lock every request would
     * queue on, is not needed.
     */
    static String recordId() {
        return recordId(System.currentTimeMillis(), ThreadLocalRandom.current());
    }

    static String recordId(long epochMillis, java.util.random.RandomGenerator random) {
        long high = (epochMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
