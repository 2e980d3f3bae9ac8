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
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the daily roll-ups (never the raw rows, which retention prunes): token sums for budgets and totals for
 * {@code /admin/usage}. Records still waiting in {@link UsageRecorder} are not in them yet.
 */
@Singleton
@Requires(condition = TenancyEnabled.class)
public final class UsageTotals {

    /** The accepted {@code groupBy} names and their columns, in the order results are grouped and sorted. */
    public static final Map<String, String> GROUPS;

    static {
        Map<String, String> groups = new LinkedHashMap<>();
        groups.put("day", "usage_day");
        groups.put("tenant", "tenant_id");
        groups.put("key", "key_id");
        groups.put("model", "model");
        GROUPS = java.util.Collections.unmodifiableMap(groups);
    }

    private final DataSource dataSource;

    @Inject
    UsageTotals(DataSource dataSource) {
        this(dataSource, true);
    }

    UsageTotals(DataSource dataSource, boolean unwrap) {
        // Plain JDBC on the pool: Micronaut Data's wrapper only serves connections inside @Transactional or @Connectable.
        this.dataSource = unwrap ? DelegatingDataSource.unwrapDataSource(dataSource) : dataSource;
    }

    /**
     * Prompt plus completion tokens per tenant and per key and UTC day, for every day from {@code fromDay} on:
     * keys {@code tenant:<id>:day:<yyyy-MM-dd>} and {@code key:<id>:day:<yyyy-MM-dd>}, and per model
     * {@code tenant:<id>:model:<model>:day:<yyyy-MM-dd>} (and the key's). Requests without a tenant or key count for neither.
     */
    public Map<String, Long> tokensByScopeSince(LocalDate fromDay) {
        String sql = "SELECT usage_day, tenant_id, key_id, model, SUM(prompt_tokens + completion_tokens) FROM usage_daily "
                + "WHERE usage_day >= ? GROUP BY usage_day, tenant_id, key_id, model";
        Map<String, Long> tokens = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            query.setObject(1, fromDay);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String day = rows.getObject(1, LocalDate.class).toString();
                    String tenant = rows.getString(2);
                    String key = rows.getString(3);
                    String model = rows.getString(4);
                    long sum = rows.getLong(5);
                    if (!tenant.isEmpty()) {
                        tokens.merge("tenant:" + tenant + ":day:" + day, sum, Long::sum);
                        tokens.merge("tenant:" + tenant + ":model:" + model + ":day:" + day, sum, Long::sum);
                    }
                    if (!key.isEmpty()) {
                        tokens.merge("key:" + key + ":day:" + day, sum, Long::sum);
                        tokens.merge("key:" + key + ":model:" + model + ":day:" + day, sum, Long::sum);
                    }
                }
            }
        } catch (SQLException e) {
            throw new Unavailable(e);
        }
        return tokens;
    }

    /**
     * Totals over the UTC days that overlap {@code [from, to)} (roll-ups are per day: a partial day counts whole),
     * grouped by any of {@link #GROUPS} (none: one grand total), optionally for one tenant, key or model. Groups are
     * sorted by day, tenant, key, model. An unknown group name is an {@link IllegalArgumentException}.
     */
    public List<UsageGroup> totals(Instant from, Instant to, Set<String> groupBy,
                                   @Nullable String tenantId, @Nullable String keyId, @Nullable String model) {
        for (String group : groupBy) {
            if (!GROUPS.containsKey(group)) {
                throw new IllegalArgumentException("groupBy must be among " + GROUPS.keySet());
            }
        }
        if (!from.isBefore(to)) {
            return List.of();
        }
        LocalDate firstDay = LocalDate.ofInstant(from, ZoneOffset.UTC);
        LocalDate lastDay = LocalDate.ofInstant(to.minusNanos(1), ZoneOffset.UTC);
        List<String> columns = new ArrayList<>();
        GROUPS.forEach((name, column) -> {
            if (groupBy.contains(name)) {
                columns.add(column);
            }
        });
        StringBuilder sql = new StringBuilder("SELECT ");
        for (String column : columns) {
            sql.append(column).append(", ");
        }
        sql.append("COUNT(*), COALESCE(SUM(requests), 0), COALESCE(SUM(errors), 0), COALESCE(SUM(prompt_tokens), 0), ")
                .append("COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(latency_ms), 0), COALESCE(SUM(cache_hits), 0), ")
                .append("COALESCE(SUM(tokens_saved), 0) ")
                .append("FROM usage_daily WHERE usage_day >= ? AND usage_day <= ?");
        List<String> filters = new ArrayList<>();
        if (tenantId != null) {
            sql.append(" AND tenant_id = ?");
            filters.add(tenantId);
        }
        if (keyId != null) {
            sql.append(" AND key_id = ?");
            filters.add(keyId);
        }
        if (model != null) {
            sql.append(" AND model = ?");
            filters.add(model);
        }
        if (!columns.isEmpty()) {
            String list = String.join(", ", columns);
            sql.append(" GROUP BY ").append(list).append(" ORDER BY ").append(list);
        }
        List<UsageGroup> groups = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql.toString())) {
            query.setObject(1, firstDay);
            query.setObject(2, lastDay);
            for (int i = 0; i < filters.size(); i++) {
                query.setString(3 + i, filters.get(i));
            }
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    int at = 1;
                    LocalDate day = groupBy.contains("day") ? rows.getObject(at++, LocalDate.class) : null;
                    String tenant = groupBy.contains("tenant") ? rows.getString(at++) : null;
                    String key = groupBy.contains("key") ? rows.getString(at++) : null;
                    String name = groupBy.contains("model") ? rows.getString(at++) : null;
                    if (rows.getLong(at++) == 0) {
                        // the grand total over no rows at all: no group
                        continue;
                    }
                    groups.add(new UsageGroup(day, tenant, key, name, rows.getLong(at++), rows.getLong(at++), rows.getLong(at++),
                            rows.getLong(at++), rows.getLong(at++), rows.getLong(at++), rows.getLong(at)));
                }
            }
        } catch (SQLException e) {
            throw new Unavailable(e);
        }
        return groups;
    }

    /**
     * The database did not answer. The message names the exception class and SQLState only: drivers' messages can
     * quote values. The cause is kept for a debugger, not for logs.
     */
    public static final class Unavailable extends RuntimeException {
        Unavailable(SQLException cause) {
            super("usage totals cannot be read (" + cause.getClass().getSimpleName()
                    + (UsageStore.sqlState(cause) == null ? "" : ", SQLState " + UsageStore.sqlState(cause)) + ")", cause, false, false);
        }
    }
}
