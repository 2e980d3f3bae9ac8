package sai.gateway.usage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import sai.gateway.testing.LogCapture;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static sai.gateway.usage.UsageFixtures.await;
import static sai.gateway.usage.UsageFixtures.record;
import static sai.gateway.usage.UsageFixtures.rollUp;
import static sai.gateway.usage.UsageFixtures.varied;

/**
 * What the usage writer leaves in the database, on H2 (PostgreSQL mode) and on a real PostgreSQL: every record
 * once, roll-ups equal to the records, nothing added twice when a commit's answer is lost or a batch is written
 * again, nothing lost while the database is away, concurrent writers adding up, retention sparing the roll-ups.
 */
class UsageRecorderTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;

    private final List<UsageRecorder> recorders = new ArrayList<>();

    @AfterEach
    void closeRecorders() {
        recorders.forEach(UsageRecorder::close);
    }

    @AfterAll
    static void stopPostgres() {
        TestDatabase.stopPostgres();
    }

    private UsageRecorder recorder(TestDatabase db, UsageRecorder.Limits limits) {
        UsageRecorder recorder = new UsageRecorder(db, dataDir.resolve("usage-spool"), UsageFixtures.MAPPER, limits, null, Clock.systemUTC());
        recorders.add(recorder);
        return recorder;
    }

    static UsageRecorder.Limits fast() {
        return new UsageRecorder.Limits(500, Duration.ofMillis(20), 20_000, 64L << 20, 4L << 20,
                Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(5), 90, Duration.ofHours(6));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Engine.class)
    void rowsAndRollUpsEqualWhatWasRecorded(TestDatabase.Engine engine) throws Exception {
        TestDatabase db = TestDatabase.create(engine);
        UsageRecorder recorder = recorder(db, fast());
        List<UsageRecord> records = varied(1_234);

        records.forEach(recorder::record);

        assertThat(recorder.flush(WAIT)).isTrue();
        assertThat(db.queryLong("SELECT COUNT(*) FROM usage_record")).isEqualTo(1_234);
        assertThat(db.queryLong("SELECT SUM(prompt_tokens + completion_tokens) FROM usage_record"))
                .isEqualTo(records.stream().mapToLong(UsageRecord::totalTokens).sum());
        assertThat(dailyRows(db)).isEqualTo(rollUp(records));
        assertThat(recorder.written()).isEqualTo(1_234);
        assertThat(recorder.dropped()).isZero();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Engine.class)
    void aRecordReadsBackAsItWasRecorded(TestDatabase.Engine engine) throws Exception {
        TestDatabase db = TestDatabase.create(engine);
        UsageRecorder recorder = recorder(db, fast());
        UsageRecord sent = new UsageRecord("id-1", Instant.parse("2031-03-04T23:59:59.999Z"), "req-1", null, "key-1", "messages",
                "claude-sonnet", true, 429, "rate_limited", 7, 0, 12, 5, "system", true, 19);

        recorder.record(sent);

        assertThat(recorder.flush(WAIT)).isTrue();
        try (Connection c = db.direct().getConnection(); Statement s = c.createStatement();
             ResultSet row = s.executeQuery("SELECT id, occurred_at, request_id, tenant_id, key_id, surface, model, stream, status, "
                     + "error_code, prompt_tokens, completion_tokens, latency_ms, sai_latency_ms, credential, cache_hit, tokens_saved "
                     + "FROM usage_record")) {
            assertThat(row.next()).isTrue();
            UsageRecord read = new UsageRecord(row.getString(1), row.getObject(2, java.time.OffsetDateTime.class).toInstant(),
                    row.getString(3), row.getString(4), row.getString(5), row.getString(6), row.getString(7), row.getBoolean(8),
                    row.getInt(9), row.getString(10), row.getLong(11), row.getLong(12), row.getLong(13), row.getLong(14),
                    row.getString(15), row.getBoolean(16), row.getLong(17));
            assertThat(read).isEqualTo(sent);
        }
        // The UTC day of occurred_at, '' for the missing tenant, and a 429 with an error code counts as an error.
        assertThat(dailyRows(db)).containsExactly(Map.entry("2031-03-04||key-1|claude-sonnet", List.of(1L, 1L, 7L, 0L, 12L, 1L, 19L)));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Engine.class)
    void aBatchWrittenTwiceAddsNothing(TestDatabase.Engine engine) throws Exception {
        TestDatabase db = TestDatabase.create(engine);
        UsageStore store = new UsageStore(db);
        List<UsageRecord> records = varied(300);

        assertThat(store.write(records)).isEqualTo(300);
        assertThat(store.write(records)).isZero();
        List<UsageRecord> overlapping = new ArrayList<>(records.subList(250, 300));
        List<UsageRecord> fresh = varied(20);
        overlapping.addAll(fresh);
        assertThat(store.write(overlapping)).isEqualTo(20);

        List<UsageRecord> all = new ArrayList<>(records);
        all.addAll(fresh);
        assertThat(db.queryLong("SELECT COUNT(*) FROM usage_record")).isEqualTo(320);
        assertThat(dailyRows(db)).isEqualTo(rollUp(all));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Engine.class)
    void aCommitWhoseAnswerIsLostIsNotCountedTwice(TestDatabase.Engine engine) throws Exception {
        TestDatabase db = TestDatabase.create(engine);
        UsageRecorder recorder = recorder(db, fast());
        List<UsageRecord> records = varied(200);
        db.loseNextCommitAnswer.set(true);

        records.forEach(recorder::record);

        assertThat(recorder.flush(WAIT)).isTrue();
        assertThat(db.loseNextCommitAnswer).isFalse();
        assertThat(db.queryLong("SELECT COUNT(*) FROM usage_record")).isEqualTo(200);
        assertThat(dailyRows(db)).isEqualTo(rollUp(records));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Engine.class)
    void whileTheDatabaseIsDownRecordsWaitAndAreWrittenOnceItAnswers(TestDatabase.Engine engine) throws Exception {
        TestDatabase db = TestDatabase.create(engine);
        LogCapture logs = LogCapture.attachToRoot();
        try {
            db.down.set(true);
            UsageRecorder recorder = recorder(db, fast());
            List<UsageRecord> records = varied(700);

            records.subList(0, 400).forEach(recorder::record);
            await("several failed attempts", WAIT, () -> db.refusedConnections.get() >= 4);
            records.subList(400, 700).forEach(recorder::record);
            assertThat(recorder.flush(Duration.ofMillis(200))).isFalse();
            assertThat(db.queryLong("SELECT COUNT(*) FROM usage_record")).isZero();
            db.down.set(false);

            assertThat(recorder.flush(WAIT)).isTrue();
            assertThat(db.queryLong("SELECT COUNT(*) FROM usage_record")).isEqualTo(700);
            assertThat(dailyRows(db)).isEqualTo(rollUp(records));
            assertThat(recorder.dropped()).isZero();
            await("the recovery line", WAIT, () -> logs.text().contains("database answers again"));
            List<String> usageLines = logs.lines().stream().filter(l -> l.message().startsWith("[USAGE]")).map(LogCapture.Line::message).toList();
            assertThat(usageLines).containsExactly(
                    "[USAGE] database unreachable (SQLTransientConnectionException, SQLState 08001): usage records are kept in memory and then in "
                            + dataDir.resolve("usage-spool") + " until it answers",
                    "[USAGE] database answers again: 700 records written");
            assertThat(logs.text()).doesNotContain("rec-0", "test: database down");
        } finally {
            logs.detach();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Engine.class)
    void concurrentWritersToTheSameRollUpRowsLoseNoIncrement(TestDatabase.Engine engine) throws Exception {
        TestDatabase db = TestDatabase.create(engine);
        // Two gateway replicas: their own stores over one database, the same days, tenants, keys and models.
        UsageStore first = new UsageStore(db);
        UsageStore second = new UsageStore(db);
        List<List<UsageRecord>> batchesA = new ArrayList<>();
        List<List<UsageRecord>> batchesB = new ArrayList<>();
        List<UsageRecord> all = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            List<UsageRecord> a = varied(40);
            List<UsageRecord> b = varied(40);
            batchesA.add(a);
            batchesB.add(b);
            all.addAll(a);
            all.addAll(b);
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Future<Integer> a = pool.submit(() -> writeAll(first, batchesA, start));
            Future<Integer> b = pool.submit(() -> writeAll(second, batchesB, start));
            start.countDown();
            assertThat(a.get() + b.get()).isEqualTo(2_400);
        } finally {
            pool.shutdownNow();
        }
        assertThat(dailyRows(db)).isEqualTo(rollUp(all));
    }

    private static int writeAll(UsageStore store, List<List<UsageRecord>> batches, CountDownLatch start) throws Exception {
        start.await();
        int inserted = 0;
        for (List<UsageRecord> batch : batches) {
            inserted += store.write(batch);
        }
        return inserted;
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Engine.class)
    void retentionDeletesOldRawRowsAndKeepsTheRollUps(TestDatabase.Engine engine) throws Exception {
        TestDatabase db = TestDatabase.create(engine);
        Instant now = Instant.parse("2031-06-01T12:00:00Z");
        UsageRecorder.Limits limits = new UsageRecorder.Limits(500, Duration.ofMillis(20), 20_000, 64L << 20, 4L << 20,
                Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(5), 30, Duration.ofHours(6));
        UsageRecorder recorder = new UsageRecorder(db, dataDir.resolve("usage-spool"), UsageFixtures.MAPPER, limits, null,
                Clock.fixed(now, ZoneOffset.UTC));
        recorders.add(recorder);
        List<UsageRecord> old = new ArrayList<>();
        List<UsageRecord> recent = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            old.add(record(now.minus(Duration.ofDays(31)).minusSeconds(i), "ten-a", "key-a1", "gpt-4o", 200, 5, 5, 10, false));
            recent.add(record(now.minus(Duration.ofDays(29)).plusSeconds(i), "ten-a", "key-a1", "gpt-4o", 200, 7, 1, 10, false));
        }
        old.forEach(recorder::record);
        recent.forEach(recorder::record);
        assertThat(recorder.flush(WAIT)).isTrue();

        recorder.prune();

        assertThat(db.queryLong("SELECT COUNT(*) FROM usage_record")).isEqualTo(25);
        assertThat(db.queryLong("SELECT COUNT(*) FROM usage_record WHERE prompt_tokens = 7")).isEqualTo(25);
        List<UsageRecord> both = new ArrayList<>(old);
        both.addAll(recent);
        assertThat(dailyRows(db)).isEqualTo(rollUp(both));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Engine.class)
    void totalsAndBudgetsReadTheRollUps(TestDatabase.Engine engine) throws Exception {
        TestDatabase db = TestDatabase.create(engine);
        UsageStore store = new UsageStore(db);
        Instant d1 = Instant.parse("2031-03-04T08:00:00Z");
        Instant d2 = Instant.parse("2031-03-05T08:00:00Z");
        Instant d3 = Instant.parse("2031-03-06T08:00:00Z");
        store.write(List.of(
                record(d1, "ten-a", "key-a1", "gpt-4o", 200, 100, 10, 50, false),
                record(d1, "ten-a", "key-a2", "gpt-4o", 500, 1, 0, 5, false),
                record(d2, "ten-a", "key-a1", "claude", 200, 20, 2, 40, true),
                record(d2, "ten-b", "key-b1", "gpt-4o", 200, 300, 30, 70, false),
                record(d2, null, null, "gpt-4o", 200, 9, 9, 1, false),
                record(d3, "ten-b", "key-b1", "gpt-4o", 200, 4, 4, 1, false)));
        UsageTotals totals = new UsageTotals(db, false);

        assertThat(totals.tokensByScopeSince(LocalDate.parse("2031-03-05"))).isEqualTo(Map.ofEntries(
                Map.entry("tenant:ten-a:day:2031-03-05", 22L),
                Map.entry("key:key-a1:day:2031-03-05", 22L),
                Map.entry("tenant:ten-b:day:2031-03-05", 330L),
                Map.entry("key:key-b1:day:2031-03-05", 330L),
                Map.entry("tenant:ten-b:day:2031-03-06", 8L),
                Map.entry("key:key-b1:day:2031-03-06", 8L),
                // and per model, for the budgets per model
                Map.entry("tenant:ten-a:model:claude:day:2031-03-05", 22L),
                Map.entry("key:key-a1:model:claude:day:2031-03-05", 22L),
                Map.entry("tenant:ten-b:model:gpt-4o:day:2031-03-05", 330L),
                Map.entry("key:key-b1:model:gpt-4o:day:2031-03-05", 330L),
                Map.entry("tenant:ten-b:model:gpt-4o:day:2031-03-06", 8L),
                Map.entry("key:key-b1:model:gpt-4o:day:2031-03-06", 8L)));

        // [from, to) covers the days it overlaps: 2031-03-04 from its last hour, 2031-03-05 whole; to at midnight excludes 03-06.
        Instant from = Instant.parse("2031-03-04T23:00:00Z");
        Instant to = Instant.parse("2031-03-06T00:00:00Z");
        assertThat(totals.totals(from, to, Set.of("tenant"), null, null, null)).containsExactly(
                new UsageGroup(null, "", null, null, 1, 0, 9, 9, 1, 0, 0),
                new UsageGroup(null, "ten-a", null, null, 3, 1, 121, 12, 95, 1, 23),
                new UsageGroup(null, "ten-b", null, null, 1, 0, 300, 30, 70, 0, 0));
        assertThat(totals.totals(from, to, Set.of("day", "model"), "ten-a", null, null)).containsExactly(
                new UsageGroup(LocalDate.parse("2031-03-04"), null, null, "gpt-4o", 2, 1, 101, 10, 55, 0, 0),
                new UsageGroup(LocalDate.parse("2031-03-05"), null, null, "claude", 1, 0, 20, 2, 40, 1, 23));
        assertThat(totals.totals(from, Instant.parse("2031-03-06T00:00:00.001Z"), Set.of(), null, "key-b1", "gpt-4o")).containsExactly(
                new UsageGroup(null, null, null, null, 2, 0, 304, 34, 71, 0, 0));
        assertThat(totals.totals(from, to, Set.of(), "nobody", null, null)).isEmpty();
        assertThat(totals.totals(to, from, Set.of("key"), null, null, null)).isEmpty();
    }

    /** usage_daily as day|tenant|key|model -> requests, errors, prompt, completion, latency, cache hits, tokens saved. */
    static Map<String, List<Long>> dailyRows(TestDatabase db) throws SQLException {
        Map<String, List<Long>> rows = new TreeMap<>();
        try (Connection c = db.direct().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT usage_day, tenant_id, key_id, model, requests, errors, prompt_tokens, completion_tokens, "
                     + "latency_ms, cache_hits, tokens_saved FROM usage_daily")) {
            while (r.next()) {
                rows.put(r.getObject(1, LocalDate.class) + "|" + r.getString(2) + "|" + r.getString(3) + "|" + r.getString(4),
                        List.of(r.getLong(5), r.getLong(6), r.getLong(7), r.getLong(8), r.getLong(9), r.getLong(10), r.getLong(11)));
            }
        }
        return rows;
    }
}
