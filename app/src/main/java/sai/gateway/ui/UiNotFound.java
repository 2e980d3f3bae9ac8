package sai.gateway.ui;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.views.ModelAndView;

import java.util.Map;

/** A tenant or key the address names that does not exist (any more): a page saying so, with the way back to its list. */
final class UiNotFound {

    private UiNotFound() {
    }

    static HttpResponse<?> page(HttpRequest<?> request, String list, String messageKey) {
        Map<String, Object> model = UiModel.page(request, list);
        model.put("messageKey", messageKey);
        model.put("backHref", list);
        return HttpResponse.notFound(new ModelAndView<>("ui/not-found", model));
    }
}
