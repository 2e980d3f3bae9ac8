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
     * A random (version 4) UUID from the thread's generator: only unique, never guessed at, so the shared SecureRandom
     * behind UUID.randomUUID(), a lock every request would queue on, is not needed.
     */
    static String recordId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
