package sai.gateway.admin;

import io.micronaut.core.annotation.Nullable;
import sai.gateway.json.JsonFields;


/** {@code limit} and {@code offset} of the list endpoints. */
final class AdminPaging {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    /** Far beyond any list here. */
    static final int MAX_OFFSET = 1_000_000_000;

    private AdminPaging() {
    }

    static int limit(@Nullable String raw) {
        return number(raw, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    }

    static int offset(@Nullable String raw) {
        return number(raw, "offset", 0, 0, MAX_OFFSET);
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
