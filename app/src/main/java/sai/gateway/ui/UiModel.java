package sai.gateway.ui;

import io.micronaut.http.HttpRequest;

import java.util.HashMap;
import java.util.Map;

/** What every page's template gets: which page it is (for the navigation and the language switch) and the form token. */
final class UiModel {

    private UiModel() {
    }

    static Map<String, Object> page(HttpRequest<?> request, String page) {
        Map<String, Object> model = new HashMap<>();
        model.put("page", page);
        request.getAttribute(UiSession.ATTRIBUTE, UiSession.class).ifPresent(session -> model.put("csrf", session.csrfToken()));
        return model;
    }
}
