package sai.gateway.usage;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import sai.gateway.database.TenancyEnabled;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The operator dashboard's reads of the raw usage rows ({@code usage_record}): time series, top tenants, keys and
 * models, the mix of failures, and grouped tables. Raw rows, not the daily roll-ups, because charts need hours and
 * percentiles; so only what USAGE_RETENTION_DAYS kept is there, and records still in {@link UsageRecorder} are not.
 *
 * <p>One SQL text per question for H2 (PostgreSQL mode) and PostgreSQL. Percentiles are
 * {@code PERCENTILE_DISC ... WITHIN GROUP} in the database, which both engines take alike: nothing is fetched row by
 * row, and DISC (not CONT) answers a latency some request really had, the same whole number on both engines.
 * Grouping happens on a subquery's output column, because PostgreSQL does not see {@code f(?)} in SELECT and in
 * GROUP BY as the same expression. A row failed when its status is 400 or more or it has an error code (a stream
 * that failed after its 200), as the daily roll-up counts errors.
 */
@Singleton
@Requires(condition = TenancyEnabled.class)
public final class UsageExplorer {

    /** The accepted {@code groupBy} names, in the order groups are keyed and sorted. */
    public static final List<String> GROUP_BY = List.of("hour", "day", "tenant", "key", "model", "surface", "status");
    /** The accepted {@link #top} dimensions. */
    public static final List<String> DIMENSIONS = List.of("tenant", "key", "model");
    /** Points per series at most: a year in one-second buckets would be a page of 31 million points. */
    public static final int MAX_POINTS = 5_000;
    public static final int MAX_ROWS = 10_000;

    private static final Map<String, String> COLUMNS = Map.of("tenant", "tenant_id", "key", "key_id", "model", "model",
            "surface", "surface", "status", "status");
    private static final String EPOCH = "EXTRACT(EPOCH FROM occurred_at)";
    private static final String FAILED = "CASE WHEN status >= 400 OR error_code IS NOT NULL THEN 1 ELSE 0 END";
    private static final String SUMS = "COUNT(*), COALESCE(SUM(" + FAILED + "), 0), COALESCE(SUM(prompt_tokens), 0), "
            + "COALESCE(SUM(completion_tokens), 0)";
    private static final String CACHE_SUMS = "COALESCE(SUM(CASE WHEN cache_hit THEN 1 ELSE 0 END), 0), COALESCE(SUM(tokens_saved), 0)";
    private static final String P50 = "PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY latency_ms)";
    private static final String P95 = "PERCENTILE_DISC(0.95) WITHIN GROUP (ORDER BY latency_ms)";

    private final DataSource dataSource;

    @Inject
    UsageExplorer(DataSource dataSource) {
        this(dataSource, true);
    }

    UsageExplorer(DataSource dataSource, boolean unwrap) {
        // Plain JDBC on the pool: Micronaut Data's wrapper only serves connections inside @Transactional or @Connectable.
        this.dataSource = unwrap ? DelegatingDataSource.unwrapDataSource(dataSource) : dataSource;
    }

