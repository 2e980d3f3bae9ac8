package sai.gateway.usage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sai.gateway.usage.UsageExplorer.CodeCount;
import sai.gateway.usage.UsageExplorer.ErrorMix;
import sai.gateway.usage.UsageExplorer.Filter;
import sai.gateway.usage.UsageExplorer.Group;
import sai.gateway.usage.UsageExplorer.Groups;
import sai.gateway.usage.UsageExplorer.Point;
import sai.gateway.usage.UsageExplorer.Series;
import sai.gateway.usage.UsageExplorer.Top;
import sai.gateway.usage.UsageExplorer.Totals;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static sai.gateway.usage.FailureCause.CLIENT_ERROR;
import static sai.gateway.usage.FailureCause.GATEWAY_ERROR;
import static sai.gateway.usage.FailureCause.GATEWAY_LIMIT;
import static sai.gateway.usage.FailureCause.SAI_ERROR;
import static sai.gateway.usage.FailureCause.SAI_RATE_LIMIT;
import static sai.gateway.usage.FailureCause.SAI_TIMEOUT;
import static sai.gateway.usage.FailureCause.SAI_UNAVAILABLE;

/**
 * What the dashboard's usage queries answer over rows the real writer stored, on H2 in the gateway's PostgreSQL
 * mode ({@link UsageExplorerPostgresTest}: the same on PostgreSQL): exact sums, buckets on epoch multiples with the
 * empty ones present, percentiles of known latencies, top lists, whose failure each error was, filters, groups.
 */
class UsageExplorerTest {

    /** An hour boundary (2031-03-04T10:00:00Z): bucket starts are multiples of the bucket since the epoch. */
    private static final Instant T0 = Instant.parse("2031-03-04T10:00:00Z");
    private static final AtomicInteger IDS = new AtomicInteger();

    private TestDatabase db;
    private UsageExplorer explorer;

    TestDatabase.Engine engine() {
        return TestDatabase.Engine.H2;
    }

    @BeforeEach
    void database() throws SQLException {
        db = TestDatabase.create(engine());
        explorer = new UsageExplorer(db, false);
    }

    @AfterAll
    static void stopPostgres() {
        TestDatabase.stopPostgres();
    }

    @Test
    void seriesHasEveryBucketOnEpochMultiplesWithExactSumsAndPercentiles() throws SQLException {
        write(row(T0.minusMillis(1)).latency(999),                          // before the first whole bucket
                row(T0.plusSeconds(5 * 60)).tokens(1, 2).latency(40),         // before from, inside its bucket: counts
                row(T0.plusSeconds(20 * 60)).tokens(10, 20).latency(10),
                row(T0.plusSeconds(40 * 60)).tokens(100, 200).latency(20),
                row(T0.plusSeconds(3600).minusMillis(1)).tokens(1000, 2000).latency(30),
                row(T0.plusSeconds(2 * 3600)).status(502).code("upstream_error").tokens(7, 0).latency(60),
                row(T0.plusSeconds(4 * 3600 + 4 * 60)).tokens(5, 5).latency(50).cacheHit(33),
                row(T0.plusSeconds(5 * 3600)).latency(999).cacheHit(1000));   // the end of the last whole bucket: out

        Series series = explorer.series(T0.plusSeconds(17 * 60), T0.plusSeconds(4 * 3600 + 5 * 60), Duration.ofHours(1), Filter.NONE);

        long hour = T0.getEpochSecond();
        assertThat(series.from()).isEqualTo(T0);
        assertThat(series.to()).isEqualTo(T0.plusSeconds(5 * 3600));
        assertThat(series.bucketSeconds()).isEqualTo(3600);
        assertThat(series.points()).containsExactly(
                new Point(hour, 4, 0, 1111, 2222, 20L, 40L),
                new Point(hour + 3600, 0, 0, 0, 0, null, null),
                new Point(hour + 2 * 3600, 1, 1, 7, 0, 60L, 60L),
                new Point(hour + 3 * 3600, 0, 0, 0, 0, null, null),
                new Point(hour + 4 * 3600, 1, 0, 5, 5, 50L, 50L));
        // Percentiles over the whole range, not of the buckets': 10 20 30 40 50 60.
        assertThat(series.totals()).isEqualTo(new Totals(6, 1, 1123, 2227, 1.0 / 6, 30L, 60L, 1, 33));
    }

