package sai.gateway.ui;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A page's query parameters, read the way a GET form's fields are: every value is checked before anything uses it
 * (at most {@link #MAX_VALUE} characters, UTF-8 text, no control characters), and a bad one is a field error, not
 * an exception. Netty decodes bytes that are not UTF-8 to U+FFFD, which is how they are recognised here.
 */
final class UiQuery {

    /** Longer than any tenant or key id, model or date the pages take. */
    static final int MAX_VALUE = 200;

    private final Map<String, List<String>> values;
    private final UiFieldErrors errors;

    private UiQuery(Map<String, List<String>> values, UiFieldErrors errors) {
        this.values = values;
        this.errors = errors;
    }

    /** A broken %-escape never gets here: Micronaut reads {@code %ZZ} as the text {@code %ZZ} (or the address as {@code /}). */
    static UiQuery of(HttpRequest<?> request, UiFieldErrors errors) {
        return new UiQuery(request.getParameters().asMap(), errors);
    }

    /** Whether the parameter was sent at all, even empty. */
    boolean present(String name) {
        return values.containsKey(name);
    }

    /** The first value, stripped; null when absent, blank or bad (a bad one adds its field's error). */
    @Nullable
    String one(String name) {
        List<String> all = values.get(name);
        if (all == null || all.isEmpty()) {
            return null;
        }
        String value = checked(name, all.get(0));
        return value == null || value.isEmpty() ? null : value;
    }

    /** Every value, stripped, blanks left out; a bad one adds its field's error and is left out. */
    List<String> all(String name) {
        List<String> out = new ArrayList<>();
        for (String raw : values.getOrDefault(name, List.of())) {
            String value = checked(name, raw);
            if (value != null && !value.isEmpty()) {
                out.add(value);
            }
        }
        return out;
    }

    @Nullable
    private String checked(String name, String raw) {
        if (raw.length() > MAX_VALUE) {
            errors.add(name, "error.tooLong", MAX_VALUE);
            return null;
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\uFFFD') {
                errors.add(name, "error.encoding");
                return null;
            }
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                errors.add(name, "error.control");
                return null;
            }
        }
        return raw.strip();
    }
}
