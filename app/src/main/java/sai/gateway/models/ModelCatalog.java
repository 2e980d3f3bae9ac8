package sai.gateway.models;

import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import sai.gateway.config.SaiConfiguration;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;
import sai.gateway.openai.ModelList;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The models of {@code SAI_MODELS}: the first is the template's default, the others become {@code modelOverride}. */
@Singleton
public class ModelCatalog {

    private final List<String> ids;
    private final long created;

    public ModelCatalog(SaiConfiguration configuration) {
        this.ids = configuration.models();
        this.created = Instant.now().getEpochSecond();
    }

    /** A resolved model: its id and, unless it is the template's default, the override to send. */
    public record ModelChoice(String id, Optional<String> override) {
    }

    public ModelChoice resolve(@Nullable String requested) {
        if (requested == null || requested.equals(ids.get(0))) {
            return new ModelChoice(ids.get(0), Optional.empty());
        }
        if (ids.contains(requested)) {
            return new ModelChoice(requested, Optional.of(requested));
        }
        throw notFound(requested);
    }

    public InvalidRequestException notFound(String requested) {
        return new InvalidRequestException(ErrorCode.MODEL_NOT_FOUND, "model", shorten(requested), String.join(", ", ids));
    }

    public Optional<ModelList.Model> find(String id) {
        return ids.contains(id) ? Optional.of(ModelList.Model.of(id, created)) : Optional.empty();
    }

    public ModelList list() {
        return ModelList.of(ids.stream().map(id -> ModelList.Model.of(id, created)).toList());
    }

    private static String shorten(String value) {
        String oneLine = value.replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() > 80 ? oneLine.substring(0, 80) + "..." : oneLine;
    }
}
