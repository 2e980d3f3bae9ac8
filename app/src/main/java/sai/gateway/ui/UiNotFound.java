package sai.gateway.ui;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.views.ModelAndView;
import sai.gateway.tenancy.TenancyRefusal;

import java.util.Map;
import java.util.function.Function;

/** A tenant or key the address names that does not exist (any more): a page saying so, with the way back to its list. */
final class UiNotFound {

    private UiNotFound() {
    }

    /** The tenant or key {@code id} names, read with {@code read}; null when the id is blank or names none. */
    @Nullable
    static <T> T find(String id, Function<String, T> read) {
        try {
            return id.isBlank() ? null : read.apply(id);
        } catch (TenancyRefusal missing) {
            return null;
        }
    }

    static HttpResponse<?> page(HttpRequest<?> request, String list, String messageKey) {
        Map<String, Object> model = UiModel.page(request, list);
        model.put("messageKey", messageKey);
        model.put("backHref", list);
        return HttpResponse.notFound(new ModelAndView<>("ui/not-found", model));
    }
}
