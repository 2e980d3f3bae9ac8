package sai.gateway.ui;

import io.micronaut.core.annotation.Nullable;
import sai.gateway.usage.UsageExplorer;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The usage explorer's filters, checked: tenant, key and model (exact ids), surface, status (any, a class, or one
 * code), the range, what to group by and how many rows at most. The same form serves the page and its CSV file,
 * whose link carries {@link #query()}, so the file holds exactly the rows the page shows.
 *
 * @param status     "", a class such as {@code 4xx}, or {@code custom} for the one status in {@code code}
 * @param groups     in {@link UsageExplorer#GROUP_BY}'s order; empty: one row of totals
 */
record UsageForm(UiRange range, @Nullable String tenant, @Nullable String key, @Nullable String model, @Nullable String surface,
                 String status, String code, List<String> groups, int rows) {

    /** The API surfaces a usage row can name (each surface's {@code name()}). */
    static final List<String> SURFACES = List.of("chat", "responses", "completions", "messages");
    static final List<String> STATUS_CLASSES = List.of("2xx", "4xx", "5xx");
    static final int DEFAULT_ROWS = 200;
    static final int MAX_ROWS = 1_000;

    static UsageForm parse(UiQuery query, UiFieldErrors errors, Instant now) {
        UiRange range = UiRange.parse(query, errors, now);
        String surface = query.one("surface");
        if (surface != null && !SURFACES.contains(surface)) {
            errors.add("surface", "error.surface");
            surface = null;
        }
        String status = query.one("status");
        String code = query.one("code");
        status = status == null ? "" : status.toLowerCase(Locale.ROOT);
        if (status.matches("[1-5]\\d\\d")) {
            code = status;
            status = "custom";
        }
        if (status.equals("custom")) {
            if (code == null || !code.matches("[1-5]\\d\\d")) {
                errors.add("code", "error.code");
                code = code == null ? "" : code;
            }
        } else if (!status.isEmpty() && !status.matches("[1-5]xx")) {
            errors.add("status", "error.status");
            status = "";
        }
        List<String> groups = new ArrayList<>();
        if (!query.present("group")) {
            groups.add("day");
        } else {
            List<String> asked = query.all("group").stream().map(g -> g.toLowerCase(Locale.ROOT)).toList();
            for (String group : asked) {
                if (!UsageExplorer.GROUP_BY.contains(group)) {
                    errors.add("group", "error.group");
                }
            }
            UsageExplorer.GROUP_BY.stream().filter(asked::contains).forEach(groups::add);
        }
        int rows = DEFAULT_ROWS;
        String rowsText = query.one("rows");
        if (rowsText != null) {
            rows = rowsText.matches("\\d{1,4}") ? Integer.parseInt(rowsText) : -1;
            if (rows < 1 || rows > MAX_ROWS) {
                errors.add("rows", "error.rows", MAX_ROWS);
                rows = DEFAULT_ROWS;
            }
        }
        return new UsageForm(range, query.one("tenant"), query.one("key"), query.one("model"), surface, status,
                code == null ? "" : code, List.copyOf(groups), rows);
    }

    UsageExplorer.Filter filter() {
        return new UsageExplorer.Filter(tenant, key, model, surface, status.equals("custom") ? code : status);
    }

    /** Public: the template calls it, and OGNL calls public methods only. */
    public boolean grouped(String group) {
        return groups.contains(group);
    }

    /**
     * The form's values as a query string, the way the form itself submits them: an empty {@code group} first (so
     * that no ticked box means "no grouping" rather than the default), then one {@code group} per box.
     */
    String query() {
        StringBuilder out = new StringBuilder(range.query());
        append(out, "tenant", tenant);
        append(out, "key", key);
        append(out, "model", model);
        append(out, "surface", surface);
        append(out, "status", status);
        if (status.equals("custom")) {
            append(out, "code", code);
        }
        out.append("&group=");
        groups.forEach(group -> append(out, "group", group));
        append(out, "rows", Integer.toString(rows));
        return out.toString();
    }

    private static void append(StringBuilder out, String name, @Nullable String value) {
        if (value != null && !value.isEmpty()) {
            out.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }
}
