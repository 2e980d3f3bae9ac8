package sai.gateway.models;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import sai.gateway.openai.ModelList;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}} in OpenAI's shapes. */
@Controller
public class ModelsController {

    private final ModelCatalog catalog;

    public ModelsController(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @Get(uris = {"/v1/models", "/models"})
    public ModelList list() {
        return catalog.list();
    }

    @Get(uris = {"/v1/models/{id}", "/models/{id}"})
    public ModelList.Model get(@PathVariable String id) {
        return catalog.find(id).orElseThrow(() -> catalog.notFound(id));
    }
}
