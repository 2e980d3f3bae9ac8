package sai.gateway.ui;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.views.ModelAndView;
import jakarta.inject.Singleton;
import sai.gateway.config.SaiConfiguration;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.tenancy.TenancyAdmin;
import sai.gateway.tenancy.TenantRow;
import sai.gateway.tenancy.TenantSecrets;
import sai.gateway.tenancy.VirtualKeyRow;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tenant list ({@code tenants}) and a tenant's page ({@code tenant?id=}) as templates get them: rows, paging,
 * the forms with what was typed and what is wrong, the budgets used. A key's form on the tenant's page is answered
 * by the keys' controller, which shows this page again when it is refused.
 */
@Singleton
@Requires(condition = TenancyEnabled.class)
class TenantPages {

    /** The new key form on a tenant's page; the edit form is {@link #EDIT}. Distinct prefixes: one page, two forms. */
    static final String NEW_KEY = "new-key-";
    static final String EDIT = "tenant-";
    static final String CREATE = "new-tenant-";
    /** A tenant's page lists its newest keys; the key list has them all. */
    static final int KEYS_SHOWN = 20;

    private final TenancyAdmin admin;
    private final UsageChartView charts;
    private final UiText text;
    private final UiBudgets budgets;
    private final List<String> models;
    private final boolean encryption;

    TenantPages(TenancyAdmin admin, UiBudgets budgets, SaiConfiguration sai, TenantSecrets secrets, UsageChartView charts, UiText text) {
        this.admin = admin;
        this.charts = charts;
        this.text = text;
        this.budgets = budgets;
        this.models = sai.models();
        this.encryption = secrets.cipher().isPresent();
    }

    List<String> models() {
        return models;
    }

    /** The models a key of {@code tenant} may be given: the tenant's, or every model when it has none of its own. */
    List<String> keyModels(TenantRow tenant) {
        return tenant.models().isEmpty() ? models : tenant.models();
    }

    HttpResponse<?> list(HttpRequest<?> request, TenantListQuery query, UiFormState form, HttpStatus status) {
        TenancyAdmin.Listed<TenantRow> listed = admin.tenants(query.q(), query.order(), query.limit(), query.offset());
        Map<String, Object> model = UiModel.page(request, "tenants");
        model.put("query", query);
        model.put("rows", listed.rows());
        new UiPaging(query.offset(), query.limit(), listed.total()).into(model, query::link);
        model.put("sorts", TenantListQuery.SORTS);
        model.put("form", form);
        model.put("models", models);
        model.put("encryption", encryption);
        return HttpResponse.status(status).body(new ModelAndView<>("ui/tenants", model));
    }

    HttpResponse<?> tenant(HttpRequest<?> request, TenantRow tenant, UiFormState form, UiFormState keyForm, HttpStatus status,
                           @Nullable String notice) {
        Instant now = Instant.now();
        TenancyAdmin.Listed<VirtualKeyRow> keys = admin.keys(tenant.id(), null, null, KeyListQuery.order("created", "desc"), KEYS_SHOWN, 0);
        Map<String, Object> model = UiModel.page(request, "tenant");
        model.put("tenant", tenant);
        model.put("form", form);
        model.put("keyForm", keyForm);
        model.put("models", models);
        model.put("keyModels", keyModels(tenant));
        model.put("keys", keys.rows().stream().map(key -> KeyLine.of(key, tenant.name(), now)).toList());
        model.put("keysTotal", keys.total());
        model.put("keysHref", UiLinks.to("keys", "tenant", tenant.id()));
        model.put("encryption", encryption);
        model.put("notice", notice);
        Optional<List<BudgetMeter>> meters = budgets.of(tenant);
        model.put("budgets", meters.orElse(null));
        model.put("chartJson", charts.lastWeek(UsageChartView.tenant(tenant.id()), text.locale(request)));
        return HttpResponse.status(status).body(new ModelAndView<>("ui/tenant", model));
    }
}
