package sai.gateway.usage;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sai.gateway.testing.LogCapture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static sai.gateway.usage.UsageFixtures.DAY_ONE;
import static sai.gateway.usage.UsageFixtures.MAPPER;
import static sai.gateway.usage.UsageFixtures.await;
import static sai.gateway.usage.UsageFixtures.record;
import static sai.gateway.usage.UsageFixtures.rollUp;
import static sai.gateway.usage.UsageFixtures.varied;
import static sai.gateway.usage.UsageRecorderTest.dailyRows;

/**
 * Records the database could not take yet: memory first, then the spool files under DATA_DIR, then counted as
 * lost; written once the database answers, at the next start when shutdown came first, never twice.
 */
class UsageSpoolTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;

    private final List<UsageRecorder> recorders = new ArrayList<>();

    @AfterEach
    void closeRecorders() {
        recorders.forEach(UsageRecorder::close);
    }

    private Path spoolDir() {
        return dataDir.resolve("usage-spool");
    }

    private UsageRecorder recorder(TestDatabase db, int memory, long spoolBytes, Duration linger, Duration shutdown, SimpleMeterRegistry registry) {
        UsageRecorder.Limits limits = new UsageRecorder.Limits(500, linger, memory, spoolBytes, 4L << 20,
                Duration.ofMillis(10), Duration.ofMillis(40), shutdown, 90, Duration.ofHours(6));
        UsageRecorder recorder = new UsageRecorder(db, spoolDir(), MAPPER, limits, registry, Clock.systemUTC());
        recorders.add(recorder);
        return recorder;
    }

    /** Bursts smaller than the hand-off queue, each taken by the writer before the next: what is kept then depends on the bounds only. */
    private static void recordInBursts(UsageRecorder recorder, List<UsageRecord> records, int burst) {
        for (int from = 0; from < records.size(); from += burst) {
            records.subList(from, Math.min(records.size(), from + burst)).forEach(recorder::record);
            await("the writer takes the burst", WAIT, () -> recorder.queued() == 0);
        }
    }

    private long spooledLines() {
        if (!Files.isDirectory(spoolDir())) {
            return 0;
        }
        try (Stream<Path> files = Files.list(spoolDir())) {
            return files.filter(f -> f.toString().endsWith(".jsonl")).mapToLong(f -> {
                try {
                    return Files.readAllLines(f).stream().filter(l -> !l.isBlank()).count();
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Same size in JSON each (fixed-width ids and values): spool bounds can be counted in records. */
    private static List<UsageRecord> uniform(int count) {
        List<UsageRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(record(DAY_ONE, "ten-a", "key-a1", "gpt-4o", 200, 1000 + i, 10, 100, false));
        }
        return records;
    }

    private static int lineBytes(UsageRecord record) throws IOException {
        return (MAPPER.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void beyondTheMemoryBoundRecordsGoToTheSpoolAndAreWrittenFromThereOnce() throws Exception {
        TestDatabase db = TestDatabase.create(TestDatabase.Engine.H2);
        db.down.set(true);
        UsageRecorder recorder = recorder(db, 50, 64L << 20, Duration.ofMillis(20), Duration.ofSeconds(5), null);
        List<UsageRecord> records = varied(120);

        recordInBursts(recorder, records, 40);

        await("70 records in the spool", WAIT, () -> spooledLines() == 70);
        assertThat(db.queryLong("SELECT COUNT(*) FROM usage_record")).isZero();
        db.down.set(false);
        assertThat(recorder.flush(WAIT)).isTrue();
        assertThat(db.queryLong("SELECT COUNT(*) FROM usage_record")).isEqualTo(120);
        assertThat(dailyRows(db)).isEqualTo(rollUp(records));
        assertThat(recorder.dropped()).isZero();
        assertThat(spooledLines()).isZero();
    }

    @Test
    void whenMemoryAndSpoolAreFullExactlyTheLostRecordsAreCounted() throws Exception {
        TestDatabase db = TestDatabase.create(TestDatabase.Engine.H2);
        db.down.set(true);
        List<UsageRecord> records = uniform(120);
        int line = lineBytes(records.get(0));
        assertThat(records).allSatisfy(r -> assertThat(lineBytes(r)).isEqualTo(line));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LogCapture logs = LogCapture.attachToRoot();
        try {
            UsageRecorder recorder = recorder(db, 50, 30L * line + line / 2, Duration.ofMillis(20), Duration.ofSeconds(5), registry);

            recordInBursts(recorder, records, 40);

            await("40 records dropped", WAIT, () -> recorder.dropped() == 40);
            assertThat(spooledLines()).isEqualTo(30);
            db.down.set(false);
            assertThat(recorder.flush(WAIT)).isTrue();
            assertThat(db.queryLong("SELECT COUNT(*) FROM usage_record")).isEqualTo(80);
            assertThat(recorder.dropped()).isEqualTo(40);
            // The first 50 (memory) and the next 30 (spool) are kept; the last 40 are the lost ones.
            assertThat(dailyRows(db)).isEqualTo(rollUp(records.subList(0, 80)));
            assertThat(registry.get("sai.gateway.usage.dropped").functionCounter().count()).isEqualTo(40.0);
            assertThat(logs.lines().stream().filter(l -> l.message().contains("being dropped")).count()).isEqualTo(1);
        } finally {
            logs.detach();
        }
    }

    @Test
    void closeWritesWhatIsPendingBeforeItReturns() throws Exception {
        TestDatabase db = TestDatabase.create(TestDatabase.Engine.H2);
        // A linger far longer than the test: only close() can make the writer write these now.
        UsageRecorder recorder = recorder(db, 20_000, 64L << 20, Duration.ofSeconds(60), Duration.ofSeconds(5), null);
        List<UsageRecord> records = varied(10);
        records.forEach(recorder::record);

        long started = System.nanoTime();
        recorder.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(db.queryLong("SELECT COUNT(*) FROM usage_record")).isEqualTo(10);
        assertThat(dailyRows(db)).isEqualTo(rollUp(records));
        assertThat(spooledLines()).isZero();
    }

    @Test
    void whatCloseCannotWriteIsSpooledAndTheNextStartWritesIt() throws Exception {
        TestDatabase db = TestDatabase.create(TestDatabase.Engine.H2);
        db.down.set(true);
        UsageRecorder first = recorder(db, 20_000, 64L << 20, Duration.ofMillis(20), Duration.ofMillis(300), null);
        List<UsageRecord> records = varied(28);
        records.subList(0, 25).forEach(first::record);

        first.close();
        assertThat(spooledLines()).isEqualTo(25);
        // After close: no exception, and not lost either.
        records.subList(25, 28).forEach(first::record);
        first.record(null);
        assertThat(spooledLines()).isEqualTo(28);
        assertThat(first.dropped()).isZero();

        db.down.set(false);
        UsageRecorder second = recorder(db, 20_000, 64L << 20, Duration.ofMillis(20), Duration.ofSeconds(5), null);
        assertThat(second.flush(WAIT)).isTrue();
        assertThat(db.queryLong("SELECT COUNT(*) FROM usage_record")).isEqualTo(28);
        assertThat(dailyRows(db)).isEqualTo(rollUp(records));
        assertThat(spooledLines()).isZero();
    }

    @Test
    void aSpoolFileFromAnEarlierRunIsReplayedAndItsCutLastLineCounted() throws Exception {
        TestDatabase db = TestDatabase.create(TestDatabase.Engine.H2);
        List<UsageRecord> records = varied(5);
        StringBuilder file = new StringBuilder();
        for (UsageRecord r : records) {
            file.append(MAPPER.writeValueAsString(r)).append('\n');
        }
        // A crash in the middle of a write leaves the last line cut short.
        file.append(MAPPER.writeValueAsString(varied(1).get(0)), 0, 30);
        Files.createDirectories(spoolDir());
        Files.writeString(spoolDir().resolve("usage-0000000000001-000000.jsonl"), file);
        // The records were partly committed before the crash: replaying them must not count them twice.
        new UsageStore(db).write(records.subList(0, 2));

        UsageRecorder recorder = recorder(db, 20_000, 64L << 20, Duration.ofMillis(20), Duration.ofSeconds(5), null);

        assertThat(recorder.flush(WAIT)).isTrue();
        assertThat(db.queryLong("SELECT COUNT(*) FROM usage_record")).isEqualTo(5);
        assertThat(dailyRows(db)).isEqualTo(rollUp(records));
        assertThat(recorder.dropped()).isEqualTo(1);
        assertThat(spooledLines()).isZero();
    }

    @Test
    void aMalformedRecordIsWrittenAsTheColumnsAllowAndDoesNotHoldUpOthers() throws Exception {
        TestDatabase db = TestDatabase.create(TestDatabase.Engine.H2);
        UsageRecorder recorder = recorder(db, 20_000, 64L << 20, Duration.ofMillis(20), Duration.ofSeconds(5), null);
        UsageRecord odd = new UsageRecord("odd-1", DAY_ONE, null, "ten-a", null, "chat", "m".repeat(300), false, 200, null,
                1, 2, 3, 4, null, false, 0);
        List<UsageRecord> normal = varied(3);

        recorder.record(odd);
        normal.forEach(recorder::record);

        assertThat(recorder.flush(WAIT)).isTrue();
        assertThat(db.queryLong("SELECT COUNT(*) FROM usage_record")).isEqualTo(4);
        assertThat(db.queryLong("SELECT COUNT(*) FROM usage_daily WHERE model = '" + "m".repeat(200) + "'")).isEqualTo(1);
        assertThat(recorder.dropped()).isZero();
    }
}
