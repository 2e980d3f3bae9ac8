package sai.gateway.admin;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.tags.Tag;
import sai.gateway.database.TenancyEnabled;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /admin/openapi.yml}: the admin API's OpenAPI document, written at compile time by micronaut-openapi
 * from this package's controllers only (see {@code app/openapi.properties}), and served behind the admin key like
 * the rest of {@code /admin}.
 */
@OpenAPIDefinition(info = @Info(title = "SAI Gateway admin API", version = "1",
        description = "Tenants, virtual keys and usage totals. Every call needs 'Authorization: Bearer <GATEWAY_ADMIN_KEY>'. Errors are "
                + "OpenAI's {\"error\":{\"message\",\"type\",\"param\",\"code\"}}: 400 invalid_value / invalid_type / invalid_json, "
                + "401 invalid_api_key, 404 not_found, 409 conflict, 503 usage_unavailable (the database did not answer)."))
@SecurityScheme(name = AdminOpenApi.SCHEME, type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "GATEWAY_ADMIN_KEY; virtual keys and gateway access keys are refused.")
@Controller("/admin")
@Requires(condition = TenancyEnabled.class)
@Tag(name = "Document")
@SecurityRequirement(name = AdminOpenApi.SCHEME)
class AdminOpenApi {

    static final String SCHEME = "admin_key";
    /** Where micronaut-openapi writes the document (micronaut.openapi.groups.admin.filename). */
    static final String RESOURCE = "META-INF/swagger/sai-gateway-admin.yml";

    private final byte[] document;

    AdminOpenApi() {
        try (InputStream in = AdminOpenApi.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build: the micronaut-openapi processor did not run");
            }
            this.document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Operation(summary = "This document")
    @Get(uri = "/openapi.yml", produces = "application/yaml")
    HttpResponse<byte[]> document() {
        return HttpResponse.ok(document.clone()).contentType("application/yaml; charset=utf-8");
    }
}
