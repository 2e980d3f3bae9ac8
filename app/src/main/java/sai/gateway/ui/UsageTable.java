package sai.gateway.ui;

import io.micronaut.core.annotation.Nullable;
import sai.gateway.admin.UsageCsv;
import sai.gateway.usage.UsageExplorer;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The explorer's grouped table, built once and written twice: as the page's HTML table and as the CSV file, so
 * the file has exactly the page's columns, rows and numbers. A grouped tenant or key takes two columns, its name
 * (a link on the page) and its id; rows without one (a gateway access key's requests) say so in the name column.
 */
record UsageTable(List<Column> columns, List<List<Cell>> rows, boolean more) {

    enum Kind { TEXT, CODE, LINK, HOUR, DAY, NUMBER, MS }

    /** {@code number} for NUMBER and MS cells; {@code text} for the rest (and "" for a number there is none of). */
    record Cell(Kind kind, String text, @Nullable String href, long number, boolean blank) {
        static Cell text(String text) {
            return new Cell(Kind.TEXT, text, null, 0, false);
        }

        static Cell code(@Nullable String text) {
            return new Cell(Kind.CODE, text == null ? "" : text, null, 0, false);
        }

        static Cell link(String text, @Nullable String href) {
            return new Cell(href == null ? Kind.TEXT : Kind.LINK, text, href, 0, false);
        }

        static Cell number(long number) {
            return new Cell(Kind.NUMBER, Long.toString(number), null, number, false);
        }

        static Cell ms(@Nullable Long ms) {
            return ms == null ? new Cell(Kind.MS, "", null, 0, true) : new Cell(Kind.MS, Long.toString(ms), null, ms, false);
        }

        /** Public: the template calls it, and OGNL calls public methods only. */
        public boolean numeric() {
            return kind == Kind.NUMBER || kind == Kind.MS;
        }
    }

    record Column(String label, boolean numeric) {
    }

    static UsageTable of(UsageForm form, UsageExplorer.Groups groups, UiDirectory.Names names, UiText text, Locale locale) {
        List<Column> columns = new ArrayList<>();
        if (form.groups().isEmpty()) {
            columns.add(new Column(text.get(locale, "col.group"), false));
        }
        for (String group : form.groups()) {
            switch (group) {
                case "tenant" -> {
                    columns.add(new Column(text.get(locale, "col.tenant"), false));
                    columns.add(new Column(text.get(locale, "col.tenantId"), false));
                }
                case "key" -> {
                    columns.add(new Column(text.get(locale, "col.key"), false));
                    columns.add(new Column(text.get(locale, "col.keyId"), false));
                }
                default -> columns.add(new Column(text.get(locale, "col." + group), group.equals("status")));
            }
        }
        for (String number : List.of("requests", "errors", "tokensIn", "tokensOut", "meanLatency", "p95Latency")) {
            columns.add(new Column(text.get(locale, "col." + number), true));
        }
        String none = text.get(locale, "explorer.noTenant");
        List<List<Cell>> rows = new ArrayList<>();
        for (UsageExplorer.Group g : groups.groups()) {
            List<Cell> row = new ArrayList<>();
            if (form.groups().isEmpty()) {
                row.add(Cell.text(text.get(locale, "explorer.allRequests")));
            }
            for (String group : form.groups()) {
                switch (group) {
                    case "hour" -> row.add(new Cell(Kind.HOUR, g.hour().toString(), null, 0, false));
                    case "day" -> row.add(new Cell(Kind.DAY, g.day().toString(), null, 0, false));
                    case "tenant" -> {
                        row.add(named(names.tenant(g.tenantId()), g.tenantId(), "tenant?id=", none));
                        row.add(Cell.code(g.tenantId()));
                    }
                    case "key" -> {
                        row.add(named(names.key(g.keyId()), g.keyId(), "key?id=", none));
                        row.add(Cell.code(g.keyId()));
                    }
                    case "model" -> row.add(Cell.code(g.model()));
                    case "surface" -> row.add(Cell.text(g.surface() == null ? "" : g.surface()));
                    default -> row.add(Cell.number(g.status()));
                }
            }
            row.add(Cell.number(g.requests()));
            row.add(Cell.number(g.errors()));
            row.add(Cell.number(g.promptTokens()));
            row.add(Cell.number(g.completionTokens()));
            row.add(Cell.ms(Math.round(g.meanLatencyMs())));
            row.add(Cell.ms(g.p95LatencyMs()));
            rows.add(List.copyOf(row));
        }
        return new UsageTable(List.copyOf(columns), List.copyOf(rows), groups.more());
    }

    private static Cell named(@Nullable String name, @Nullable String id, String page, String none) {
        if (id == null || id.isEmpty()) {
            return Cell.text(none);
        }
        return Cell.link(name == null ? id : name, page + URLEncoder.encode(id, StandardCharsets.UTF_8));
    }

    /** RFC 4180 with the spreadsheet-formula guard: the header, then every row the page shows, cell for cell. */
    String csv() {
        UsageCsv out = new UsageCsv();
        columns.forEach(column -> out.text(column.label()));
        out.endRow();
        for (List<Cell> row : rows) {
            for (Cell cell : row) {
                if (cell.numeric() && !cell.blank()) {
                    out.number(cell.number());
                } else {
                    out.text(cell.text());
                }
            }
            out.endRow();
        }
        return out.toString();
    }
}