    @Test
    void percentilesAreLatenciesRequestsReallyHadOnUtcDays() throws SQLException {
        List<Row> rows = new ArrayList<>();
        for (int latency = 100; latency >= 1; latency--) {
            rows.add(row(T0.plusSeconds(latency * 60L)).latency(latency));
        }
        write(rows.toArray(Row[]::new));

        Series series = explorer.series(T0, T0.plusSeconds(1), Duration.ofDays(1), Filter.NONE);

        assertThat(series.from()).isEqualTo(Instant.parse("2031-03-04T00:00:00Z"));
        assertThat(series.to()).isEqualTo(Instant.parse("2031-03-05T00:00:00Z"));
        assertThat(series.points()).containsExactly(new Point(series.from().getEpochSecond(), 100, 0, 0, 0, 50L, 95L));
        assertThat(series.totals().p50LatencyMs()).isEqualTo(50L);
        assertThat(series.totals().p95LatencyMs()).isEqualTo(95L);
    }

    @Test
    void anEmptyRangeIsAllZerosAndTheBucketIsBounded() {
        Series series = explorer.series(T0, T0.plusSeconds(3 * 60), Duration.ofMinutes(1), Filter.NONE);

        assertThat(series.points()).extracting(Point::requests).containsExactly(0L, 0L, 0L);
        assertThat(series.totals()).isEqualTo(new Totals(0, 0, 0, 0, 0, null, null, 0, 0));
        assertThatThrownBy(() -> explorer.series(T0, T0.plusSeconds(86_400), Duration.ofSeconds(1), Filter.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5000");
        assertThatThrownBy(() -> explorer.series(T0, T0.plusSeconds(60), Duration.ofMillis(1500), Filter.NONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> explorer.series(T0, T0.plusSeconds(60), Duration.ZERO, Filter.NONE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void topOrdersByTotalTokensThenNameAndLeavesOutRowsWithoutATenantOrKey() throws SQLException {
        write(row(T0).tenant("ten-b").key("kb").model("m1").tokens(50, 50),
                row(T0).tenant("ten-a").key("ka").model("m1").tokens(60, 40).status(429).code("budget_exceeded"),
                row(T0).tenant("ten-c").key("kc").model("m2").tokens(300, 0),
                row(T0).tenant("ten-c").key("kc2").model("m2").tokens(1, 1),
                row(T0).tenant(null).key(null).model("m3").tokens(5_000, 0),
                row(T0.minusMillis(1)).tenant("ten-a").key("ka").model("m1").tokens(1_000, 0),   // before from
                row(T0.plusSeconds(60)).tenant("ten-a").key("ka").model("m1").tokens(1_000, 0)); // at to: out

        Instant from = T0;
        Instant to = T0.plusSeconds(60);

        assertThat(explorer.top(from, to, "tenant", 10, Filter.NONE)).containsExactly(
                new Top("ten-c", 2, 0, 301, 1), new Top("ten-a", 1, 1, 60, 40), new Top("ten-b", 1, 0, 50, 50));
        assertThat(explorer.top(from, to, "tenant", 2, Filter.NONE)).extracting(Top::name).containsExactly("ten-c", "ten-a");
        assertThat(explorer.top(from, to, "key", 10, Filter.NONE)).extracting(Top::name).containsExactly("kc", "ka", "kb", "kc2");
        assertThat(explorer.top(from, to, "model", 10, Filter.NONE)).containsExactly(
                new Top("m3", 1, 0, 5_000, 0), new Top("m2", 2, 0, 301, 1), new Top("m1", 2, 1, 110, 90));
        assertThat(explorer.top(from, to, "key", 10, new Filter("ten-c", null, null, null, null)))
                .extracting(Top::name).containsExactly("kc", "kc2");
        assertThatThrownBy(() -> explorer.top(from, to, "surface", 10, Filter.NONE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> explorer.top(from, to, "tenant", 0, Filter.NONE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errorMixSaysWhoseFailureEachWasFromTheRecordedCodes() throws SQLException {
        write(row(T0).status(429).code("rate_limit_exceeded").sai(120),                 // SAI's 429
                row(T0).status(429).code("rate_limit_exceeded").sai(0),                  // the gateway's limit: no SAI call
                row(T0).status(429).code("rate_limit_exceeded").sai(0),
                row(T0).status(429).code("budget_exceeded"),
                row(T0).status(504).code("upstream_timeout").sai(30_000),
                row(T0).status(200).code("upstream_timeout").sai(30_000),                 // a stream that failed after its 200
                row(T0).status(503).code("upstream_unavailable"),                         // the breaker, no call
                row(T0).surface("messages").status(529).code("upstream_unavailable").sai(5),
                row(T0).status(502).code("upstream_error").sai(40),
                row(T0).status(401).code("invalid_api_key").sai(9).credential("user key"),
                row(T0).status(401).code("invalid_api_key").sai(9).credential("system key"),
                row(T0).status(400).code("invalid_json"),
                row(T0).status(403).code("model_not_allowed"),
                row(T0).status(500).code("internal_error"),
                row(T0).status(503).code("rate_limiter_unavailable"),
                row(T0).status(500),                                                      // no code at all
                row(T0).status(404),
                row(T0).status(200),                                                      // not a failure
                row(T0).status(200).sai(10));

        ErrorMix mix = explorer.errorMix(T0, T0.plusSeconds(1), Filter.NONE);

        assertThat(mix.failures()).isEqualTo(17);
        Map<FailureCause, Long> expected = new EnumMap<>(FailureCause.class);
        expected.putAll(Map.of(SAI_RATE_LIMIT, 1L, SAI_TIMEOUT, 2L, SAI_UNAVAILABLE, 2L, SAI_ERROR, 2L,
                CLIENT_ERROR, 4L, GATEWAY_LIMIT, 3L, GATEWAY_ERROR, 3L));
        assertThat(mix.byCause()).isEqualTo(expected);
        assertThat(mix.saiFailures()).isEqualTo(7);
        assertThat(mix.gatewayFailures()).isEqualTo(10);
        assertThat(mix.byCode()).containsExactly(
                new CodeCount("rate_limit_exceeded", GATEWAY_LIMIT, 2),
                new CodeCount("upstream_timeout", SAI_TIMEOUT, 2),
                new CodeCount("upstream_unavailable", SAI_UNAVAILABLE, 2),
                new CodeCount("budget_exceeded", GATEWAY_LIMIT, 1),
                new CodeCount("internal_error", GATEWAY_ERROR, 1),
                new CodeCount("invalid_api_key", SAI_ERROR, 1),
                new CodeCount("invalid_api_key", CLIENT_ERROR, 1),
                new CodeCount("invalid_json", CLIENT_ERROR, 1),
                new CodeCount("model_not_allowed", CLIENT_ERROR, 1),
                new CodeCount("rate_limit_exceeded", SAI_RATE_LIMIT, 1),
                new CodeCount("rate_limiter_unavailable", GATEWAY_ERROR, 1),
                new CodeCount("upstream_error", SAI_ERROR, 1),
                new CodeCount(null, CLIENT_ERROR, 1),
                new CodeCount(null, GATEWAY_ERROR, 1));
        assertThat(explorer.errorMix(T0, T0.plusSeconds(1), new Filter(null, null, null, "messages", null)).byCause())
                .containsEntry(SAI_UNAVAILABLE, 1L).containsEntry(CLIENT_ERROR, 0L);
    }

    @Test
    void filtersNarrowEveryQueryAndStatusTakesAStatusOrAClass() throws SQLException {
        write(row(T0).tenant("ten-a").key("ka").model("m1").surface("chat").status(200).tokens(1, 0),
                row(T0).tenant("ten-a").key("ka").model("m1").surface("chat").status(429).code("rate_limit_exceeded").tokens(10, 0),
                row(T0).tenant("ten-a").key("ka2").model("m2").surface("messages").status(404).code("model_not_found").tokens(100, 0),
                row(T0).tenant("ten-b").key("kb").model("m1").surface("responses").status(502).code("upstream_error").tokens(1_000, 0));

        Instant to = T0.plusSeconds(60);

        assertThat(prompt(new Filter("ten-a", null, null, null, null))).isEqualTo(111);
        assertThat(prompt(new Filter(null, "ka", null, null, null))).isEqualTo(11);
        assertThat(prompt(new Filter(null, null, "m1", null, null))).isEqualTo(1_011);
        assertThat(prompt(new Filter(null, null, null, "messages", null))).isEqualTo(100);
        assertThat(prompt(new Filter(null, null, null, null, "4xx"))).isEqualTo(110);
        assertThat(prompt(new Filter(null, null, null, null, "4XX"))).isEqualTo(110);
        assertThat(prompt(new Filter(null, null, null, null, "429"))).isEqualTo(10);
        assertThat(prompt(new Filter(null, null, null, null, "2xx"))).isEqualTo(1);
        assertThat(prompt(new Filter("ten-a", null, "m1", "chat", "5xx"))).isZero();
        assertThat(prompt(new Filter("", " ", "", "", ""))).isEqualTo(1_111);
        assertThat(explorer.grouped(T0, to, List.of(), new Filter(null, null, "m1", null, "4xx"), 10).groups())
                .extracting(Group::promptTokens).containsExactly(10L);
        assertThat(explorer.errorMix(T0, to, new Filter("ten-b", null, null, null, null)).byCode())
                .containsExactly(new CodeCount("upstream_error", SAI_ERROR, 1));
        // A value is a parameter, never SQL: a quote in it finds nothing rather than failing or matching all.
        assertThat(prompt(new Filter("ten-a' OR '1'='1", null, null, null, null))).isZero();
        for (String bad : List.of("42", "600", "4x", "abc", "2xx OR 1=1")) {
            assertThatThrownBy(() -> new Filter(null, null, null, null, bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void groupsComeInTheFixedOrderSortedWithMeanAndP95Latency() throws SQLException {
        Instant dayTwo = T0.plus(Duration.ofDays(1));
        write(row(T0).tenant("ten-b").model("m1").latency(10).tokens(1, 1),
                row(T0.plusSeconds(60)).tenant("ten-b").model("m1").latency(20).tokens(1, 1),
                row(T0.plusSeconds(3600)).tenant("ten-b").model("m1").latency(40).tokens(1, 1).status(500).code("internal_error"),
                row(T0).tenant("ten-a").model("m2").latency(5).tokens(2, 3),
                row(T0).tenant(null).key(null).model("m1").latency(7),
                row(dayTwo).tenant("ten-a").model("m1").latency(100).tokens(4, 4));

        Instant to = dayTwo.plusSeconds(1);

        // Asked model-then-day: grouped and sorted day-then-model all the same.
        assertThat(explorer.grouped(T0, to, List.of("model", "day"), Filter.NONE, 10)).isEqualTo(new Groups(List.of(
                new Group(null, LocalDate.parse("2031-03-04"), null, null, "m1", null, null, 4, 1, 3, 3, 77 / 4.0, 40L),
                new Group(null, LocalDate.parse("2031-03-04"), null, null, "m2", null, null, 1, 0, 2, 3, 5.0, 5L),
                new Group(null, LocalDate.parse("2031-03-05"), null, null, "m1", null, null, 1, 0, 4, 4, 100.0, 100L)), false));
        assertThat(explorer.grouped(T0, to, List.of("tenant"), Filter.NONE, 10).groups())
                .extracting(Group::tenantId, Group::requests)
                .containsExactly(tuple("ten-a", 2L), tuple("ten-b", 3L),
                        tuple(null, 1L));
        assertThat(explorer.grouped(T0, dayTwo, List.of("hour", "status"), Filter.NONE, 10).groups())
                .extracting(Group::hour, Group::status, Group::requests)
                .containsExactly(tuple(T0, 200, 4L),
                        tuple(T0.plusSeconds(3600), 500, 1L));
        assertThat(explorer.grouped(T0, to, List.of(), Filter.NONE, 10).groups())
                .containsExactly(new Group(null, null, null, null, null, null, null, 6, 1, 9, 10, 182 / 6.0, 100L));
        assertThat(explorer.grouped(T0.minusSeconds(60), T0, List.of(), Filter.NONE, 10)).isEqualTo(new Groups(List.of(), false));
        assertThatThrownBy(() -> explorer.grouped(T0, to, List.of("week"), Filter.NONE, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLimitCutsGroupsAndSaysMoreExist() throws SQLException {
        write(row(T0).model("m1"), row(T0).model("m2"), row(T0).model("m3"), row(T0).surface("messages").model("m3"));

        Instant to = T0.plusSeconds(1);

        Groups two = explorer.grouped(T0, to, List.of("model", "surface"), Filter.NONE, 2);
        assertThat(two.groups()).extracting(Group::model).containsExactly("m1", "m2");
        assertThat(two.more()).isTrue();
        Groups four = explorer.grouped(T0, to, List.of("model", "surface"), Filter.NONE, 4);
        assertThat(four.groups()).extracting(Group::model, Group::surface).containsExactly(
                tuple("m1", "chat"), tuple("m2", "chat"),
                tuple("m3", "chat"), tuple("m3", "messages"));
        assertThat(four.more()).isFalse();
    }

    @Test
    void aDatabaseThatDoesNotAnswerIsUnavailableNamingTheStateOnly() {
        db.down.set(true);

        assertThatThrownBy(() -> explorer.series(T0, T0.plusSeconds(60), Duration.ofMinutes(1), Filter.NONE))
                .isInstanceOf(UsageExplorer.Unavailable.class)
                .hasMessageContaining("SQLState 08001")
                .hasMessageNotContaining("test: database down");
        assertThatThrownBy(() -> explorer.top(T0, T0.plusSeconds(60), "model", 5, Filter.NONE)).isInstanceOf(UsageExplorer.Unavailable.class);
        assertThatThrownBy(() -> explorer.errorMix(T0, T0.plusSeconds(60), Filter.NONE)).isInstanceOf(UsageExplorer.Unavailable.class);
        assertThatThrownBy(() -> explorer.grouped(T0, T0.plusSeconds(60), List.of(), Filter.NONE, 5))
                .isInstanceOf(UsageExplorer.Unavailable.class);
    }

    private long prompt(Filter filter) {
        long fromSeries = explorer.series(T0, T0.plusSeconds(60), Duration.ofMinutes(1), filter).totals().promptTokens();
        long fromTop = explorer.top(T0, T0.plusSeconds(60), "model", 100, filter).stream().mapToLong(Top::promptTokens).sum();
        assertThat(fromTop).as("top and series agree").isEqualTo(fromSeries);
        return fromSeries;
    }

    private void write(Row... rows) throws SQLException {
        List<UsageRecord> records = new ArrayList<>();
        for (Row row : rows) {
            records.add(row.record());
        }
        assertThat(new UsageStore(db).write(records)).isEqualTo(rows.length);
    }

    private static Row row(Instant at) {
        return new Row(at);
    }

    /** A usage row with plain defaults (a 200 on chat for ten-a's key ka, model m1); each test sets what it is about. */
    private static final class Row {
        private final Instant at;
        private String tenant = "ten-a";
        private String key = "ka";
        private String model = "m1";
        private String surface = "chat";
        private int status = 200;
        private String code;
        private long prompt;
        private long completion;
        private long latency = 1;
        private long sai;
        private String credential = "system key";
        private boolean cacheHit;
        private long tokensSaved;

        Row(Instant at) {
            this.at = at;
        }

        Row tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        Row key(String key) {
            this.key = key;
            return this;
        }

        Row model(String model) {
            this.model = model;
            return this;
        }

        Row surface(String surface) {
            this.surface = surface;
            return this;
        }

        Row status(int status) {
            this.status = status;
            return this;
        }

        Row code(String code) {
            this.code = code;
            return this;
        }

        Row tokens(long prompt, long completion) {
            this.prompt = prompt;
            this.completion = completion;
            return this;
        }

        Row cacheHit(long tokensSaved) {
            this.cacheHit = true;
            this.tokensSaved = tokensSaved;
            return this;
        }

        Row latency(long latency) {
            this.latency = latency;
            return this;
        }

        Row sai(long sai) {
            this.sai = sai;
            return this;
        }

        Row credential(String credential) {
            this.credential = credential;
            return this;
        }

        UsageRecord record() {
            String id = "explorer-" + IDS.incrementAndGet();
            return new UsageRecord(id, at, "req-" + id, tenant, key, surface, model, false, status, code, prompt, completion,
                    latency, sai, credential, cacheHit, tokensSaved);
        }
    }
}
