package sai.gateway.tenancy;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.Json;
import sai.gateway.testing.LogCapture;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.usage.UsageRecorder;

import javax.sql.DataSource;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tenancy's secrets (the admin key, the encryption key, a tenant's SAI key, a virtual key and its hash, the database
 * password) with verbose logging and metrics on, through every admin and user path: none may appear in a log line,
 * an answer (but the one create or rotate answer that hands the key out), a header, the metrics scrape, or a usage
 * row; nor may the messages' text reach a usage row.
 */
@MicronautTest(transactional = false)
class TenancySecretLeakTest extends SaiFakeTest {

    private static final LogCapture LOGS = LogCapture.attachToRoot();

    private static final String ADMIN_KEY = "adm-LEAK-5e7a9c1b3d5f7a9c";
    private static final String ENCRYPTION_KEY = "Zm9vYmFyYmF6cXV4LWxlYWstdGVzdC1rZXktMzJieXQ=";
    private static final String TENANT_SAI_KEY = "ten-SAI-KEY-8b0d2f4a6c";
    private static final String DB_PASSWORD = "db-PASS-3c5e7a9b1d";
    private static final String MESSAGE_TEXT = "confidential-merger-plan-71";

    @Inject
    UsageRecorder recorder;
    @Inject
    DataSource dataSource;

    private final List<HttpResponse<String>> answers = new ArrayList<>();

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("gateway.verbose-logging", "true", "micronaut.metrics.enabled", "true",
                "micronaut.metrics.export.prometheus.enabled", "true", "endpoints.prometheus.enabled", "true",
                "tenancy.admin-key", ADMIN_KEY, "tenancy.encryption-key", ENCRYPTION_KEY,
                "tenancy.database-url", "jdbc:h2:mem:leak-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "tenancy.database-password", DB_PASSWORD, "tenancy.data-dir", System.getProperty("java.io.tmpdir") + "/leak-" + UUID.randomUUID());
    }

