package sai.gateway.ui;

import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * One chart as ui.js draws it from the element's {@code data-chart} attribute: the bucket starts (unix seconds) and
 * one or more series of values (null: no value in that bucket, a gap in the line), each on the left axis ({@code y})
 * or the right ({@code y2}). {@code label} and {@code summary} are the page's: the chart's name and, for its
 * {@code aria-label}, the same numbers in words.
 */
record UiChart(String id, String label, String summary, String json) {

    @Serdeable
    record Data(List<Long> x, List<Series> series) {
    }

    @Serdeable
    record Series(String label, List<Long> values, String axis) {
        static Series left(String label, List<Long> values) {
            return new Series(label, values, "y");
        }

        static Series right(String label, List<Long> values) {
            return new Series(label, values, "y2");
        }
    }

    static UiChart of(JsonMapper json, String id, String label, String summary, List<Long> x, List<Series> series) {
        try {
            return new UiChart(id, label, summary, json.writeValueAsString(new Data(x, series)));
        } catch (IOException e) {
            throw new UncheckedIOException("a chart of numbers and labels always serialises", e);
        }
    }
}
