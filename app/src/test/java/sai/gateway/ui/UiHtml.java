package sai.gateway.ui;

import com.fasterxml.jackson.databind.JsonNode;
import sai.gateway.testing.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a reader of a dashboard page sees in it, read out of the HTML the tests get: an element's attribute by its
 * id, a field's message, a table's cells (a {@code <data>} cell by its machine value, any other by its text), a
 * chart's data.
 * Enough for the pages' own markup, which Thymeleaf writes the same way every time; not a general HTML parser.
 */
final class UiHtml {

    private static final Pattern ROW = Pattern.compile("<tr[^>]*>(.*?)</tr>", Pattern.DOTALL);
    private static final Pattern CELL = Pattern.compile("<t([hd])[^>]*>(.*?)</t\\1>", Pattern.DOTALL);
    private static final Pattern DATA_VALUE = Pattern.compile("<data[^>]*\\svalue=\"([^\"]*)\"");

    private UiHtml() {
    }

    /** The start tag of the element with this id. */
    static Optional<String> tag(String html, String id) {
        Matcher m = Pattern.compile("<[a-zA-Z][^>]*\\sid=\"" + Pattern.quote(id) + "\"[^>]*>").matcher(html);
        return m.find() ? Optional.of(m.group()) : Optional.empty();
    }

    static Optional<String> attribute(String html, String id, String name) {
        return tag(html, id).flatMap(tag -> {
            Matcher m = Pattern.compile("\\s" + Pattern.quote(name) + "=\"([^\"]*)\"").matcher(tag);
            return m.find() ? Optional.of(unescape(m.group(1))) : Optional.empty();
        });
    }

    /** The {@code value} of the {@code <data>} with this id, as a number. */
    static long number(String html, String id) {
        return Long.parseLong(attribute(html, id, "value").orElseThrow(() -> new AssertionError("no element #" + id)));
    }

    static double decimal(String html, String id) {
        return Double.parseDouble(attribute(html, id, "value").orElseThrow(() -> new AssertionError("no element #" + id)));
    }

    /** The text of the element with this id (up to its first closing tag of the same name). */
    static Optional<String> text(String html, String id) {
        Matcher m = Pattern.compile("<([a-zA-Z]+)[^>]*\\sid=\"" + Pattern.quote(id) + "\"[^>]*>(.*?)</\\1>", Pattern.DOTALL).matcher(html);
        return m.find() ? Optional.of(plain(m.group(2))) : Optional.empty();
    }

    /** The data of the chart with this id, as ui.js gets it: x, and each series' label and values. */
    static JsonNode chart(String html, String id) {
        return Json.parse(attribute(html, id, "data-chart").orElseThrow(() -> new AssertionError("no chart #" + id)));
    }

    /** The sum of one series of a chart's data, its gaps (null) as 0. */
    static long sum(JsonNode chart, int series) {
        long sum = 0;
        for (JsonNode value : chart.path("series").get(series).path("values")) {
            sum += value.asLong();
        }
        return sum;
    }

    /** The message shown under a form field. */
    static Optional<String> fieldError(String html, String field) {
        return text(html, field + "-error");
    }

    /** Every row of the table with this id, the header row first; a cell is its data value, or its text. */
    static List<List<String>> table(String html, String id) {
        Matcher table = Pattern.compile("<table[^>]*\\sid=\"" + Pattern.quote(id) + "\"[^>]*>(.*?)</table>", Pattern.DOTALL).matcher(html);
        if (!table.find()) {
            throw new AssertionError("no table #" + id);
        }
        List<List<String>> rows = new ArrayList<>();
        Matcher row = ROW.matcher(table.group(1));
        while (row.find()) {
            List<String> cells = new ArrayList<>();
            Matcher cell = CELL.matcher(row.group(1));
            while (cell.find()) {
                Matcher data = DATA_VALUE.matcher(cell.group(2));
                cells.add(data.find() ? unescape(data.group(1)) : plain(cell.group(2)));
            }
            rows.add(cells);
        }
        return rows;
    }

    /** The href of the first link inside the table cell whose text is {@code text}. */
    static Optional<String> linkTo(String html, String text) {
        Matcher m = Pattern.compile("<a[^>]*\\shref=\"([^\"]*)\"[^>]*>\\s*" + Pattern.quote(escape(text)) + "\\s*</a>").matcher(html);
        return m.find() ? Optional.of(unescape(m.group(1))) : Optional.empty();
    }

    static String plain(String fragment) {
        return unescape(fragment.replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").strip());
    }

    static String unescape(String text) {
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&#x27;", "'")
                .replace("&amp;", "&");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