    @Test
    void noTenancySecretLeaksAnywhere() throws SQLException, InterruptedException {
        stubAnswer("fine", 6, 9, "sai-model");
        String admin = "Bearer " + ADMIN_KEY;
        HttpResponse<String> tenant = keep(postJson("/admin/tenants", "{\"name\":\"leak-team\",\"sai_api_key\":\"" + TENANT_SAI_KEY + "\",\"tokens_per_day\":100000}",
                "Authorization", admin));
        assertThat(tenant.statusCode()).isEqualTo(201);
        String tenantId = Json.parse(tenant.body()).get("id").asText();
        HttpResponse<String> created = postJson("/admin/keys", "{\"tenant_id\":\"" + tenantId + "\",\"name\":\"leaky\"}", "Authorization", admin);
        assertThat(created.statusCode()).isEqualTo(201);
        String key = Json.parse(created.body()).get("key").asText();
        String keyId = Json.parse(created.body()).get("id").asText();
        List<String> secrets = List.of(ADMIN_KEY, ENCRYPTION_KEY, TENANT_SAI_KEY, DB_PASSWORD, key, key.substring(7), KeyMaterial.hash(key));

        String bearer = "Bearer " + key;
        HttpResponse<String> answered = keep(postJson("/v1/chat/completions", chat(MESSAGE_TEXT), "Authorization", bearer));
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(sai.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(EXECUTE_PATH)).withHeader("X-Api-Key", equalTo(TENANT_SAI_KEY)))).hasSize(1);
        HttpResponse<String> streamed = keep(postJson("/v1/chat/completions", "{\"model\":\"sai-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + MESSAGE_TEXT + "\"}]}",
                "Authorization", bearer));
        keep(get("/v1/me", "Authorization", bearer));
        keep(get("/admin/keys", "Authorization", admin));
        keep(get("/admin/tenants/" + tenantId, "Authorization", admin));
        keep(get("/admin/keys", "Authorization", bearer)); // a virtual key at the admin API
        keep(get("/admin/keys", "Authorization", "Bearer " + ADMIN_KEY + "x"));
        // SAI refuses the tenant's key: the 401 the user gets names whose key, not the key.
        sai.resetAll();
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401).withBody("bad key " + TENANT_SAI_KEY)));
        HttpResponse<String> refused = keep(postJson("/v1/chat/completions", chat("again"), "Authorization", bearer));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("tenant");
        HttpResponse<String> rotated = postJson("/admin/keys/" + keyId + "/rotate", "", "Authorization", admin);
        assertThat(rotated.statusCode()).isEqualTo(200);
        keep(postJson("/admin/keys/" + keyId + "/revoke", "", "Authorization", admin));
        HttpResponse<String> revoked = keep(postJson("/v1/chat/completions", chat("revoked"), "Authorization", bearer));
        assertThat(revoked.statusCode()).isEqualTo(401);
        keep(get("/prometheus"));

        List<String> recorded = List.of(requestId(answered), requestId(streamed), requestId(refused));
        List<UsageRow> rows = usageRowsOnceRecorded(recorded);
        // Two answers and the 401 from SAI; the revoked key is refused at the door, before any surface, and leaves none.
        assertThat(rows).extracting(UsageRow::requestId).as("usage rows by x-request-id").containsExactlyInAnyOrderElementsOf(recorded);
        for (UsageRow row : rows) {
            assertThat(row.text()).doesNotContain(MESSAGE_TEXT);
            secrets.forEach(secret -> assertThat(row.text()).as("a usage row").doesNotContain(secret));
        }
        assertThat(LOGS.lines()).as("log lines captured").hasSizeGreaterThan(20);
        assertThat(LOGS.text()).contains("[ADMIN] key created").contains("[ACCESS] rejected");
        for (LogCapture.Line line : LOGS.lines()) {
            secrets.forEach(secret -> assertThat(line.text()).as("log line").doesNotContain(secret));
        }
        for (HttpResponse<String> answer : answers) {
            secrets.forEach(secret -> assertThat(answer.body()).as("answer of " + answer.uri()).doesNotContain(secret));
            answer.headers().map().forEach((name, values) -> values.forEach(v -> secrets.forEach(secret ->
                    assertThat(v).as("header " + name).doesNotContain(secret))));
        }
        // The one place the key is handed out: its create answer (and the rotate answer, with the new one).
        assertThat(created.body()).contains(key);
        assertThat(rotated.body()).doesNotContain(key).contains("sk-sai-");
    }

    private HttpResponse<String> keep(HttpResponse<String> answer) {
        answers.add(answer);
        return answer;
    }

    private static String requestId(HttpResponse<String> answer) {
        return answer.headers().firstValue("x-request-id").orElseThrow();
    }

    /**
     * The usage rows once those of {@code requestIds} are in. The flush alone is not enough: behind function-lambda's handler
     * another application context serves the requests and writes their rows with its own recorder, which this test's
     * flush does not reach and which commits a batch up to its linger (250 ms) after the batch's first record.
     */
    private List<UsageRow> usageRowsOnceRecorded(List<String> requestIds) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            assertThat(recorder.flush(Duration.ofSeconds(10))).isTrue();
            List<UsageRow> rows = usageRows();
            if (rows.stream().map(UsageRow::requestId).toList().containsAll(requestIds) || System.nanoTime() - deadline >= 0) {
                return rows;
            }
            Thread.sleep(20);
        }
    }

    private record UsageRow(String requestId, String text) {
    }

    private List<UsageRow> usageRows() throws SQLException {
        List<UsageRow> rows = new ArrayList<>();
        try (Connection c = DelegatingDataSource.unwrapDataSource(dataSource).getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT * FROM usage_record")) {
            ResultSetMetaData meta = r.getMetaData();
            while (r.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.append(meta.getColumnName(i)).append('=').append(r.getString(i)).append(' ');
                }
                rows.add(new UsageRow(r.getString("request_id"), row.toString()));
            }
        }
        return rows;
    }
}
