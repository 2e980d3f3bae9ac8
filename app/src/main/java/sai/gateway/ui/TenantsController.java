package sai.gateway.ui;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.server.util.locale.HttpLocaleResolver;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.tenancy.TenancyAdmin;
import sai.gateway.tenancy.TenancyRefusal;
import sai.gateway.tenancy.TenantChange;
import sai.gateway.tenancy.TenantRow;

import java.net.URI;
import java.util.Locale;

/**
 * Tenants: the list with its search and the new tenant form ({@code tenants}), and a tenant's page with its edit form
 * ({@code tenant?id=}). A change that works redirects to the tenant's page; one the rules refuse shows the form again
 * as it was typed, the problem next to its field.
 */
@Controller("/ui")
@Requires(condition = TenancyEnabled.class)
@ExecuteOn(TaskExecutors.BLOCKING)
class TenantsController {

    static final String ID = "id";

    private final TenancyAdmin admin;
    private final TenantPages pages;
    private final HttpLocaleResolver locales;

    TenantsController(TenancyAdmin admin, TenantPages pages, HttpLocaleResolver locales) {
        this.admin = admin;
        this.pages = pages;
        this.locales = locales;
    }

    @Get(uri = "/tenants", produces = MediaType.TEXT_HTML)
    HttpResponse<?> list(@QueryValue @Nullable String q, @QueryValue @Nullable String sort, @QueryValue @Nullable String dir,
                         @QueryValue @Nullable String offset, @QueryValue @Nullable String limit, HttpRequest<?> request) {
        return pages.list(request, TenantListQuery.of(q, sort, dir, offset, limit), TenantForm.blank(TenantPages.CREATE), HttpStatus.OK);
    }

    @Post(value = "/tenants", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = MediaType.TEXT_HTML)
    HttpResponse<?> create(@Body @Nullable byte[] body, HttpRequest<?> request) {
        UiFormFields fields = UiForms.checked(request, body);
        Locale locale = locales.resolveOrDefault(request);
        UiFormState form = TenantForm.typed(fields, pages.models(), TenantPages.CREATE);
        TenantChange change = TenantForm.read(fields, pages.models(), form, locale);
        HttpStatus status = HttpStatus.BAD_REQUEST;
        if (change != null) {
            try {
                TenantRow created = admin.createTenant(change);
                return HttpResponse.seeOther(URI.create(UiLinks.to("tenant", ID, created.id(), "done", "created")));
            } catch (TenancyRefusal refusal) {
                UiRefusals.forTenant(refusal, form, locale);
                status = UiRefusals.status(refusal);
            }
        }
        return pages.list(request, TenantListQuery.of(null, null, null, null, null), form, status);
    }

    @Get(uri = "/tenant", produces = MediaType.TEXT_HTML)
    HttpResponse<?> tenant(@QueryValue @Nullable String id, @QueryValue @Nullable String done, HttpRequest<?> request) {
        if (id == null || id.isBlank()) {
            return HttpResponse.seeOther(URI.create("tenants"));
        }
        TenantRow tenant = find(id);
        if (tenant == null) {
            return UiNotFound.page(request, "tenants", "notFound.tenant");
        }
        return pages.tenant(request, tenant, TenantForm.of(tenant, TenantPages.EDIT), KeyForm.blank(TenantPages.NEW_KEY, tenant.id()),
                HttpStatus.OK, UiNotices.of(done));
    }

    @Post(value = "/tenant", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = MediaType.TEXT_HTML)
    HttpResponse<?> update(@Body @Nullable byte[] body, HttpRequest<?> request) {
        UiFormFields fields = UiForms.checked(request, body);
        TenantRow tenant = find(fields.text(ID));
        if (tenant == null) {
            return UiNotFound.page(request, "tenants", "notFound.tenant");
        }
        Locale locale = locales.resolveOrDefault(request);
        UiFormState form = TenantForm.typed(fields, pages.models(), TenantPages.EDIT);
        TenantChange change = TenantForm.read(fields, pages.models(), form, locale);
        HttpStatus status = HttpStatus.BAD_REQUEST;
        if (change != null) {
            try {
                admin.updateTenant(tenant.id(), change);
                return HttpResponse.seeOther(URI.create(UiLinks.to("tenant", ID, tenant.id(), "done", "saved")));
            } catch (TenancyRefusal refusal) {
                if (refusal.kind() == TenancyRefusal.Kind.NOT_FOUND) {
                    return UiNotFound.page(request, "tenants", "notFound.tenant");
                }
                UiRefusals.forTenant(refusal, form, locale);
                status = UiRefusals.status(refusal);
            }
        }
        return pages.tenant(request, tenant, form, KeyForm.blank(TenantPages.NEW_KEY, tenant.id()), status, null);
    }

    @Nullable
    private TenantRow find(String id) {
        return UiNotFound.find(id, admin::tenant);
    }
}
