package sai.gateway.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import sai.gateway.admin.Rfc4180;
import sai.gateway.auth.CredentialResolver;
import sai.gateway.secrets.Secret;
import sai.gateway.tenancy.IssuedKey;
import sai.gateway.tenancy.KeyChange;
import sai.gateway.tenancy.TenancyAdmin;
import sai.gateway.tenancy.TenantChange;
import sai.gateway.tenancy.TenantRow;
import sai.gateway.testing.Json;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.testing.SseEvents;
import sai.gateway.usage.UsageRecorder;

import javax.sql.DataSource;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The response cache's scopes as clients and operators see them, with virtual keys on the embedded database: who
 * gets another's answer (two keys of one tenant) and who never does (two tenants, a user's own SAI key and the system's,
 * two users), told by {@code x-cache} and by the calls SAI got; and the usage a miss and a hit leave, in the database
 * and in the admin usage report. {@link CacheTenancyPostgresTest} runs the same on a real PostgreSQL.
 */
@MicronautTest(transactional = false)
class CacheTenancyTest extends SaiFakeTest {

    static final String ADMIN_KEY = "admin-" + UUID.randomUUID();
    static final String ENCRYPTION_KEY = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";
    /** A gateway access key (GATEWAY_API_KEYS): no tenant, the system's SAI credential. */
    static final String STATIC_KEY = "static-access-key-cache";

