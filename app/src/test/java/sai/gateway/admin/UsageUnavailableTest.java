package sai.gateway.admin;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.LogCapture;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiFakeTest;

import javax.sql.DataSource;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The usage totals when the database fails them: a 503 in the OpenAI shape that says what to do, on both routes,
 * and a log line that says why. The roll-up table is dropped, which fails the query the way a lost database does,
 * in a context of this class's own.
 */
@MicronautTest(transactional = false)
class UsageUnavailableTest extends SaiFakeTest {

    static final String ADMIN_KEY = "adm-" + UUID.randomUUID();

    @Inject
    DataSource dataSource;
    private LogCapture logs;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("tenancy.admin-key", ADMIN_KEY,
                "tenancy.encryption-key", "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=",
                "tenancy.database-url", "jdbc:h2:mem:usage-gone-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "tenancy.data-dir", AdminApiContract.temporaryDirectory());
    }

    @BeforeAll
    void dropTheRollUps() throws SQLException {
        logs = LogCapture.attachToRoot();
        try (Connection connection = DelegatingDataSource.unwrapDataSource(dataSource).getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE usage_daily");
        }
    }

    @AfterAll
    void releaseLogs() {
        logs.detach();
    }

    @Test
    void bothRoutesAnswer503UsageUnavailableInTheOpenAiShape() {
        for (String path : new String[]{"/admin/usage", "/admin/usage.csv"}) {
            HttpResponse<String> response = get(path + "?group_by=key", "Authorization", "Bearer " + ADMIN_KEY);

            var error = OpenAiErrors.assertError(response, 503, "server_error", "usage_unavailable", null);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
            assertThat(error.path("message").asText()).contains("database did not answer", "Retry");
            assertThat(response.body()).doesNotContainIgnoringCase("usage_daily").doesNotContain("SQLState");
            String requestId = response.headers().firstValue("x-request-id").orElseThrow();
            assertThat(logs.lines()).filteredOn(line -> requestId.equals(line.requestId()) && line.level().equals("WARN"))
                    .singleElement().satisfies(line -> assertThat(line.message()).contains("503", path, "SQLState"));
        }
    }

    @Test
    void aBadParameterIsStillA400BeforeTheDatabaseIsAsked() {
        OpenAiErrors.assertError(get("/admin/usage?group_by=week", "Authorization", "Bearer " + ADMIN_KEY),
                400, "invalid_request_error", "invalid_value", "group_by");
    }
}
