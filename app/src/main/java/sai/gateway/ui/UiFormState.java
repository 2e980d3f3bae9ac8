package sai.gateway.ui;

import io.micronaut.core.annotation.Nullable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A form as the page shows it: the values to put back in its fields (what the user typed, or the record being edited)
 * and what is wrong with each. Field names are the admin API's ({@code tokens_per_day}); element ids are the form's
 * prefix and the name, so two forms on one page (a tenant's and its new key's) never share one.
 */
final class UiFormState {

    private final String prefix;
    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final Map<String, UiError> errors = new LinkedHashMap<>();

    UiFormState(String prefix) {
        this.prefix = prefix;
    }

    UiFormState put(String name, @Nullable Object value) {
        values.put(name, value == null ? List.of() : List.of(value.toString()));
        return this;
    }

    UiFormState putAll(String name, List<String> chosen) {
        values.put(name, List.copyOf(chosen));
        return this;
    }

    /** Only the first problem of a field is shown: it is the one to fix first. */
    UiFormState error(String name, UiError error) {
        errors.putIfAbsent(name, error);
        return this;
    }

    public String value(String name) {
        List<String> v = values.get(name);
        return v == null || v.isEmpty() ? "" : v.get(0);
    }

    public boolean checked(String name, String option) {
        return values.getOrDefault(name, List.of()).contains(option);
    }

    public String id(String name) {
        // Model ids are the only free text in names; an id only needs to be unique and without spaces.
        return prefix + name.replaceAll("\\s", "_");
    }

    public String errorId(String name) {
        return id(name) + "-error";
    }

    @Nullable
    public UiError errorOf(String name) {
        return errors.get(name);
    }

    /** The {@code aria-describedby} of a field: its error when it has one (null leaves the attribute out). */
    @Nullable
    public String describedBy(String name) {
        return errors.containsKey(name) ? errorId(name) : null;
    }

    public boolean invalid(String name) {
        return errors.containsKey(name);
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** The id of the first field with a problem, for the link that takes the keyboard there. */
    @Nullable
    public String firstInvalidId() {
        return errors.keySet().stream().findFirst().map(this::id).orElse(null);
    }

    public int errorCount() {
        return errors.size();
    }
}