    /**
     * One point per bucket over {@code [from, to)} widened to whole buckets (bucket starts are multiples of the
     * bucket since the epoch, so days are UTC days), buckets without rows included with zeros, and the totals of the
     * same range from the same statement (so they always equal the points' sums).
     */
    public Series series(Instant from, Instant to, Duration bucket, Filter filter) {
        Objects.requireNonNull(filter, "filter");
        if (bucket.isNegative() || bucket.getSeconds() < 1 || bucket.getNano() != 0) {
            throw new IllegalArgumentException("bucket must be a whole number of seconds, at least one");
        }
        long size = bucket.getSeconds();
        long first = Math.floorDiv(from.getEpochSecond(), size);
        long end = Math.floorDiv(to.getEpochSecond() + (to.getNano() > 0 ? 1 : 0) + size - 1, size);
        if (end - first > MAX_POINTS) {
            throw new IllegalArgumentException("at most " + MAX_POINTS + " buckets: widen the bucket or narrow the range");
        }
        Instant start = Instant.ofEpochSecond(first * size);
        Instant stop = Instant.ofEpochSecond(Math.max(first, end) * size);
        Where where = Where.of(start, stop, filter);
        String sql = "SELECT bucket, " + SUMS + ", " + P50 + ", " + P95 + ", " + CACHE_SUMS + " FROM (SELECT CAST(FLOOR(" + EPOCH
                + " / CAST(? AS BIGINT)) AS BIGINT) AS bucket, status, error_code, prompt_tokens, completion_tokens, latency_ms, "
                + "cache_hit, tokens_saved FROM usage_record WHERE " + where.sql + ") r GROUP BY bucket "
                + "UNION ALL SELECT CAST(NULL AS BIGINT), " + SUMS + ", " + P50 + ", " + P95 + ", " + CACHE_SUMS
                + " FROM usage_record WHERE " + where.sql;
        Map<Long, Point> byBucket = new HashMap<>();
        Totals totals = new Totals(0, 0, 0, 0, 0, null, null, 0, 0);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            query.setLong(1, size);
            where.bind(query, where.bind(query, 2));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    long index = rows.getLong(1);
                    boolean total = rows.wasNull();
                    long requests = rows.getLong(2);
                    long errors = rows.getLong(3);
                    long prompt = rows.getLong(4);
                    long completion = rows.getLong(5);
                    Long p50 = nullableLong(rows, 6);
                    Long p95 = nullableLong(rows, 7);
                    if (total) {
                        totals = new Totals(requests, errors, prompt, completion, requests == 0 ? 0 : (double) errors / requests, p50, p95,
                                rows.getLong(8), rows.getLong(9));
                    } else {
                        byBucket.put(index, new Point(index * size, requests, errors, prompt, completion, p50, p95));
                    }
                }
            }
        } catch (SQLException e) {
            throw new Unavailable(e);
        }
        List<Point> points = new ArrayList<>();
        for (long index = first; index < end; index++) {
            Point point = byBucket.get(index);
            points.add(point != null ? point : new Point(index * size, 0, 0, 0, 0, null, null));
        }
        return new Series(start, stop, size, points, totals);
    }

    /**
     * The {@code limit} tenants, keys or models ({@link #DIMENSIONS}) with the most tokens (prompt plus completion)
     * over {@code [from, to)}, ties by name. Rows without a tenant or key count for no tenant or key.
     */
    public List<Top> top(Instant from, Instant to, String dimension, int limit, Filter filter) {
        if (!DIMENSIONS.contains(dimension)) {
            throw new IllegalArgumentException("dimension must be one of " + DIMENSIONS);
        }
        checkLimit(limit);
        String column = COLUMNS.get(dimension);
        Where where = Where.of(from, to, filter);
        String sql = "SELECT " + column + ", " + SUMS + " FROM usage_record WHERE " + where.sql + " AND " + column + " IS NOT NULL "
                + "GROUP BY " + column + " ORDER BY COALESCE(SUM(prompt_tokens), 0) + COALESCE(SUM(completion_tokens), 0) DESC, "
                + column + " LIMIT ?";
        List<Top> top = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            query.setInt(where.bind(query, 1), limit);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    top.add(new Top(rows.getString(1), rows.getLong(2), rows.getLong(3), rows.getLong(4), rows.getLong(5)));
                }
            }
        } catch (SQLException e) {
            throw new Unavailable(e);
        }
        return top;
    }

    /** The failed rows over {@code [from, to)} by {@link FailureCause} (every cause present, 0 when none) and by error code. */
    public ErrorMix errorMix(Instant from, Instant to, Filter filter) {
        Where where = Where.of(from, to, filter);
        String sql = "SELECT error_code, status, called, credential, COUNT(*) FROM (SELECT error_code, status, credential, "
                + "CASE WHEN sai_latency_ms > 0 THEN 1 ELSE 0 END AS called FROM usage_record WHERE " + where.sql
                + " AND (status >= 400 OR error_code IS NOT NULL)) r GROUP BY error_code, status, called, credential";
        Map<FailureCause, Long> byCause = new EnumMap<>(FailureCause.class);
        for (FailureCause cause : FailureCause.values()) {
            byCause.put(cause, 0L);
        }
        Map<CodeKey, Long> byCode = new LinkedHashMap<>();
        long failures = 0;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            where.bind(query, 1);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String code = rows.getString(1);
                    FailureCause cause = FailureCause.of(code, rows.getInt(2), rows.getInt(3) == 1, rows.getString(4));
                    long count = rows.getLong(5);
                    failures += count;
                    byCause.merge(cause, count, Long::sum);
                    byCode.merge(new CodeKey(code, cause), count, Long::sum);
                }
            }
        } catch (SQLException e) {
            throw new Unavailable(e);
        }
        List<CodeCount> codes = new ArrayList<>();
        byCode.forEach((key, count) -> codes.add(new CodeCount(key.code, key.cause, count)));
        codes.sort(Comparator.comparingLong(CodeCount::requests).reversed()
                .thenComparing(CodeCount::errorCode, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(CodeCount::cause));
        return new ErrorMix(failures, byCause, codes);
    }

    /**
     * Totals over {@code [from, to)} grouped by any of {@link #GROUP_BY} (none: one grand total), sorted by the groups
     * in that order (no tenant or key last), at most {@code limit} groups; {@link Groups#more()} says whether more exist.
     */
    public Groups grouped(Instant from, Instant to, List<String> groupBy, Filter filter, int limit) {
        checkLimit(limit);
        for (String name : groupBy) {
            if (!GROUP_BY.contains(name)) {
                throw new IllegalArgumentException("groupBy must be among " + GROUP_BY);
            }
        }
        List<String> names = GROUP_BY.stream().filter(groupBy::contains).toList();
        StringBuilder inner = new StringBuilder("SELECT status, error_code, prompt_tokens, completion_tokens, latency_ms");
        for (String name : names) {
            inner.append(", ").append(switch (name) {
                case "hour" -> "CAST(FLOOR(" + EPOCH + " / 3600) AS BIGINT)";
                case "day" -> "CAST(FLOOR(" + EPOCH + " / 86400) AS BIGINT)";
                default -> COLUMNS.get(name);
            }).append(" AS g_").append(name);
        }
        Where where = Where.of(from, to, filter);
        String keys = String.join(", ", names.stream().map(n -> "g_" + n).toList());
        StringBuilder sql = new StringBuilder("SELECT ");
        if (!names.isEmpty()) {
            sql.append(keys).append(", ");
        }
        sql.append(SUMS).append(", COALESCE(SUM(latency_ms), 0), ").append(P95).append(" FROM (").append(inner)
                .append(" FROM usage_record WHERE ").append(where.sql).append(") r");
        if (!names.isEmpty()) {
            // NULLS LAST spelled out: an H2 URL with its own MODE need not have the gateway's DEFAULT_NULL_ORDERING.
            sql.append(" GROUP BY ").append(keys).append(" ORDER BY ")
                    .append(String.join(", ", names.stream().map(n -> "g_" + n + " NULLS LAST").toList()));
        }
        sql.append(" LIMIT ?");
        List<Group> groups = new ArrayList<>();
        boolean more = false;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql.toString())) {
            // One more than asked: whether more exist without counting them all.
            query.setInt(where.bind(query, 1), limit + 1);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    if (groups.size() == limit) {
                        more = true;
                        break;
                    }
                    Group group = group(rows, names);
                    if (group != null) {
                        groups.add(group);
                    }
                }
            }
        } catch (SQLException e) {
            throw new Unavailable(e);
        }
        return new Groups(groups, more);
    }

    /** The row as a group; null for the grand total over no rows at all. */
    @Nullable
    private static Group group(ResultSet rows, List<String> names) throws SQLException {
        int at = 1;
        Instant hour = names.contains("hour") ? Instant.ofEpochSecond(rows.getLong(at++) * 3600) : null;
        LocalDate day = names.contains("day") ? LocalDate.ofEpochDay(rows.getLong(at++)) : null;
        String tenant = names.contains("tenant") ? rows.getString(at++) : null;
        String key = names.contains("key") ? rows.getString(at++) : null;
        String model = names.contains("model") ? rows.getString(at++) : null;
        String surface = names.contains("surface") ? rows.getString(at++) : null;
        Integer status = names.contains("status") ? rows.getInt(at++) : null;
        long requests = rows.getLong(at++);
        if (requests == 0) {
            return null;
        }
        long errors = rows.getLong(at++);
        long prompt = rows.getLong(at++);
        long completion = rows.getLong(at++);
        double meanLatency = (double) rows.getLong(at++) / requests;
        return new Group(hour, day, tenant, key, model, surface, status, requests, errors, prompt, completion, meanLatency,
                nullableLong(rows, at));
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_ROWS) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_ROWS);
        }
    }

    @Nullable
    private static Long nullableLong(ResultSet rows, int column) throws SQLException {
        long value = rows.getLong(column);
        return rows.wasNull() ? null : value;
    }

    /**
     * Which rows: nullable tenant, key, model and surface (equal), and status, either one status ({@code "429"}) or a
     * class ({@code "4xx"}). Blank means any, as an empty form field does. Status filters the HTTP status only: a
     * stream that failed after its 200 is a {@code 2xx} row with an error code.
     */
    public record Filter(@Nullable String tenantId, @Nullable String keyId, @Nullable String model, @Nullable String surface,
                         @Nullable String status) {

        public static final Filter NONE = new Filter(null, null, null, null, null);

        public Filter {
            tenantId = blankToNull(tenantId);
            keyId = blankToNull(keyId);
            model = blankToNull(model);
            surface = blankToNull(surface);
            status = blankToNull(status) == null ? null : status.strip().toLowerCase(Locale.ROOT);
            if (status != null && !status.matches("[1-5](\\d\\d|xx)")) {
                throw new IllegalArgumentException("status must be a status such as 429 or a class such as 4xx");
            }
        }

        private static String blankToNull(@Nullable String value) {
            return value == null || value.isBlank() ? null : value;
        }
    }

    /** A WHERE clause over the time range and the filter, and its parameters in order: values never enter the SQL text. */
    private record Where(String sql, List<Object> params) {

        static Where of(Instant from, Instant to, Filter filter) {
            StringBuilder sql = new StringBuilder("occurred_at >= ? AND occurred_at < ?");
            List<Object> params = new ArrayList<>(List.of(OffsetDateTime.ofInstant(from, ZoneOffset.UTC),
                    OffsetDateTime.ofInstant(to, ZoneOffset.UTC)));
            equal(sql, params, "tenant_id", filter.tenantId());
            equal(sql, params, "key_id", filter.keyId());
            equal(sql, params, "model", filter.model());
            equal(sql, params, "surface", filter.surface());
            if (filter.status() != null) {
                int low = filter.status().endsWith("xx") ? (filter.status().charAt(0) - '0') * 100 : Integer.parseInt(filter.status());
                sql.append(" AND status >= ? AND status <= ?");
                params.add(low);
                params.add(filter.status().endsWith("xx") ? low + 99 : low);
            }
            return new Where(sql.toString(), params);
        }

        private static void equal(StringBuilder sql, List<Object> params, String column, @Nullable String value) {
            if (value != null) {
                sql.append(" AND ").append(column).append(" = ?");
                params.add(value);
            }
        }

        /** Binds the parameters from {@code index} on; answers the next free index. */
        int bind(PreparedStatement query, int index) throws SQLException {
            for (Object param : params) {
                query.setObject(index++, param);
            }
            return index;
        }
    }

    /** One bucket: its start in epoch seconds (what uPlot takes), its sums, and latency percentiles (null: no rows). */
    public record Point(long bucketStart, long requests, long errors, long promptTokens, long completionTokens,
                        @Nullable Long p50LatencyMs, @Nullable Long p95LatencyMs) {
    }

    /** The whole range; {@code errorRate} is errors over requests, 0 without requests. */
    public record Totals(long requests, long errors, long promptTokens, long completionTokens, double errorRate,
                         @Nullable Long p50LatencyMs, @Nullable Long p95LatencyMs, long cacheHits, long tokensSaved) {
    }

    /** The range actually covered ({@code [from, to)}, whole buckets), the bucket in seconds, the points, the totals. */
    public record Series(Instant from, Instant to, long bucketSeconds, List<Point> points, Totals totals) {
    }

    /** One tenant, key or model id and its sums. */
    public record Top(String name, long requests, long errors, long promptTokens, long completionTokens) {
        public long totalTokens() {
            return promptTokens + completionTokens;
        }
    }

    /** Failed rows in all, per cause, and per error code (null: a failure without one) and cause, most first. */
    public record ErrorMix(long failures, Map<FailureCause, Long> byCause, List<CodeCount> byCode) {
        public long saiFailures() {
            return byCause.entrySet().stream().filter(e -> e.getKey().sai()).mapToLong(Map.Entry::getValue).sum();
        }

        public long gatewayFailures() {
            return failures - saiFailures();
        }
    }

    public record CodeCount(@Nullable String errorCode, FailureCause cause, long requests) {
    }

    /** One group: the grouped-by fields set (the others null), its sums, mean and p95 latency in ms. */
    public record Group(@Nullable Instant hour, @Nullable LocalDate day, @Nullable String tenantId, @Nullable String keyId,
                        @Nullable String model, @Nullable String surface, @Nullable Integer status, long requests, long errors,
                        long promptTokens, long completionTokens, double meanLatencyMs, @Nullable Long p95LatencyMs) {
    }

    /** The groups asked for, and whether more groups exist beyond the limit. */
    public record Groups(List<Group> groups, boolean more) {
    }

    private record CodeKey(@Nullable String code, FailureCause cause) {
    }

    /**
     * The database did not answer. The message names the exception class and SQLState only: drivers' messages can
     * quote values. The cause is kept for a debugger, not for logs.
     */
    public static final class Unavailable extends RuntimeException {
        Unavailable(SQLException cause) {
            super("usage explorer cannot read usage (" + cause.getClass().getSimpleName()
                    + (UsageStore.sqlState(cause) == null ? "" : ", SQLState " + UsageStore.sqlState(cause)) + ")", cause, false, false);
        }
    }
}
