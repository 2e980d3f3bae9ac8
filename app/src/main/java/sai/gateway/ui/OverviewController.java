package sai.gateway.ui;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.views.ModelAndView;
import sai.gateway.database.TenancyEnabled;

import java.net.URI;
import java.util.Map;

/** The overview at {@code /ui/}; {@code /ui} without the slash sends the browser there, so relative links resolve. */
@Controller("/ui")
@Requires(condition = TenancyEnabled.class)
@ExecuteOn(TaskExecutors.BLOCKING)
class OverviewController {

    @Get(produces = MediaType.TEXT_HTML)
    HttpResponse<?> overview(HttpRequest<?> request) {
        if (request.getPath().equals("/ui")) {
            return HttpResponse.seeOther(URI.create(UiPaths.toPage("/ui", "")));
        }
        Map<String, Object> model = UiModel.page(request, "overview");
        return HttpResponse.ok(new ModelAndView<>("ui/overview", model));
    }
}
