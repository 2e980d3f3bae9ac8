package sai.gateway.ui;

import io.micronaut.core.annotation.Nullable;
import sai.gateway.tenancy.Limits;
import sai.gateway.tenancy.ModelBudget;
import sai.gateway.tenancy.ModelBudgets;

import java.text.NumberFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fields a tenant's form and a key's share: the four limits, a token budget per model, the allowed models. Read
 * here as numbers the domain then judges ({@code TenancyAdmin}): only what is not a number at all, or beyond the
 * largest any limit may be, is refused before it gets there, so the message can say what to type.
 */
final class UiLimitFields {

    static final List<String> LIMITS = List.of("requests_per_minute", "tokens_per_minute", "tokens_per_day", "tokens_per_month");
    static final String MODELS = "allowed_models";
    static final String DAY = "budget_day.";
    static final String MONTH = "budget_month.";

    private UiLimitFields() {
    }

    static void fill(UiFormState form, Limits limits, List<String> models, String modelBudgets) {
        form.put(LIMITS.get(0), limits.requestsPerMinute()).put(LIMITS.get(1), limits.tokensPerMinute())
                .put(LIMITS.get(2), limits.tokensPerDay()).put(LIMITS.get(3), limits.tokensPerMonth()).putAll(MODELS, models);
        ModelBudgets.parse(modelBudgets).forEach((model, budget) -> form.put(DAY + model, budget.tokensPerDay())
                .put(MONTH + model, budget.tokensPerMonth()));
    }

    /** Puts back what the user typed in the shared fields, so a refused form comes back as it was sent. */
    static void typed(UiFormState form, UiFormFields fields, List<String> offered) {
        for (String limit : LIMITS) {
            form.put(limit, fields.text(limit));
        }
        form.putAll(MODELS, fields.all(MODELS));
        for (String model : offered) {
            form.put(DAY + model, fields.text(DAY + model)).put(MONTH + model, fields.text(MONTH + model));
        }
    }

    /** The four limits in {@link #LIMITS} order; a problem goes into {@code form} and leaves its place null. */
    static Long[] limits(UiFormFields fields, UiFormState form, Locale locale) {
        Long[] values = new Long[LIMITS.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = whole(fields, form, LIMITS.get(i), Limits.MAX.get(LIMITS.get(i)), locale);
        }
        return values;
    }

    /** The whole set of budgets per model of the models offered: a model with both fields 0 or empty has none. */
    static Map<String, ModelBudget> budgets(UiFormFields fields, UiFormState form, List<String> offered, Locale locale) {
        Map<String, ModelBudget> budgets = new LinkedHashMap<>();
        for (String model : offered) {
            Long day = whole(fields, form, DAY + model, Limits.MAX.get("tokens_per_day"), locale);
            Long month = whole(fields, form, MONTH + model, Limits.MAX.get("tokens_per_month"), locale);
            if (day != null && month != null && (day > 0 || month > 0)) {
                budgets.put(model, new ModelBudget(day, month));
            }
        }
        return budgets;
    }

    /** Empty is 0 (none); anything but the digits of a number from 0 to {@code max} is refused. */
    @Nullable
    static Long whole(UiFormFields fields, UiFormState form, String name, long max, Locale locale) {
        String text = fields.text(name);
        if (text.isEmpty()) {
            return 0L;
        }
        if (text.length() <= 18 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long value = Long.parseLong(text);
            if (value <= max) {
                return value;
            }
        }
        form.error(name, UiError.of("error.wholeNumber", number(max, locale)));
        return null;
    }

    static String number(long value, Locale locale) {
        return NumberFormat.getIntegerInstance(locale).format(value);
    }
}
