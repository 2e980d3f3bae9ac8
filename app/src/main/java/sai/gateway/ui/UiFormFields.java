package sai.gateway.ui;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.value.ConvertibleValues;
import io.micronaut.http.HttpRequest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A form post's fields ({@code application/x-www-form-urlencoded}), every value of a repeated name kept: a group of
 * checkboxes sends one field per box ticked, which Micronaut's form binding would cut down to the first.
 */
final class UiFormFields {

    /** Far above any dashboard form (a few dozen fields); a bigger body is not one of them. */
    static final int MAX_FIELDS = 1000;

    private final Map<String, List<String>> fields;

    private UiFormFields(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    /**
     * The fields where the raw body is not handed to the controller: the Lambda adapter has already decoded a form post
     * (its {@code @Body byte[]} is empty), and keeps every value of a repeated name in its multi-values.
     */
    static UiFormFields of(HttpRequest<?> request) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        request.getBody(ConvertibleValues.class).ifPresent(values -> {
            for (Object entry : values.asMap().entrySet()) {
                if (fields.size() >= MAX_FIELDS) {
                    break;
                }
                Map.Entry<?, ?> field = (Map.Entry<?, ?>) entry;
                List<String> all = new ArrayList<>();
                if (field.getValue() instanceof Iterable<?> many) {
                    many.forEach(value -> all.add(String.valueOf(value)));
                } else if (field.getValue() != null) {
                    all.add(String.valueOf(field.getValue()));
                }
                fields.put(String.valueOf(field.getKey()), all);
            }
        });
        return new UiFormFields(fields);
    }

    static UiFormFields parse(@Nullable byte[] body) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        if (body == null || body.length == 0) {
            return new UiFormFields(fields);
        }
        int count = 0;
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty() || ++count > MAX_FIELDS) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (name != null && value != null) {
                fields.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            }
        }
        return new UiFormFields(fields);
    }

    /** The first value of {@code name}, or null when the form has none. */
    @Nullable
    String first(String name) {
        List<String> values = fields.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The first value of {@code name} without surrounding blanks, "" when absent. */
    String text(String name) {
        String value = first(name);
        return value == null ? "" : value.strip();
    }

    List<String> all(String name) {
        return fields.getOrDefault(name, List.of());
    }

    boolean has(String name) {
        return fields.containsKey(name);
    }

    /** A malformed escape ({@code %zz}) makes the field unreadable: it is left out, as if the form had not sent it. */
    @Nullable
    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }
}
