package sai.gateway.ui;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.io.Writable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.views.ModelAndView;
import io.micronaut.views.ModelAndViewRenderer;
import jakarta.inject.Singleton;
import sai.gateway.database.TenancyEnabled;

import java.io.IOException;
import java.io.StringWriter;
import java.util.Map;

/**
 * Draws a page into a string before the answer is sent. Micronaut Views otherwise draws it while writing the answer,
 * and a template that fails there leaves the connection hanging with no answer at all (micronaut-views #832,
 * micronaut-core #10199); drawn first, a failure is an ordinary error the gateway answers.
 */
@Singleton
@Requires(condition = TenancyEnabled.class)
class UiPageRenderer {

    private final ModelAndViewRenderer<Map<String, Object>, HttpRequest<?>> views;

    UiPageRenderer(ModelAndViewRenderer<Map<String, Object>, HttpRequest<?>> views) {
        this.views = views;
    }

    /** @throws PageFailed the template could not be drawn */
    String html(ModelAndView<Map<String, Object>> page, HttpRequest<?> request) {
        Writable writable = views.render(page, request, MediaType.TEXT_HTML)
                .orElseThrow(() -> new PageFailed("no template renderer for " + page.getView().orElse("?"), null));
        return drawn(writable);
    }

    /** @throws PageFailed the template failed while it was drawn */
    static String drawn(Writable writable) {
        StringWriter html = new StringWriter();
        try {
            writable.writeTo(html);
        } catch (IOException | RuntimeException e) {
            throw new PageFailed("the page's template failed: " + e.getMessage(), e);
        }
        return html.toString();
    }

    static final class PageFailed extends RuntimeException {
        PageFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
