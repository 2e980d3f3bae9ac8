package sai.gateway.auth;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class AdminRoutesTest {

    @ParameterizedTest
    @ValueSource(strings = {"/admin", "/admin/", "/admin/tenants", "//admin/keys", "/ADMIN/tenants", "/Admin", "///admin;x", "/admin//usage"})
    void theAdminApiInEverySpelling(String path) {
        assertThat(AdminRoutes.isAdminPath(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "admin", "/administrator", "/adminx/tenants", "/v1/admin", "/v1/chat/completions", "/admi", "/health"})
    void otherPathsAreNot(String path) {
        assertThat(AdminRoutes.isAdminPath(path)).isFalse();
    }
}
