package sai.gateway.ui;

import io.micronaut.core.annotation.Nullable;
import sai.gateway.secrets.Secret;
import sai.gateway.tenancy.ModelBudget;
import sai.gateway.tenancy.TenantChange;
import sai.gateway.tenancy.TenantRow;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The tenant form (new tenant, and a tenant's edit): its fields to and from a {@link TenantChange}. The tenant's SAI
 * key is a password field never filled back in: left empty it stays as it is, and a box removes it.
 */
final class TenantForm {

    static final String NAME = "name";
    static final String SAI_KEY = "sai_api_key";
    static final String REMOVE_SAI_KEY = "remove_sai_api_key";

    private TenantForm() {
    }

    static UiFormState blank(String prefix) {
        UiFormState form = new UiFormState(prefix).put(NAME, "");
        UiLimitFields.LIMITS.forEach(limit -> form.put(limit, 0));
        return form;
    }

    static UiFormState of(TenantRow tenant, String prefix) {
        UiFormState form = new UiFormState(prefix).put(NAME, tenant.name());
        UiLimitFields.fill(form, tenant.limits(), tenant.models(), tenant.modelBudgets());
        return form;
    }

    static UiFormState typed(UiFormFields fields, List<String> offered, String prefix) {
        UiFormState form = new UiFormState(prefix).put(NAME, fields.text(NAME));
        UiLimitFields.typed(form, fields, offered);
        return form;
    }

    /**
     * The change the form asks for, every field set (an empty form field is 0, no models ticked is every model);
     * null when {@code form} got a problem to show.
     */
    @Nullable
    static TenantChange read(UiFormFields fields, List<String> offered, UiFormState form, Locale locale) {
        Long[] limits = UiLimitFields.limits(fields, form, locale);
        Map<String, ModelBudget> budgets = UiLimitFields.budgets(fields, form, offered, locale);
        Optional<Secret> saiKey = saiKey(fields, form);
        if (form.hasErrors()) {
            return null;
        }
        return new TenantChange(fields.text(NAME), fields.all(UiLimitFields.MODELS), limits[0], limits[1], limits[2], limits[3],
                saiKey, budgets);
    }

    /** Empty: unchanged; the box: removed. The key goes into an HTTP header to SAI, so only printable ASCII (as the admin API has it). */
    private static Optional<Secret> saiKey(UiFormFields fields, UiFormState form) {
        if (fields.has(REMOVE_SAI_KEY)) {
            return Optional.of(Secret.of(""));
        }
        String key = fields.text(SAI_KEY);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        if (key.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            form.error(SAI_KEY, UiError.of("error.saiKey.printable"));
            return Optional.empty();
        }
        return Optional.of(Secret.of(key));
    }
}
