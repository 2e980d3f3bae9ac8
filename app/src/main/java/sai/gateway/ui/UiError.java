package sai.gateway.ui;

import java.util.List;

/** What is wrong with a field, as a message key of {@code i18n/ui_*.properties} and its arguments (already formatted). */
record UiError(String key, List<String> args) {

    static UiError of(String key, String... args) {
        return new UiError(key, List.of(args));
    }

    /** For {@code #messages.msgWithParams}: the message source takes the arguments as strings. */
    public Object[] params() {
        return args.toArray();
    }
}
