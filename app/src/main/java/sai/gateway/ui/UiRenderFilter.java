package sai.gateway.ui;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.io.Writable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.views.ModelAndView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.observe.RequestIds;
import sai.gateway.observe.RequestLog;

import java.util.Map;

/**
 * Every dashboard page is drawn into a string here, before the answer is written ({@link UiPageRenderer}): a template
 * that fails becomes a 500 page, never a connection left without an answer. Micronaut's views filter has usually made
 * the page a {@link Writable} by now (its answer side runs first); a page it has not drawn is drawn here.
 */
@ServerFilter(patterns = {"/ui", "/ui/**"})
@Requires(condition = TenancyEnabled.class)
public class UiRenderFilter implements Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(UiRenderFilter.class);
    static final String FAILED = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>SAI Gateway</title>"
            + "<link rel=\"icon\" href=\"data:,\"></head><body><p>This page could not be drawn: the gateway's log says why. "
            + "<a href=\"./\">Overview</a></p></body></html>";

    private final UiPageRenderer renderer;

    UiRenderFilter(UiPageRenderer renderer) {
        this.renderer = renderer;
    }

    @ResponseFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    @SuppressWarnings("unchecked")
    public void draw(HttpRequest<?> request, MutableHttpResponse<?> response) {
        Object body = response.getBody().orElse(null);
        if (!(body instanceof ModelAndView<?>) && !(body instanceof Writable)) {
            return;
        }
        MutableHttpResponse<Object> answer = (MutableHttpResponse<Object>) response;
        try {
            String html = body instanceof ModelAndView<?> page ? renderer.html((ModelAndView<Map<String, Object>>) page, request)
                    : UiPageRenderer.drawn((Writable) body);
            answer.body(html).contentType(MediaType.TEXT_HTML_TYPE);
        } catch (UiPageRenderer.PageFailed e) {
            new RequestLog(LOG, RequestIds.of(request)).error("[UI] {} {}: {}", request.getMethodName(), request.getPath(), e.getMessage(), e);
            answer.status(HttpStatus.INTERNAL_SERVER_ERROR).body(FAILED).contentType(MediaType.TEXT_HTML_TYPE);
        }
    }

    /** Beside the views filter; either order works (see the class comment). */
    @Override
    public int getOrder() {
        return ServerFilterPhase.RENDERING.after();
    }
}
