package sai.gateway.usage;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The JDBC side of usage records: one transaction per batch that inserts the raw rows (skipping ids already there)
 * and adds exactly the inserted ones to the daily roll-up, so a batch written again after a lost commit answer adds
 * nothing. PostgreSQL, or H2 in its PostgreSQL mode; the roll-up upsert is the only statement that differs.
 */
final class UsageStore {

    enum Engine { POSTGRES, H2 }

    /** Serialization failure, deadlock, unique violation: another replica's transaction won; running ours again is safe. */
    private static final int ATTEMPTS = 3;
    private static final int DELETE_CHUNK = 10_000;

    // No conflict target: H2 2.3 accepts ON CONFLICT only as "ON CONFLICT DO NOTHING" (a syntax error with "(id)"),
    // and the primary key is the table's only unique constraint, so both engines skip exactly the known ids.
    private static final String INSERT_RECORD = "INSERT INTO usage_record (id, occurred_at, request_id, tenant_id, key_id, surface, model, stream, "
            + "status, error_code, prompt_tokens, completion_tokens, latency_ms, sai_latency_ms, credential, cache_hit, "
            + "tokens_saved) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

    private static final String UPSERT_DAILY_POSTGRES = "INSERT INTO usage_daily (usage_day, tenant_id, key_id, model, requests, errors, "
            + "prompt_tokens, completion_tokens, latency_ms, cache_hits, tokens_saved) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (usage_day, tenant_id, key_id, model) DO UPDATE SET "
            + "requests = usage_daily.requests + EXCLUDED.requests, "
            + "errors = usage_daily.errors + EXCLUDED.errors, "
            + "prompt_tokens = usage_daily.prompt_tokens + EXCLUDED.prompt_tokens, "
            + "completion_tokens = usage_daily.completion_tokens + EXCLUDED.completion_tokens, "
            + "latency_ms = usage_daily.latency_ms + EXCLUDED.latency_ms, "
            + "cache_hits = usage_daily.cache_hits + EXCLUDED.cache_hits, "
            + "tokens_saved = usage_daily.tokens_saved + EXCLUDED.tokens_saved";

    // H2 2.x has no ON CONFLICT ... DO UPDATE, even in PostgreSQL mode; its MERGE does the same within one statement.
    // The casts give the VALUES row its column types: H2 cannot infer the types of bare parameters there.
    private static final String UPSERT_DAILY_H2 = "MERGE INTO usage_daily d USING (VALUES (CAST(? AS DATE), CAST(? AS VARCHAR(40)), "
            + "CAST(? AS VARCHAR(40)), CAST(? AS VARCHAR(200)), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), "
            + "CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT))) "
            + "AS s (usage_day, tenant_id, key_id, model, requests, errors, prompt_tokens, completion_tokens, latency_ms, cache_hits, "
            + "tokens_saved) ON d.usage_day = s.usage_day AND d.tenant_id = s.tenant_id AND d.key_id = s.key_id AND d.model = s.model "
            + "WHEN MATCHED THEN UPDATE SET requests = d.requests + s.requests, errors = d.errors + s.errors, "
            + "prompt_tokens = d.prompt_tokens + s.prompt_tokens, completion_tokens = d.completion_tokens + s.completion_tokens, "
            + "latency_ms = d.latency_ms + s.latency_ms, cache_hits = d.cache_hits + s.cache_hits, tokens_saved = d.tokens_saved + s.tokens_saved "
            + "WHEN NOT MATCHED THEN INSERT (usage_day, tenant_id, key_id, model, requests, errors, prompt_tokens, completion_tokens, "
            + "latency_ms, cache_hits, tokens_saved) VALUES (s.usage_day, s.tenant_id, s.key_id, s.model, s.requests, s.errors, "
            + "s.prompt_tokens, s.completion_tokens, s.latency_ms, s.cache_hits, s.tokens_saved)";

    private static final String DELETE_OLD = "DELETE FROM usage_record WHERE id IN "
            + "(SELECT id FROM usage_record WHERE occurred_at < ? LIMIT " + DELETE_CHUNK + ")";

