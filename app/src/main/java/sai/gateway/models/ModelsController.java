package sai.gateway.models;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import sai.gateway.anthropic.ModelPage;
import sai.gateway.error.ApiShape;
import sai.gateway.openai.ModelList;
import sai.gateway.tenancy.KeyGrant;

import java.time.Instant;
import java.util.Optional;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}} in OpenAI's shapes, or in Anthropic's when the caller
 * sends {@code anthropic-version} (every Anthropic SDK does); {@code limit}, {@code after_id} and the like are
 * ignored: the catalog is one short page.
 */
@Controller
public class ModelsController {

    private final ModelCatalog catalog;

    public ModelsController(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @Get(uris = {"/v1/models", "/models"})
    public Object list(HttpRequest<?> request) {
        ModelList list = catalog.list();
        Optional<KeyGrant> grant = request.getAttribute(KeyGrant.ATTRIBUTE, KeyGrant.class);
        if (grant.isPresent()) {
            // A virtual key sees the models it may use.
            list = ModelList.of(list.data().stream().filter(m -> grant.get().allows(m.id())).toList());
        }
        return anthropic(request) ? ModelPage.of(list.data().stream().map(ModelsController::info).toList()) : list;
    }

    @Get(uris = {"/v1/models/{id}", "/models/{id}"})
    public Object get(HttpRequest<?> request, @PathVariable String id) {
        ModelList.Model model = catalog.find(id).orElseThrow(() -> catalog.notFound(id));
        return anthropic(request) ? info(model) : model;
    }

    private static boolean anthropic(HttpRequest<?> request) {
        return ApiShape.of(request) == ApiShape.ANTHROPIC;
    }

    private static ModelPage.ModelInfo info(ModelList.Model model) {
        return ModelPage.ModelInfo.of(model.id(), Instant.ofEpochSecond(model.created()).toString());
    }
}
