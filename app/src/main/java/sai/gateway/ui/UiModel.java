package sai.gateway.ui;

import io.micronaut.http.HttpRequest;

import java.util.HashMap;
import java.util.Map;

/** What every page's template gets: which page it is (for the navigation and the language switch) and the form token. */
final class UiModel {

    private UiModel() {
    }

    /**
     * The page as a reference relative to {@code /ui/}, query included ({@code tenant?id=ten_1}), for the language switch
     * to come back to: {@code ./} for the overview. A POST's page is where its form came from, which the switch cannot
     * resend: then only the page's name.
     */
    static String here(HttpRequest<?> request) {
        String path = request.getPath();
        String name = path.length() > 4 ? path.substring(4) : "./";
        String query = request.getUri().getRawQuery();
        return query == null || query.isEmpty() || !"GET".equals(request.getMethodName()) ? name : name + "?" + query;
    }

    static Map<String, Object> page(HttpRequest<?> request, String page) {
        Map<String, Object> model = new HashMap<>();
        model.put("page", page);
        model.put("here", here(request));
        request.getAttribute(UiSession.ATTRIBUTE, UiSession.class).ifPresent(session -> model.put("csrf", session.csrfToken()));
        return model;
    }
}