    private final DataSource dataSource;
    private volatile Engine engine;
    // Some driver settings (PostgreSQL's reWriteBatchedInserts) answer a batch with SUCCESS_NO_INFO: then which rows
    // were inserted is unknown, and rows go one statement each from then on.
    private volatile boolean rowByRow;

    UsageStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Writes the batch in one transaction; answers how many rows were new (the rest were there already). */
    int write(List<UsageRecord> batch) throws SQLException {
        if (batch.isEmpty()) {
            return 0;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return writeOnce(batch);
            } catch (SQLException e) {
                if (attempt >= ATTEMPTS || !contention(e)) {
                    throw e;
                }
            }
        }
    }

    private int writeOnce(List<UsageRecord> batch) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            Engine db = engine(connection);
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                List<UsageRecord> inserted = rowByRow ? insertEach(connection, batch) : insertBatch(connection, batch);
                if (inserted == null) {
                    connection.rollback();
                    rowByRow = true;
                    inserted = insertEach(connection, batch);
                }
                upsertDaily(connection, db, inserted);
                connection.commit();
                return inserted.size();
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // the connection is gone; the transaction went with it
                }
                throw e;
            } finally {
                try {
                    connection.setAutoCommit(autoCommit);
                } catch (SQLException ignored) {
                    // a broken connection: the pool drops it
                }
            }
        }
    }

    /** The inserted records, or null when the driver does not say which rows it inserted. */
    private static List<UsageRecord> insertBatch(Connection connection, List<UsageRecord> batch) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_RECORD)) {
            for (UsageRecord record : batch) {
                bindRecord(insert, record);
                insert.addBatch();
            }
            int[] counts = insert.executeBatch();
            if (counts.length != batch.size()) {
                return null;
            }
            List<UsageRecord> inserted = new ArrayList<>(batch.size());
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == Statement.SUCCESS_NO_INFO || counts[i] < 0) {
                    return null;
                }
                if (counts[i] > 0) {
                    inserted.add(batch.get(i));
                }
            }
            return inserted;
        }
    }

    private static List<UsageRecord> insertEach(Connection connection, List<UsageRecord> batch) throws SQLException {
        List<UsageRecord> inserted = new ArrayList<>(batch.size());
        try (PreparedStatement insert = connection.prepareStatement(INSERT_RECORD)) {
            for (UsageRecord record : batch) {
                bindRecord(insert, record);
                if (insert.executeUpdate() > 0) {
                    inserted.add(record);
                }
            }
        }
        return inserted;
    }

    private static void bindRecord(PreparedStatement insert, UsageRecord r) throws SQLException {
        insert.setString(1, r.id());
        insert.setObject(2, OffsetDateTime.ofInstant(r.occurredAt(), ZoneOffset.UTC));
        insert.setString(3, r.requestId());
        insert.setString(4, r.tenantId());
        insert.setString(5, r.keyId());
        insert.setString(6, r.surface());
        insert.setString(7, r.model());
        insert.setBoolean(8, r.stream());
        insert.setInt(9, r.status());
        insert.setString(10, r.errorCode());
        insert.setLong(11, r.promptTokens());
        insert.setLong(12, r.completionTokens());
        insert.setLong(13, r.latencyMs());
        insert.setLong(14, r.saiLatencyMs());
        insert.setString(15, r.credential());
        insert.setBoolean(16, r.cacheHit());
        insert.setLong(17, r.tokensSaved());
    }

    private static void upsertDaily(Connection connection, Engine db, List<UsageRecord> inserted) throws SQLException {
        if (inserted.isEmpty()) {
            return;
        }
        // Sorted: two replicas updating the same days and keys lock the rows in the same order and cannot deadlock.
        Map<DayKey, long[]> groups = new TreeMap<>();
        for (UsageRecord r : inserted) {
            DayKey key = new DayKey(LocalDate.ofInstant(r.occurredAt(), ZoneOffset.UTC),
                    r.tenantId() == null ? "" : r.tenantId(), r.keyId() == null ? "" : r.keyId(), r.model());
            long[] sums = groups.computeIfAbsent(key, k -> new long[7]);
            sums[0]++;
            sums[1] += r.failed() ? 1 : 0;
            sums[2] += r.promptTokens();
            sums[3] += r.completionTokens();
            sums[4] += r.latencyMs();
            sums[5] += r.cacheHit() ? 1 : 0;
            sums[6] += r.tokensSaved();
        }
        try (PreparedStatement upsert = connection.prepareStatement(db == Engine.H2 ? UPSERT_DAILY_H2 : UPSERT_DAILY_POSTGRES)) {
            for (Map.Entry<DayKey, long[]> group : groups.entrySet()) {
                DayKey key = group.getKey();
                long[] sums = group.getValue();
                upsert.setObject(1, key.day());
                upsert.setString(2, key.tenantId());
                upsert.setString(3, key.keyId());
                upsert.setString(4, key.model());
                for (int i = 0; i < sums.length; i++) {
                    upsert.setLong(5 + i, sums[i]);
                }
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    /** Deletes raw rows older than {@code cutoff}, a chunk per statement so no transaction grows large; roll-ups stay. */
    long deleteRawBefore(Instant cutoff) throws SQLException {
        long total = 0;
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            try (PreparedStatement delete = connection.prepareStatement(DELETE_OLD)) {
                delete.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
                int deleted;
                do {
                    deleted = delete.executeUpdate();
                    total += deleted;
                } while (deleted >= DELETE_CHUNK);
            }
        }
        return total;
    }

    private Engine engine(Connection connection) throws SQLException {
        Engine known = engine;
        if (known == null) {
            String product = connection.getMetaData().getDatabaseProductName();
            known = product != null && product.toLowerCase(java.util.Locale.ROOT).contains("h2") ? Engine.H2 : Engine.POSTGRES;
            engine = known;
        }
        return known;
    }

    private static boolean contention(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if ("40001".equals(state) || "40P01".equals(state) || "23505".equals(state)) {
                    return true;
                }
                SQLException next = sql.getNextException();
                if (next != null && next != t && contention(next)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A data error (SQLState class 22 or 23 other than a unique violation): this record will never go in as it is. */
    static boolean refused(SQLException e) {
        String state = sqlState(e);
        return state != null && (state.startsWith("22") || (state.startsWith("23") && !"23505".equals(state)));
    }

    /** The first SQLState in the chain (batch exceptions carry the real one in the next exception). */
    static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                if (sql.getSQLState() != null) {
                    return sql.getSQLState();
                }
                if (sql.getNextException() != null && sql.getNextException().getSQLState() != null) {
                    return sql.getNextException().getSQLState();
                }
            }
        }
        return null;
    }

    /**
     * The record as the columns take it: ids, names and codes cut to their column widths, required values never
     * null. Without this one malformed record would fail its whole batch forever.
     */
    static UsageRecord clean(UsageRecord r) {
        return new UsageRecord(
                r.id() == null || r.id().isEmpty() ? UUID.randomUUID().toString() : cut(r.id(), 40),
                r.occurredAt() == null ? Instant.now() : r.occurredAt(),
                r.requestId() == null ? "" : cut(r.requestId(), 128),
                r.tenantId() == null ? null : cut(r.tenantId(), 40),
                r.keyId() == null ? null : cut(r.keyId(), 40),
                r.surface() == null ? "" : cut(r.surface(), 20),
                r.model() == null ? "" : cut(r.model(), 200),
                r.stream(),
                r.status(),
                r.errorCode() == null ? null : cut(r.errorCode(), 64),
                r.promptTokens(),
                r.completionTokens(),
                r.latencyMs(),
                r.saiLatencyMs(),
                r.credential() == null ? "" : cut(r.credential(), 32),
                r.cacheHit(),
                Math.max(0, r.tokensSaved()));
    }

    private static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end);
    }

    private record DayKey(LocalDate day, String tenantId, String keyId, String model) implements Comparable<DayKey> {
        @Override
        public int compareTo(DayKey o) {
            int c = day.compareTo(o.day);
            if (c == 0) {
                c = tenantId.compareTo(o.tenantId);
            }
            if (c == 0) {
                c = keyId.compareTo(o.keyId);
            }
            return c == 0 ? model.compareTo(o.model) : c;
        }
    }
}
