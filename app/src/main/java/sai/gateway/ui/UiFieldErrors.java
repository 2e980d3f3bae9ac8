package sai.gateway.ui;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What was wrong with a page's query, field by field: a message key and its arguments, the first problem of each
 * field only. The page shows each message next to its field and answers 400.
 */
final class UiFieldErrors {

    /** One message of {@code i18n/ui_*.properties} with its {@code {0}}, {@code {1}} arguments. */
    record Problem(String key, List<Object> args) {
    }

    private final Map<String, Problem> byField = new LinkedHashMap<>();

    void add(String field, String key, Object... args) {
        byField.putIfAbsent(field, new Problem(key, List.of(args)));
    }

    boolean has(String field) {
        return byField.containsKey(field);
    }

    boolean isEmpty() {
        return byField.isEmpty();
    }

    Map<String, Problem> all() {
        return byField;
    }
}