    @Inject
    TenancyAdmin admin;
    @Inject
    UsageRecorder recorder;
    @Inject
    DataSource dataSource;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("cache.ttl", "10m", "tenancy.admin-key", ADMIN_KEY, "tenancy.encryption-key", ENCRYPTION_KEY,
                "tenancy.database-url", databaseUrl(), "tenancy.data-dir", dataDir(), "secrets.gateway-api-keys", STATIC_KEY);
    }

    protected String databaseUrl() {
        return "jdbc:h2:mem:cache-tenancy-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    private static String dataDir() {
        try {
            return Files.createTempDirectory("gateway-data").toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- who shares an answer ----

    @Test
    void twoTenantsAskingTheSameBothReachSaiAndEachThenHitsItsOwn() {
        stubAnswer("same words", 3, 4, "sai-model");
        String a = key(tenant("a", Optional.empty()));
        String b = key(tenant("b", Optional.empty()));
        String prompt = unique("what is a cache?");

        assertCache(ask(a, prompt), "MISS");
        assertCache(ask(b, prompt), "MISS");
        assertThat(saiRequests()).as("tenant B is not answered with tenant A's answer").hasSize(2);

        assertCache(ask(a, prompt), "HIT");
        assertCache(ask(b, prompt), "HIT");
        assertThat(saiRequests()).hasSize(2);
    }

    @Test
    void twoKeysOfOneTenantShareAnAnswer() {
        stubAnswer("shared answer", 3, 4, "sai-model");
        TenantRow team = tenant("team", Optional.empty());
        String first = key(team);
        String second = key(team);
        String prompt = unique("hello");

        HttpResponse<String> miss = ask(first, prompt);
        HttpResponse<String> hit = ask(second, prompt);

        assertCache(miss, "MISS");
        assertCache(hit, "HIT");
        assertThat(content(hit)).isEqualTo("shared answer");
        assertThat(Json.parse(hit.body()).path("id").asText()).as("a hit has its own id").isNotEqualTo(Json.parse(miss.body()).path("id").asText());
        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void aTenantPayingWithItsOwnSaiKeyNeverSharesWithOneOnTheSystemKeyNorWithAStaticKey() {
        stubAnswer("paid", 3, 4, "sai-model");
        String own = key(tenant("own-key", Optional.of(Secret.of("tenant-SAI-key-cache-1"))));
        String plain = key(tenant("system-key", Optional.empty()));
        String prompt = unique("who pays?");

        assertCache(ask(own, prompt), "MISS");
        assertCache(ask(plain, prompt), "MISS");
        assertCache(ask(STATIC_KEY, prompt), "MISS");

        assertThat(saiRequests()).hasSize(3);
        sai.verify(1, postRequestedFor(urlPathEqualTo(EXECUTE_PATH)).withHeader("X-Api-Key", equalTo("tenant-SAI-key-cache-1")));
        sai.verify(2, postRequestedFor(urlPathEqualTo(EXECUTE_PATH)).withHeader("X-Api-Key", equalTo(SYSTEM_KEY)));
        assertCache(ask(own, prompt), "HIT");
        assertCache(ask(plain, prompt), "HIT");
        assertCache(ask(STATIC_KEY, prompt), "HIT");
        assertThat(saiRequests()).hasSize(3);
    }

    @Test
    void aUserKeyAndTheSystemCredentialNeverShareTwoUsersNeverShareAndOneUserDoesWhereverItsKeyIsSent() {
        stubAnswer("user's", 3, 4, "sai-model");
        String prompt = unique("mine or yours?");
        String userA = "usr-cache-A-" + UUID.randomUUID();
        String userB = "usr-cache-B-" + UUID.randomUUID();

        assertCache(ask(STATIC_KEY, prompt), "MISS");
        assertCache(ask(STATIC_KEY, prompt, CredentialResolver.USER_KEY_HEADER, userA), "MISS");
        assertCache(ask(STATIC_KEY, prompt, CredentialResolver.USER_KEY_HEADER, userB), "MISS");
        assertThat(saiRequests()).hasSize(3);
        sai.verify(1, postRequestedFor(urlPathEqualTo(EXECUTE_PATH)).withHeader("X-Api-Key", equalTo(userA)));
        sai.verify(1, postRequestedFor(urlPathEqualTo(EXECUTE_PATH)).withHeader("X-Api-Key", equalTo(userB)));

        assertCache(ask(STATIC_KEY, prompt, CredentialResolver.USER_KEY_HEADER, userA), "HIT");
        // The same user key in the body (LiteLLM's metadata) is the same user.
        HttpResponse<String> fromBody = postJson("/v1/chat/completions", "{\"model\":\"sai-model\",\"messages\":[{\"role\":\"user\",\"content\":"
                        + Json.quote(prompt) + "}],\"litellm_params\":{\"metadata\":{\"user_api_key\":" + Json.quote(userA) + "}}}",
                "Authorization", "Bearer " + STATIC_KEY);
        assertCache(fromBody, "HIT");
        assertCache(ask(STATIC_KEY, prompt), "HIT");
        assertThat(saiRequests()).hasSize(3);
    }

    @Test
    void aUserKeyUnderTwoTenantsIsTwoScopes() {
        stubAnswer("scoped", 3, 4, "sai-model");
        String a = key(tenant("user-a", Optional.empty()));
        String b = key(tenant("user-b", Optional.empty()));
        String user = "usr-cache-both-" + UUID.randomUUID();
        String prompt = unique("same user, two tenants");

        assertCache(ask(a, prompt, CredentialResolver.USER_KEY_HEADER, user), "MISS");
        assertCache(ask(b, prompt, CredentialResolver.USER_KEY_HEADER, user), "MISS");
        assertCache(ask(STATIC_KEY, prompt, CredentialResolver.USER_KEY_HEADER, user), "MISS");
        assertThat(saiRequests()).hasSize(3);
        assertCache(ask(b, prompt, CredentialResolver.USER_KEY_HEADER, user), "HIT");
        assertThat(saiRequests()).hasSize(3);
    }

    // ---- what a miss and a hit leave in the usage ----

    @Test
    void aMissAndAHitLeaveRecordsAndReportRowsWithTheTokensSaved() throws SQLException {
        stubAnswer("counted", 5, 7, "sai-model");
        TenantRow team = tenant("usage", Optional.empty());
        IssuedKey issued = admin.createKey(new KeyChange(team.id(), "u", null, List.of(), 0L, 0L, 0L, 0L, null, null));
        String key = issued.secret().reveal();
        String keyId = issued.row().id();
        String prompt = unique("count me");

        assertCache(ask(key, prompt), "MISS");
        assertCache(ask(key, prompt), "HIT");
        HttpResponse<String> streamed = postJson("/v1/chat/completions", "{\"model\":\"sai-model\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":" + Json.quote(prompt) + "}]}", "Authorization", "Bearer " + key);
        assertCache(streamed, "HIT");
        SseEvents events = SseEvents.parse(streamed.body());
        assertThat(events.data()).last().isEqualTo(SseEvents.DONE);
        assertThat(SseEvents.content(events.chunks())).isEqualTo("counted");
        assertThat(saiRequests()).hasSize(1);

        JsonNode report = usageOnceRecorded("/admin/usage?group_by=key&key_id=" + keyId, 3);
        assertThat(report.path("data")).hasSize(1);
        JsonNode row = report.path("data").get(0);
        assertThat(row.path("requests").asLong()).as(row.toString()).isEqualTo(3);
        assertThat(row.path("cache_hits").asLong()).as(row.toString()).isEqualTo(2);
        assertThat(row.path("tokens_saved").asLong()).as(row.toString()).isEqualTo(24);
        // Only the miss spent tokens: a hit's are saved, not charged.
        assertThat(row.path("prompt_tokens").asLong()).as(row.toString()).isEqualTo(5);
        assertThat(row.path("completion_tokens").asLong()).as(row.toString()).isEqualTo(7);
        assertThat(row.path("total_tokens").asLong()).as(row.toString()).isEqualTo(12);

        HttpResponse<String> csv = get("/admin/usage.csv?group_by=key&key_id=" + keyId, "Authorization", "Bearer " + ADMIN_KEY);
        assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
        List<List<String>> lines = Rfc4180.parse(csv.body());
        assertThat(lines).hasSize(2);
        List<String> header = lines.get(0);
        List<String> values = lines.get(1);
        assertThat(values.get(header.indexOf("key_id"))).isEqualTo(keyId);
        assertThat(values.get(header.indexOf("cache_hits"))).isEqualTo("2");
        assertThat(values.get(header.indexOf("tokens_saved"))).isEqualTo("24");
        assertThat(values.get(header.indexOf("total_tokens"))).isEqualTo("12");

        List<String> records = records(keyId);
        assertThat(records).containsExactlyInAnyOrder(
                "cache_hit=false tokens_saved=0 prompt=5 completion=7 status=200 stream=false",
                "cache_hit=true tokens_saved=12 prompt=0 completion=0 status=200 stream=false",
                "cache_hit=true tokens_saved=12 prompt=0 completion=0 status=200 stream=true");
    }

    // ---- helpers ----

    private TenantRow tenant(String name, Optional<Secret> saiKey) {
        return admin.createTenant(new TenantChange(name + "-" + UUID.randomUUID(), List.of(), 0L, 0L, 0L, 0L, saiKey));
    }

    private String key(TenantRow tenant) {
        return admin.createKey(new KeyChange(tenant.id(), "k", null, List.of(), 0L, 0L, 0L, 0L, null, null)).secret().reveal();
    }

    private HttpResponse<String> ask(String bearer, String prompt, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + bearer;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return postJson("/v1/chat/completions", chat(prompt), all);
    }

    private static void assertCache(HttpResponse<String> response, String expected) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-cache")).as("x-cache").hasValue(expected);
    }

    private static String content(HttpResponse<String> response) {
        return Json.parse(response.body()).at("/choices/0/message/content").asText();
    }

    static String unique(String prompt) {
        return prompt + " " + UUID.randomUUID();
    }

    /** The report once it counts {@code requests}: a record is handed over when the last byte has left, maybe after the client read it. */
    private JsonNode usageOnceRecorded(String path, long requests) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode answer;
        do {
            assertThat(recorder.flush(Duration.ofSeconds(5))).isTrue();
            HttpResponse<String> response = get(path, "Authorization", "Bearer " + ADMIN_KEY);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            answer = Json.parse(response.body());
            long counted = 0;
            for (JsonNode row : answer.path("data")) {
                counted += row.path("requests").asLong();
            }
            if (counted == requests) {
                return answer;
            }
            assertThat(counted).as(answer.toString()).isLessThan(requests);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("usage never reached " + requests + " requests: " + answer);
    }

    private List<String> records(String keyId) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DelegatingDataSource.unwrapDataSource(dataSource).getConnection();
             PreparedStatement s = c.prepareStatement("SELECT cache_hit, tokens_saved, prompt_tokens, completion_tokens, status, stream "
                     + "FROM usage_record WHERE key_id = ?")) {
            s.setString(1, keyId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add("cache_hit=" + r.getBoolean(1) + " tokens_saved=" + r.getLong(2) + " prompt=" + r.getLong(3)
                            + " completion=" + r.getLong(4) + " status=" + r.getInt(5) + " stream=" + r.getBoolean(6));
                }
            }
        }
        return rows;
    }
}
