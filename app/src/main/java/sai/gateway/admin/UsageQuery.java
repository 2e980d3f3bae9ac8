package sai.gateway.admin;

import io.micronaut.core.annotation.Nullable;
import sai.gateway.json.JsonFields;
import sai.gateway.usage.UsageTotals;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The parameters of {@code GET /admin/usage} and {@code /admin/usage.csv}, checked. {@link #from()} and {@link #to()}
 * are the UTC midnights around the range asked for: the roll-ups are per day, so a day the range touches counts
 * whole, and the answer says which days that is rather than echo bounds the totals do not keep.
 */
record UsageQuery(Instant from, Instant to, List<String> groupBy,
                  @Nullable String tenantId, @Nullable String keyId, @Nullable String model) {

    static final Duration DEFAULT_RANGE = Duration.ofDays(30);
    static final Duration MAX_RANGE = Duration.ofDays(400);
    static final String DEFAULT_GROUP = "day";
    /** 9999-12-31T23:59:59Z: far beyond any usage, and every such second is a representable date. */
    private static final long MAX_SECONDS = 253_402_300_799L;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT);

    static UsageQuery of(@Nullable String from, @Nullable String to, @Nullable String groupBy,
                         @Nullable String tenantId, @Nullable String keyId, @Nullable String model, Instant now) {
        Instant end = blank(to) ? now : time(to, "to", true);
        Instant start = blank(from) ? end.minus(DEFAULT_RANGE) : time(from, "from", false);
        if (!end.isAfter(start)) {
            throw AdminRefusals.invalid("from", "from must be before to (from " + start.getEpochSecond() + ", to "
                    + end.getEpochSecond() + ").");
        }
        if (Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
            throw AdminRefusals.invalid("from", "The range from " + start.getEpochSecond() + " to " + end.getEpochSecond()
                    + " is longer than " + MAX_RANGE.toDays() + " days: ask for it in parts.");
        }
        return new UsageQuery(midnightOnOrBefore(start), midnightOnOrAfter(end), groups(groupBy), filter(tenantId), filter(keyId), filter(model));
    }

    /** Unix seconds, or a UTC date: its start, or for {@code to} its end (the next midnight), so from=to=one day asks for that day. */
    private static Instant time(String raw, String param, boolean end) {
        String value = raw.strip();
        if (!value.isEmpty() && value.length() <= 12 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long seconds = Long.parseLong(value);
            if (seconds <= MAX_SECONDS) {
                return Instant.ofEpochSecond(seconds);
            }
        } else if (value.length() == 10) {
            try {
                LocalDate day = LocalDate.parse(value, DATE);
                return (end ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeException e) {
                // not a date: refused below like any other text
            }
        }
        throw AdminRefusals.invalid(param, param + " must be unix seconds (0 to " + MAX_SECONDS + ") or a UTC date YYYY-MM-DD, got '"
                + JsonFields.printable(value) + "'.");
    }

    /** In {@link UsageTotals#GROUPS}' order, whatever the order asked for: the order the groups are sorted in. */
    private static List<String> groups(@Nullable String raw) {
        if (blank(raw)) {
            return List.of(DEFAULT_GROUP);
        }
        Set<String> asked = new LinkedHashSet<>();
        for (String name : raw.split(",", -1)) {
            String group = name.strip().toLowerCase(Locale.ROOT);
            if (!UsageTotals.GROUPS.containsKey(group)) {
                throw AdminRefusals.invalid("group_by", "group_by must be a comma-separated list of " + String.join(", ", UsageTotals.GROUPS.keySet())
                        + ", got '" + JsonFields.printable(name.strip()) + "'.");
            }
            asked.add(group);
        }
        List<String> ordered = new ArrayList<>();
        for (String group : UsageTotals.GROUPS.keySet()) {
            if (asked.contains(group)) {
                ordered.add(group);
            }
        }
        return List.copyOf(ordered);
    }

    @Nullable
    private static String filter(@Nullable String raw) {
        return blank(raw) ? null : raw.strip();
    }

    private static boolean blank(@Nullable String raw) {
        return raw == null || raw.isBlank();
    }

    private static Instant midnightOnOrBefore(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static Instant midnightOnOrAfter(Instant instant) {
        Instant midnight = midnightOnOrBefore(instant);
        return midnight.equals(instant) ? instant : midnight.plus(Duration.ofDays(1));
    }

    boolean grouped(String group) {
        return groupBy.contains(group);
    }
}
