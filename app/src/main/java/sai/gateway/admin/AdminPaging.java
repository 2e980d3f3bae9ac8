package sai.gateway.admin;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.model.Page;
import sai.gateway.json.JsonFields;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/** {@code limit} and {@code offset} of the list endpoints, and one page at any offset. */
final class AdminPaging {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    /** Far beyond any list here, and small enough that offset + limit never overflows a page number. */
    static final int MAX_OFFSET = 1_000_000_000;

    private AdminPaging() {
    }

    record Slice<T>(List<T> data, long total) {
    }

    static int limit(@Nullable String raw) {
        return number(raw, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    }

    static int offset(@Nullable String raw) {
        return number(raw, "offset", 0, 0, MAX_OFFSET);
    }

    /**
     * TenancyAdmin's lists are page-based (page = offset / limit), so an offset that is not a multiple of the limit is
     * served from the page it falls in and the next one: two queries at most, never rows the client did not ask for.
     */
    static <T> Slice<T> slice(int limit, int offset, BiFunction<Integer, Integer, Page<T>> pageAtOffset) {
        int first = offset / limit * limit;
        Page<T> page = pageAtOffset.apply(limit, first);
        List<T> rows = new ArrayList<>(page.getContent());
        int skip = offset - first;
        if (skip > 0 && rows.size() == limit) {
            rows.addAll(pageAtOffset.apply(limit, first + limit).getContent());
        }
        int from = Math.min(skip, rows.size());
        int to = Math.min(skip + limit, rows.size());
        return new Slice<>(List.copyOf(rows.subList(from, to)), page.getTotalSize());
    }

    private static int number(@Nullable String raw, String name, int fallback, int min, int max) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        String value = raw.strip();
        if (value.length() > 10 || !value.chars().allMatch(c -> c >= '0' && c <= '9') || Long.parseLong(value) < min || Long.parseLong(value) > max) {
            throw AdminRefusals.invalid(name, name + " must be a whole number from " + min + " to " + max + ", got '"
                    + JsonFields.printable(value) + "'.");
        }
        return Integer.parseInt(value);
    }
}
