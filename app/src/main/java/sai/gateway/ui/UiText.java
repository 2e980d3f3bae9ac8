package sai.gateway.ui;

import io.micronaut.context.MessageSource;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.util.locale.HttpLocaleResolver;
import jakarta.inject.Singleton;
import sai.gateway.database.TenancyEnabled;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The dashboard's words for what Java writes rather than a template: field messages, chart legends, CSV headers.
 * The same bundle and the same locale (the language cookie, else GATEWAY_LOCALE) as the templates' {@code #{...}}.
 */
@Singleton
@Requires(condition = TenancyEnabled.class)
class UiText {

    private final MessageSource messages;
    private final HttpLocaleResolver locales;

    UiText(MessageSource messages, HttpLocaleResolver locales) {
        this.messages = messages;
        this.locales = locales;
    }

    Locale locale(HttpRequest<?> request) {
        return locales.resolveOrDefault(request);
    }

    /** The message; its key itself when the bundle lacks it, so a missing word shows as such rather than failing the page. */
    String get(Locale locale, String key, Object... args) {
        return messages.getMessage(key, key, locale, args);
    }

    Map<String, String> errors(Locale locale, UiFieldErrors errors) {
        Map<String, String> out = new LinkedHashMap<>();
        errors.all().forEach((field, problem) -> out.put(field, get(locale, problem.key(), problem.args().toArray())));
        return out;
    }
}
