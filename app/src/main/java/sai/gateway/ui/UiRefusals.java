package sai.gateway.ui;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import sai.gateway.tenancy.Limits;
import sai.gateway.tenancy.TenancyAdmin;
import sai.gateway.tenancy.TenancyRefusal;
import sai.gateway.tenancy.TenantRow;

import java.util.Locale;

/**
 * A refusal of the tenancy rules as a problem next to the field it names. The rule's own sentence is English for the
 * admin API; the page says the same in its language from the field and what the form is for: the limits a key's
 * fields were checked against are its tenant's, which the page has at hand.
 */
final class UiRefusals {

    /** The field the problem shows next to when the refusal names none of the form's. */
    static final String FORM = "form";

    private UiRefusals() {
    }

    static void forTenant(TenancyRefusal refusal, UiFormState form, Locale locale) {
        show(refusal, form, false, null, locale);
    }

    /** {@code tenant}: the key's, null when the form named none that exists (which is then the refusal). */
    static void forKey(TenancyRefusal refusal, UiFormState form, @Nullable TenantRow tenant, Locale locale) {
        show(refusal, form, true, tenant, locale);
    }

    /** The answer's status: what was sent is wrong (400), clashes with another tenant (409), or names nothing (404). */
    static HttpStatus status(TenancyRefusal refusal) {
        return switch (refusal.kind()) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case CONFLICT -> HttpStatus.CONFLICT;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
        };
    }

    private static void show(TenancyRefusal refusal, UiFormState form, boolean key, @Nullable TenantRow tenantOfKey, Locale locale) {
        String param = refusal.param() == null ? "" : refusal.param();
        if (param.startsWith("model_budgets.")) {
            budget(param.substring("model_budgets.".length()), form, key);
            return;
        }
        int limit = UiLimitFields.LIMITS.indexOf(param);
        if (limit >= 0) {
            form.error(param, key && tenantOfKey != null
                    ? UiError.of("error.aboveTenant", UiLimitFields.number(ceiling(tenantOfKey, limit), locale))
                    : UiError.of("error.wholeNumber", UiLimitFields.number(Limits.MAX.get(param), locale)));
            return;
        }
        switch (param) {
            case TenantForm.NAME -> form.error(param, refusal.kind() == TenancyRefusal.Kind.CONFLICT ? UiError.of("error.nameTaken")
                    : UiError.of("error.name", Integer.toString(TenancyAdmin.MAX_NAME)));
            case KeyForm.OWNER -> form.error(param, UiError.of("error.owner", Integer.toString(TenancyAdmin.MAX_OWNER)));
            case UiLimitFields.MODELS -> form.error(param, UiError.of(key ? "error.models.key" : "error.models.tenant"));
            case TenantForm.SAI_KEY -> form.error(param, UiError.of("error.saiKey.encryption"));
            case KeyForm.TENANT -> form.error(param, UiError.of("error.tenant"));
            case "expires_at" -> form.error(KeyForm.EXPIRES, UiError.of("error.date"));
            default -> form.error(FORM, UiError.of("error.invalid"));
        }
    }

    /**
     * {@code model_budgets.<model>}: a model the tenant or key may not use (the form refuses numbers beyond the
     * largest itself); {@code model_budgets.<model>.tokens_per_day} (or month): a key's above its tenant's.
     */
    private static void budget(String rest, UiFormState form, boolean key) {
        if (rest.endsWith(".tokens_per_day") || rest.endsWith(".tokens_per_month")) {
            boolean day = rest.endsWith(".tokens_per_day");
            String model = rest.substring(0, rest.lastIndexOf('.'));
            form.error((day ? UiLimitFields.DAY : UiLimitFields.MONTH) + model, UiError.of("error.aboveTenantBudget"));
        } else {
            form.error(UiLimitFields.DAY + rest, UiError.of(key ? "error.budgetModel.key" : "error.budgetModel.tenant"));
        }
    }

    private static long ceiling(TenantRow tenant, int limit) {
        return switch (limit) {
            case 0 -> tenant.requestsPerMinute();
            case 1 -> tenant.tokensPerMinute();
            case 2 -> tenant.tokensPerDay();
            default -> tenant.tokensPerMonth();
        };
    }
}
