package sai.gateway.admin;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Status;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import sai.gateway.admin.AdminWire.TenantList;
import sai.gateway.admin.AdminWire.TenantObject;
import sai.gateway.admin.AdminWire.TenantRequest;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.tenancy.TenancyAdmin;

/** Tenants: who may use which models, within which limits, and with which SAI key. */
@Controller("/admin/tenants")
@Requires(condition = TenancyEnabled.class)
@ExecuteOn(TaskExecutors.BLOCKING)

@Tag(name = "Tenants")
@SecurityRequirement(name = AdminOpenApi.SCHEME)
class TenantsController {

    private final TenancyAdmin admin;

    TenantsController(TenancyAdmin admin) {
        this.admin = admin;
    }

    @Operation(summary = "Create a tenant", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TenantRequest.class))))
    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Status(HttpStatus.CREATED)
    HttpResponse<TenantObject> create(@Parameter(hidden = true) @Nullable @Body byte[] body) {
        var change = AdminBodies.tenant(body);
        return HttpResponse.created(TenantObject.of(AdminRefusals.call(() -> admin.createTenant(change))));
    }

    @Operation(summary = "List tenants, by name")
    @Get(produces = MediaType.APPLICATION_JSON)
    TenantList list(@Parameter(description = "1 to 100, default 20.") @Nullable @QueryValue String limit,
                    @Parameter(description = "0 or more, default 0.") @Nullable @QueryValue String offset,
                    @Parameter(description = "Only tenants whose name contains this, ignoring case.") @Nullable @QueryValue String name) {
        int size = AdminPaging.limit(limit);
        int from = AdminPaging.offset(offset);
        var listed = admin.tenants(name, size, from);
        return TenantList.of(listed.rows().stream().map(TenantObject::of).toList(), listed.total(), size, from);
    }

    @Operation(summary = "Get a tenant")
    @Get(uri = "/{id}", produces = MediaType.APPLICATION_JSON)
    TenantObject get(@PathVariable String id) {
        return TenantObject.of(AdminRefusals.call(() -> admin.tenant(id)));
    }

    @Operation(summary = "Change a tenant: only the fields sent", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TenantRequest.class))))
    @Patch(uri = "/{id}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    TenantObject update(@PathVariable String id, @Parameter(hidden = true) @Nullable @Body byte[] body) {
        var change = AdminBodies.tenant(body);
        return TenantObject.of(AdminRefusals.call(() -> admin.updateTenant(id, change)));
    }
}
