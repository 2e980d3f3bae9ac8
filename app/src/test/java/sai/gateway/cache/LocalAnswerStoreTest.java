package sai.gateway.cache;

import org.junit.jupiter.api.Test;
import sai.gateway.sai.SaiAnswer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-memory store keeps within both bounds, counts what it drops, and forgets after the TTL. */
class LocalAnswerStoreTest {

    private final AtomicInteger evicted = new AtomicInteger();

    private LocalAnswerStore store(Duration ttl, long maxEntries, long maxBytes) {
        return new LocalAnswerStore(new CacheConfiguration(ttl.toMillis() + "ms", maxEntries, maxBytes, false, false), evicted::incrementAndGet);
    }

    @Test
    void atMostMaxEntriesAnswersRightAfterEachWrite() {
        LocalAnswerStore store = store(Duration.ofMinutes(10), 5, 1L << 30);

        for (int i = 0; i < 50; i++) {
            store.keep("k" + i, new SaiAnswer("answer " + i, 1, 1, null));
            assertThat(store.size()).isLessThanOrEqualTo(5);
        }
        assertThat(evicted.get()).isEqualTo(45);
    }

    @Test
    void atMostMaxBytesOfAnswersWhateverTheirCount() {
        long maxBytes = 1_000_000;
        LocalAnswerStore store = store(Duration.ofMinutes(10), 10_000, maxBytes);
        SaiAnswer big = new SaiAnswer("x".repeat(100_000), 1, 1, "m");

        for (int i = 0; i < 30; i++) {
            store.keep("big" + i, big);
        }

        assertThat(store.size() * LocalAnswerStore.bytes(big)).isLessThanOrEqualTo(maxBytes);
        assertThat(store.size()).isPositive();
        assertThat(evicted.get()).isEqualTo(30 - (int) store.size());
    }

    @Test
    void anAnswerIsFoundUntilItsTtlEnds() throws InterruptedException {
        LocalAnswerStore store = store(Duration.ofMillis(300), 100, 1L << 20);
        SaiAnswer answer = new SaiAnswer("kept", 2, 3, "m");

        store.keep("k", answer);

        assertThat(store.find("k").join()).contains(answer);
        assertThat(store.find("other").join()).isEmpty();
        Thread.sleep(600);
        assertThat(store.find("k").join()).isEmpty();
    }
}
