package sai.gateway.ui;

import io.micronaut.context.annotation.Requires;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.views.ModelAndView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.observe.RequestIds;
import sai.gateway.observe.RequestLog;
import sai.gateway.usage.UsageExplorer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The usage explorer ({@code /ui/usage}) and its table as a CSV file ({@code /ui/usage.csv}, the same query). Both
 * answer a wrong filter with the page, the message by its field and a 400, and a database that does not answer with
 * the page and a 503: a browser following a download link shows what went wrong rather than a file of it.
 */
@Controller("/ui")
@Requires(condition = TenancyEnabled.class)
@ExecuteOn(TaskExecutors.BLOCKING)
class UsagePageController {

    private static final Logger LOG = LoggerFactory.getLogger(UsagePageController.class);
    static final String CSV = "text/csv; charset=utf-8";

    private final UsageView view;
    private final UiText text;

    UsagePageController(UsageView view, UiText text) {
        this.view = view;
        this.text = text;
    }

    @Get(uri = "/usage", produces = MediaType.TEXT_HTML)
    HttpResponse<?> usage(HttpRequest<?> request) {
        return answer(request, false);
    }

    /** No {@code produces}: the file is text/csv, and a refusal is the page, text/html; each answer says which. */
    @Get("/usage.csv")
    HttpResponse<?> csv(HttpRequest<?> request) {
        return answer(request, true);
    }

    private HttpResponse<?> answer(HttpRequest<?> request, boolean file) {
        Locale locale = text.locale(request);
        Map<String, Object> model = UiModel.page(request, "usage");
        UiFieldErrors errors = new UiFieldErrors();
        UsageForm form = UsageForm.parse(UiQuery.of(request, errors), errors, Instant.now());
        model.put("form", form);
        model.put("range", form.range());
        model.put("presets", UiRange.PRESETS);
        model.put("surfaces", UsageForm.SURFACES);
        model.put("statusClasses", UsageForm.STATUS_CLASSES);
        model.put("groupNames", UsageExplorer.GROUP_BY);
        model.put("errors", text.errors(locale, errors));
        try {
            model.putAll(view.options(form));
            if (!errors.isEmpty()) {
                return page(HttpStatus.BAD_REQUEST, model);
            }
            if (file) {
                return file(form, view.table(form, locale));
            }
            model.putAll(view.model(form, locale));
        } catch (UsageExplorer.Unavailable | DataAccessException e) {
            new RequestLog(LOG, RequestIds.of(request)).warn("[UI] {} answered 503: {}", request.getPath(),
                    e instanceof UsageExplorer.Unavailable ? e.getMessage() : e.getClass().getSimpleName());
            model.put("unavailable", true);
            return page(HttpStatus.SERVICE_UNAVAILABLE, model);
        }
        return page(HttpStatus.OK, model);
    }

    private static MutableHttpResponse<?> page(HttpStatus status, Map<String, Object> model) {
        return HttpResponse.status(status).contentType(MediaType.TEXT_HTML_TYPE).body(new ModelAndView<>("ui/usage", model));
    }

    private static MutableHttpResponse<byte[]> file(UsageForm form, UsageTable table) {
        String name = "usage-" + form.range().from().getEpochSecond() + "-" + form.range().to().getEpochSecond() + ".csv";
        return HttpResponse.ok(table.csv().getBytes(StandardCharsets.UTF_8)).contentType(CSV)
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    }
}
