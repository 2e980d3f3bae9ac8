package sai.gateway.ui;

import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * One page of a list: where it starts, how long it is, how many rows there are in all. A page's address is typed by
 * people and kept in bookmarks, so a number out of range is brought into it rather than refused.
 */
record UiPaging(int offset, int limit, long total) {

    static final List<Integer> SIZES = List.of(10, 20, 50, 100);
    static final int DEFAULT_LIMIT = 20;

    static int limit(@Nullable String raw) {
        Integer value = small(raw);
        return value == null ? DEFAULT_LIMIT : Math.max(1, Math.min(value, SIZES.get(SIZES.size() - 1)));
    }

    static int offset(@Nullable String raw) {
        Integer value = small(raw);
        return value == null ? 0 : value;
    }

    /**
     * What a list page's count, size choice and pager read (parts.html): this page, the sizes, and the links to the
     * previous and next pages, made by {@code link} from their offsets (null where there is none).
     */
    void into(Map<String, Object> model, IntFunction<String> link) {
        model.put("paging", this);
        model.put("sizes", SIZES);
        model.put("previousHref", hasPrevious() ? link.apply(previousOffset()) : null);
        model.put("nextHref", hasNext() ? link.apply(nextOffset()) : null);
    }

    /** The first row shown, counting from 1; 0 when none is. */
    public long first() {
        return offset < total ? offset + 1L : 0;
    }

    public long last() {
        return Math.min((long) offset + limit, total);
    }

    public boolean hasPrevious() {
        return offset > 0;
    }

    public int previousOffset() {
        return Math.max(0, offset - limit);
    }

    public boolean hasNext() {
        return (long) offset + limit < total;
    }

    public int nextOffset() {
        return offset + limit;
    }

    @Nullable
    private static Integer small(@Nullable String raw) {
        if (raw == null) {
            return null;
        }
        String value = raw.strip();
        if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        return Integer.parseInt(value);
    }
}
