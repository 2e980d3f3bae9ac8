package sai.gateway.ui;

import io.micronaut.core.annotation.Nullable;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.List;
import java.util.Locale;

/**
 * The time range picker of the overview and the explorer: a preset (the last hour, day, 7 or 30 days) or whole UTC
 * days from one date to another, both included. The range is widened to whole buckets, so every chart point covers
 * a full bucket and the totals, the tables and the charts all count the same rows.
 *
 * @param preset   one of {@link #PRESETS}
 * @param fromDate the first day, as the form shows it (the typed text when it was wrong)
 * @param toDate   the last day, as the form shows it
 */
record UiRange(String preset, Instant from, Instant to, Duration bucket, String fromDate, String toDate) {

    static final List<String> PRESETS = List.of("1h", "24h", "7d", "30d", "custom");
    static final String DEFAULT = "24h";
    static final int MAX_DAYS = 400;
    /** A custom range gets the smallest of these buckets that keeps it within {@link #MAX_POINTS} points. */
    private static final List<Duration> BUCKETS = List.of(Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(3),
            Duration.ofHours(6), Duration.ofHours(12), Duration.ofDays(1), Duration.ofDays(2));
    static final int MAX_POINTS = 200;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT);
    private static final LocalDate FIRST_DAY = LocalDate.of(2000, 1, 1);
    private static final LocalDate LAST_DAY = LocalDate.of(9999, 12, 30);

    static UiRange parse(UiQuery query, UiFieldErrors errors, Instant now) {
        String preset = query.one("range");
        if (preset == null) {
            preset = query.present("from") || query.present("to") ? "custom" : DEFAULT;
        }
        if (!PRESETS.contains(preset)) {
            errors.add("range", "error.range.preset");
            preset = DEFAULT;
        }
        if (!preset.equals("custom")) {
            return preset(preset, now);
        }
        String fromText = query.one("from");
        String toText = query.one("to");
        LocalDate first = date(fromText, "from", errors);
        LocalDate last = date(toText, "to", errors);
        String shownFrom = fromText == null ? "" : fromText;
        String shownTo = toText == null ? "" : toText;
        if (first == null || last == null) {
            return fallback(now, shownFrom, shownTo);
        }
        if (first.isAfter(last)) {
            errors.add("from", "error.range.order");
            return fallback(now, shownFrom, shownTo);
        }
        long days = last.toEpochDay() - first.toEpochDay() + 1;
        if (days > MAX_DAYS) {
            errors.add("from", "error.range.tooLong", MAX_DAYS);
            return fallback(now, shownFrom, shownTo);
        }
        Instant start = first.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Duration bucket = BUCKETS.stream().filter(b -> Duration.between(start, end).dividedBy(b) <= MAX_POINTS).findFirst()
                .orElse(BUCKETS.get(BUCKETS.size() - 1));
        return new UiRange("custom", floor(start, bucket), ceil(end, bucket), bucket, shownFrom, shownTo);
    }

    static UiRange preset(String preset, Instant now) {
        Duration length = switch (preset) {
            case "1h" -> Duration.ofHours(1);
            case "7d" -> Duration.ofDays(7);
            case "30d" -> Duration.ofDays(30);
            default -> Duration.ofDays(1);
        };
        Duration bucket = switch (preset) {
            case "1h" -> Duration.ofMinutes(1);
            case "7d" -> Duration.ofHours(1);
            case "30d" -> Duration.ofDays(1);
            default -> Duration.ofMinutes(15);
        };
        Instant from = floor(now.minus(length), bucket);
        Instant to = ceil(now, bucket);
        return new UiRange(preset, from, to, bucket, day(from), day(to.minusSeconds(1)));
    }

    /** The range a page with a wrong range still shows its form over; its data is never read. */
    private static UiRange fallback(Instant now, String fromDate, String toDate) {
        UiRange day = preset(DEFAULT, now);
        return new UiRange("custom", day.from, day.to, day.bucket, fromDate, toDate);
    }

    @Nullable
    private static LocalDate date(@Nullable String text, String field, UiFieldErrors errors) {
        if (text == null) {
            if (!errors.has(field)) {
                errors.add(field, "error.date.required");
            }
            return null;
        }
        try {
            LocalDate day = text.length() == 10 ? LocalDate.parse(text, DATE) : null;
            if (day != null && !day.isBefore(FIRST_DAY) && !day.isAfter(LAST_DAY)) {
                return day;
            }
        } catch (DateTimeException e) {
            // refused below, like any other text
        }
        errors.add(field, "error.date.format");
        return null;
    }

    private static Instant floor(Instant instant, Duration bucket) {
        long size = bucket.getSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(instant.getEpochSecond(), size) * size);
    }

    private static Instant ceil(Instant instant, Duration bucket) {
        Instant floor = floor(instant, bucket);
        return floor.equals(instant) ? instant : floor.plus(bucket);
    }

    private static String day(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC).toString();
    }

    boolean custom() {
        return preset.equals("custom");
    }

    /** The range's own query parameters, for links that keep it (the explorer's, from the overview). */
    String query() {
        return custom() ? "range=custom&from=" + fromDate + "&to=" + toDate : "range=" + preset;
    }
}
