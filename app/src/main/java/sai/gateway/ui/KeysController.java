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
import sai.gateway.tenancy.IssuedKey;
import sai.gateway.tenancy.KeyChange;
import sai.gateway.tenancy.TenancyAdmin;
import sai.gateway.tenancy.TenancyRefusal;
import sai.gateway.tenancy.TenantRow;
import sai.gateway.tenancy.VirtualKeyRow;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Virtual keys: the list with its filters and the new key form ({@code keys}), a key's page with its edit form
 * ({@code key?id=}), revoking ({@code key-revoke}) and rotating ({@code key-rotate}). Creating and rotating answer
 * with the page that shows the secret, once; every other change redirects to the key's page.
 */
@Controller("/ui")
@Requires(condition = TenancyEnabled.class)
@ExecuteOn(TaskExecutors.BLOCKING)
class KeysController {

    static final String ID = "id";
    /** Sent by the new key form of a tenant's page: a refusal shows that page again, not the key list. */
    static final String FROM_TENANT = "from_tenant";

    private final TenancyAdmin admin;
    private final KeyPages pages;
    private final TenantPages tenantPages;
    private final HttpLocaleResolver locales;

    KeysController(TenancyAdmin admin, KeyPages pages, TenantPages tenantPages, HttpLocaleResolver locales) {
        this.admin = admin;
        this.pages = pages;
        this.tenantPages = tenantPages;
        this.locales = locales;
    }

    @Get(uri = "/keys", produces = MediaType.TEXT_HTML)
    HttpResponse<?> list(@QueryValue @Nullable String q, @QueryValue @Nullable String tenant, @QueryValue @Nullable String status,
                         @QueryValue @Nullable String sort, @QueryValue @Nullable String dir, @QueryValue @Nullable String offset,
                         @QueryValue @Nullable String limit, HttpRequest<?> request) {
        KeyListQuery query = KeyListQuery.of(q, tenant, status, sort, dir, offset, limit);
        return pages.list(request, query, KeyForm.blank(KeyPages.CREATE, query.tenant()), HttpStatus.OK);
    }

    @Post(value = "/keys", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = MediaType.TEXT_HTML)
    HttpResponse<?> create(@Body @Nullable byte[] body, HttpRequest<?> request) {
        UiFormFields fields = UiForms.checked(request, body);
        Locale locale = locales.resolveOrDefault(request);
        TenantRow tenant = UiNotFound.find(fields.text(KeyForm.TENANT), admin::tenant);
        boolean fromTenant = tenant != null && fields.has(FROM_TENANT);
        List<String> offered = tenant == null ? tenantPages.models() : tenantPages.keyModels(tenant);
        UiFormState form = KeyForm.typed(fields, offered, fromTenant ? TenantPages.NEW_KEY : KeyPages.CREATE);
        KeyChange change = KeyForm.read(fields, offered, form, locale, null);
        HttpStatus status = HttpStatus.BAD_REQUEST;
        if (change != null) {
            try {
                IssuedKey issued = admin.createKey(change);
                return pages.issued(request, issued, false);
            } catch (TenancyRefusal refusal) {
                UiRefusals.forKey(refusal, form, tenant, locale);
                status = UiRefusals.status(refusal);
            }
        }
        if (fromTenant) {
            return tenantPages.tenant(request, tenant, TenantForm.of(tenant, TenantPages.EDIT), form, status, null);
        }
        return pages.list(request, KeyListQuery.of(null, null, null, null, null, null, null), form, status);
    }

    @Get(uri = "/key", produces = MediaType.TEXT_HTML)
    HttpResponse<?> key(@QueryValue @Nullable String id, @QueryValue @Nullable String done, HttpRequest<?> request) {
        if (id == null || id.isBlank()) {
            return HttpResponse.seeOther(URI.create("keys"));
        }
        VirtualKeyRow key = findKey(id);
        if (key == null) {
            return notFound(request);
        }
        return pages.key(request, key, KeyForm.of(key, KeyPages.EDIT), HttpStatus.OK, UiNotices.of(done));
    }

    @Post(value = "/key", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = MediaType.TEXT_HTML)
    HttpResponse<?> update(@Body @Nullable byte[] body, HttpRequest<?> request) {
        UiFormFields fields = UiForms.checked(request, body);
        VirtualKeyRow key = findKey(fields.text(ID));
        if (key == null) {
            return notFound(request);
        }
        Locale locale = locales.resolveOrDefault(request);
        TenantRow tenant = admin.tenant(key.tenantId());
        List<String> offered = tenantPages.keyModels(tenant);
        UiFormState form = KeyForm.typed(fields, offered, KeyPages.EDIT);
        KeyChange change = KeyForm.read(fields, offered, form, locale, key);
        HttpStatus status = HttpStatus.BAD_REQUEST;
        if (change != null) {
            try {
                admin.updateKey(key.id(), change);
                return HttpResponse.seeOther(URI.create(UiLinks.to("key", ID, key.id(), "done", "saved")));
            } catch (TenancyRefusal refusal) {
                if (refusal.kind() == TenancyRefusal.Kind.NOT_FOUND) {
                    return notFound(request);
                }
                UiRefusals.forKey(refusal, form, tenant, locale);
                status = UiRefusals.status(refusal);
            }
        }
        return pages.key(request, key, form, status, null);
    }

    @Post(value = "/key-revoke", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = MediaType.TEXT_HTML)
    HttpResponse<?> revoke(@Body @Nullable byte[] body, HttpRequest<?> request) {
        UiFormFields fields = UiForms.checked(request, body);
        String id = fields.text(ID);
        if (findKey(id) == null) {
            return notFound(request);
        }
        admin.revokeKey(id);
        return HttpResponse.seeOther(URI.create(UiLinks.to("key", ID, id, "done", "revoked")));
    }

    @Post(value = "/key-rotate", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = MediaType.TEXT_HTML)
    HttpResponse<?> rotate(@Body @Nullable byte[] body, HttpRequest<?> request) {
        UiFormFields fields = UiForms.checked(request, body);
        String id = fields.text(ID);
        if (findKey(id) == null) {
            return notFound(request);
        }
        return pages.issued(request, admin.rotateKey(id), true);
    }

    private static HttpResponse<?> notFound(HttpRequest<?> request) {
        return UiNotFound.page(request, "keys", "notFound.key");
    }

    @Nullable
    private VirtualKeyRow findKey(String id) {
        return UiNotFound.find(id, admin::key);
    }
}
