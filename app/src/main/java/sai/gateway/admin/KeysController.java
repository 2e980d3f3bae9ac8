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
import sai.gateway.admin.AdminWire.KeyList;
import sai.gateway.admin.AdminWire.KeyObject;
import sai.gateway.admin.AdminWire.KeyRequest;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.tenancy.TenancyAdmin;

/**
 * Virtual keys ({@code sk-sai-...}): a tenant's keys, each with its own models and limits within the tenant's. The
 * secret is answered once, by the call that creates or rotates it; the gateway keeps only its hash.
 */
@Controller("/admin/keys")
@Requires(condition = TenancyEnabled.class)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Virtual keys")
@SecurityRequirement(name = AdminOpenApi.SCHEME)
class KeysController {

    private final TenancyAdmin admin;

    KeysController(TenancyAdmin admin) {
        this.admin = admin;
    }

    @Operation(summary = "Create a key: the answer's 'key' is the only time the secret is shown",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = KeyRequest.class))))
    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Status(HttpStatus.CREATED)
    HttpResponse<KeyObject> create(@Parameter(hidden = true) @Nullable @Body byte[] body) {
        var change = AdminBodies.key(body, false);
        return HttpResponse.created(KeyObject.issued(AdminRefusals.call(() -> admin.createKey(change))));
    }

    @Operation(summary = "List keys, oldest first")
    @Get(produces = MediaType.APPLICATION_JSON)
    KeyList list(@Parameter(description = "Only this tenant's keys.") @Nullable @QueryValue("tenant_id") String tenantId,
                 @Parameter(description = "1 to 100, default 20.") @Nullable @QueryValue String limit,
                 @Parameter(description = "0 or more, default 0.") @Nullable @QueryValue String offset) {
        int size = AdminPaging.limit(limit);
        int from = AdminPaging.offset(offset);
        var listed = admin.keys(tenantId, size, from);
        return KeyList.of(listed.rows().stream().map(KeyObject::of).toList(), listed.total(), size, from);
    }

    @Operation(summary = "Get a key (without its secret)")
    @Get(uri = "/{id}", produces = MediaType.APPLICATION_JSON)
    KeyObject get(@PathVariable String id) {
        return KeyObject.of(AdminRefusals.call(() -> admin.key(id)));
    }

    @Operation(summary = "Change a key: only the fields sent",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = KeyRequest.class))))
    @Patch(uri = "/{id}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    KeyObject update(@PathVariable String id, @Parameter(hidden = true) @Nullable @Body byte[] body) {
        var change = AdminBodies.key(body, true);
        return KeyObject.of(AdminRefusals.call(() -> admin.updateKey(id, change)));
    }

    @Operation(summary = "Revoke a key: refused from now on, on every replica within the key refresh")
    @Post(uri = "/{id}/revoke", produces = MediaType.APPLICATION_JSON)
    KeyObject revoke(@PathVariable String id) {
        return KeyObject.of(AdminRefusals.call(() -> admin.revokeKey(id)));
    }

    @Operation(summary = "Rotate a key: same id, limits and usage, a new secret (in 'key', shown once); the old one stops working")
    @Post(uri = "/{id}/rotate", produces = MediaType.APPLICATION_JSON)
    KeyObject rotate(@PathVariable String id) {
        return KeyObject.issued(AdminRefusals.call(() -> admin.rotateKey(id)));
    }
}
