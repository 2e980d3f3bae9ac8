package sai.gateway.tenancy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Budgets per model as a column holds them: {@code model=per_day/per_month} entries, comma-separated. Split at the
 * last {@code =}: the numbers hold none, whatever a model id holds (SAI_MODELS is a comma-separated list, so no comma).
 */
public final class ModelBudgets {

    private ModelBudgets() {
    }

    public static Map<String, ModelBudget> parse(String column) {
        if (column == null || column.isBlank()) {
            return Map.of();
        }
        Map<String, ModelBudget> budgets = new LinkedHashMap<>();
        for (String entry : column.split(",")) {
            int eq = entry.lastIndexOf('=');
            int slash = entry.indexOf('/', eq);
            if (eq <= 0 || slash < 0) {
                continue;
            }
            budgets.put(entry.substring(0, eq), new ModelBudget(Long.parseLong(entry.substring(eq + 1, slash)),
                    Long.parseLong(entry.substring(slash + 1))));
        }
        return Collections.unmodifiableMap(budgets);
    }

    public static String format(Map<String, ModelBudget> budgets) {
        StringBuilder column = new StringBuilder();
        budgets.forEach((model, budget) -> {
            if (!column.isEmpty()) {
                column.append(',');
            }
            column.append(model).append('=').append(budget.tokensPerDay()).append('/').append(budget.tokensPerMonth());
        });
        return column.toString();
    }
}
