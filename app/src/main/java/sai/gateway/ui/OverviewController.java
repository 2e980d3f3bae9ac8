package sai.gateway.ui;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.views.ModelAndView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.observe.GatewayMetrics;
import sai.gateway.observe.RequestIds;
import sai.gateway.observe.RequestLog;
import sai.gateway.usage.UsageExplorer;

import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The overview at {@code /ui/}; {@code /ui} without the slash sends the browser there, so relative links resolve.
 * A wrong range is the page with the message by its field and a 400; a database that does not answer, the page with
 * a 503 that says so and names nothing of the database.
 */
@Controller("/ui")
@Requires(condition = TenancyEnabled.class)
@ExecuteOn(TaskExecutors.BLOCKING)
class OverviewController {

    private static final Logger LOG = LoggerFactory.getLogger(OverviewController.class);

    private final OverviewView view;
    private final GatewayMetrics metrics;
    private final UiText text;

    OverviewController(OverviewView view, GatewayMetrics metrics, UiText text) {
        this.view = view;
        this.metrics = metrics;
        this.text = text;
    }

    @Get(produces = MediaType.TEXT_HTML)
    HttpResponse<?> overview(HttpRequest<?> request) {
        if (request.getPath().equals("/ui")) {
            return HttpResponse.seeOther(URI.create(UiPaths.toPage("/ui", "")));
        }
        Locale locale = text.locale(request);
        Map<String, Object> model = UiModel.page(request, "overview");
        UiFieldErrors errors = new UiFieldErrors();
        UiRange range = UiRange.parse(UiQuery.of(request, errors), errors, Instant.now());
        model.put("range", range);
        model.put("presets", UiRange.PRESETS);
        model.put("inFlight", metrics.inFlight());
        model.put("openStreams", metrics.openStreams());
        model.put("errors", text.errors(locale, errors));
        if (!errors.isEmpty()) {
            return HttpResponse.status(HttpStatus.BAD_REQUEST).body(new ModelAndView<>("ui/overview", model));
        }
        try {
            model.putAll(view.model(range, locale));
        } catch (UsageExplorer.Unavailable e) {
            new RequestLog(LOG, RequestIds.of(request)).warn("[UI] {} answered 503: {}", request.getPath(), e.getMessage());
            model.put("unavailable", true);
            return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).body(new ModelAndView<>("ui/overview", model));
        }
        return HttpResponse.ok(new ModelAndView<>("ui/overview", model));
    }
}
