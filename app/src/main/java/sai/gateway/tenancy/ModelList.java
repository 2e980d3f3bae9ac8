package sai.gateway.tenancy;

import java.util.Arrays;
import java.util.List;

/** Allowed models as a column holds them: comma-separated ids, empty for "every model". */
final class ModelList {

    private ModelList() {
    }

    static List<String> parse(String column) {
        if (column == null || column.isBlank()) {
            return List.of();
        }
        return Arrays.stream(column.split(",")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
    }

    static String format(List<String> models) {
        return String.join(",", models);
    }
}
