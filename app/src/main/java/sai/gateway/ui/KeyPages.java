package sai.gateway.ui;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.model.Sort;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.views.ModelAndView;
import jakarta.inject.Singleton;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.tenancy.IssuedKey;
import sai.gateway.tenancy.KeyStatus;
import sai.gateway.tenancy.TenancyAdmin;
import sai.gateway.tenancy.TenantRow;
import sai.gateway.tenancy.VirtualKeyRow;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The key list ({@code keys}), a key's page ({@code key?id=}) and the page that shows a new secret once, as
 * templates get them.
 */
@Singleton
@Requires(condition = TenancyEnabled.class)
class KeyPages {

    static final String CREATE = "new-key-";
    static final String EDIT = "key-";
    /** The tenant filter and the new key's tenant are chosen from a list of at most this many, by name. */
    static final int TENANTS_LISTED = 1000;

    private final TenancyAdmin admin;
    private final UsageChartView charts;
    private final UiText text;
    private final UiBudgets budgets;
    private final TenantPages tenantPages;

    KeyPages(TenancyAdmin admin, UiBudgets budgets, TenantPages tenantPages, UsageChartView charts, UiText text) {
        this.admin = admin;
        this.charts = charts;
        this.text = text;
        this.budgets = budgets;
        this.tenantPages = tenantPages;
    }

    HttpResponse<?> list(HttpRequest<?> request, KeyListQuery query, UiFormState form, HttpStatus status) {
        Instant now = Instant.now();
        TenancyAdmin.Listed<VirtualKeyRow> listed = admin.keys(query.tenant(), query.q(), query.keyStatus(), query.order(),
                query.limit(), query.offset());
        List<TenantRow> tenants = admin.tenants(null, Sort.of(Sort.Order.asc("name"), Sort.Order.asc("id")), TENANTS_LISTED, 0).rows();
        Map<String, String> names = new HashMap<>();
        tenants.forEach(tenant -> names.put(tenant.id(), tenant.name()));
        Map<String, Object> model = UiModel.page(request, "keys");
        model.put("query", query);
        model.put("rows", listed.rows().stream().map(key -> KeyLine.of(key, names.getOrDefault(key.tenantId(), key.tenantId()), now)).toList());
        new UiPaging(query.offset(), query.limit(), listed.total()).into(model, query::link);
        model.put("sorts", KeyListQuery.SORTS);
        model.put("statuses", KeyListQuery.STATUSES);
        model.put("tenants", tenants);
        model.put("form", form);
        model.put("models", tenantPages.models());
        return HttpResponse.status(status).body(new ModelAndView<>("ui/keys", model));
    }

    HttpResponse<?> key(HttpRequest<?> request, VirtualKeyRow key, UiFormState form, HttpStatus status, @Nullable String notice) {
        TenantRow tenant = admin.tenant(key.tenantId());
        Map<String, Object> model = UiModel.page(request, "key");
        model.put("key", key);
        model.put("status", KeyStatus.of(key, Instant.now()).name().toLowerCase(Locale.ROOT));
        model.put("tenant", tenant);
        model.put("form", form);
        model.put("models", tenantPages.keyModels(tenant));
        model.put("notice", notice);
        model.put("budgets", budgets.of(key).orElse(null));
        model.put("chartJson", charts.lastWeek(UsageChartView.key(key.id()), text.locale(request)));
        return HttpResponse.status(status).body(new ModelAndView<>("ui/key", model));
    }

    /**
     * The only page that ever shows a key's secret: the answer to the form that created or rotated it, never kept
     * (the dashboard's answers are no-store) and never shown by any page a browser can load again.
     */
    HttpResponse<?> issued(HttpRequest<?> request, IssuedKey issued, boolean rotated) {
        Map<String, Object> model = UiModel.page(request, "keys");
        model.put("key", issued.row());
        model.put("secret", issued.secret().reveal());
        model.put("tenant", admin.tenant(issued.row().tenantId()));
        model.put("rotated", rotated);
        return HttpResponse.ok(new ModelAndView<>("ui/new-key", model));
    }
}
