package sai.gateway.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Inject;
import sai.gateway.secrets.Secret;
import sai.gateway.tenancy.IssuedKey;
import sai.gateway.tenancy.KeyChange;
import sai.gateway.tenancy.TenancyAdmin;
import sai.gateway.tenancy.TenantChange;
import sai.gateway.tenancy.TenantRow;
import sai.gateway.testing.Json;
import sai.gateway.testing.SaiFakeTest;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway with the response cache on (a TTL far beyond a test's run) and virtual keys on the embedded database, for
 * the cache's wire tests: tenants and keys made through {@link TenancyAdmin}, requests sent with a key as the bearer,
 * and the admin usage report read over HTTP. Subclasses add their limits in {@link #cacheProperties()}.
 */
abstract class CacheWire extends SaiFakeTest {

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
    protected final Map<String, String> extraProperties() {
        Map<String, String> properties = new HashMap<>(Map.of("cache.ttl", "10m", "tenancy.admin-key", ADMIN_KEY,
                "tenancy.encryption-key", ENCRYPTION_KEY, "tenancy.database-url", databaseUrl(), "tenancy.data-dir", dataDir(),
                "secrets.gateway-api-keys", STATIC_KEY));
        properties.putAll(cacheProperties());
        return properties;
    }

    protected Map<String, String> cacheProperties() {
        return Map.of();
    }

    protected String databaseUrl() {
        return "jdbc:h2:mem:cache-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    private static String dataDir() {
        try {
            return Files.createTempDirectory("gateway-data").toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    TenantRow tenant(String name, Optional<Secret> saiKey) {
        return tenant(name, 0, saiKey);
    }

    TenantRow tenant(String name, long tokensPerDay, Optional<Secret> saiKey) {
        return admin.createTenant(new TenantChange(name + "-" + UUID.randomUUID(), List.of(), 0L, 0L, tokensPerDay, 0L, saiKey));
    }

    String key(TenantRow tenant) {
        return issue(tenant, 0).secret().reveal();
    }

    IssuedKey issue(TenantRow tenant, long tokensPerDay) {
        return admin.createKey(new KeyChange(tenant.id(), "k", null, List.of(), 0L, 0L, tokensPerDay, 0L, null, null));
    }

    /** A chat completion with {@code bearer}; {@code headers} are more name/value pairs. */
    HttpResponse<String> ask(String bearer, String prompt, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + bearer;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return postJson("/v1/chat/completions", chat(prompt), all);
    }

    static HttpResponse<String> assertCache(HttpResponse<String> response, String expected) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-cache")).as("x-cache").hasValue(expected);
        return response;
    }

    static String content(HttpResponse<String> response) {
        return Json.parse(response.body()).at("/choices/0/message/content").asText();
    }

    /** A prompt no other test sends, so no other test's answer is in the cache for it. */
    static String unique(String prompt) {
        return prompt + " " + UUID.randomUUID();
    }

    /** {@code GET /v1/me}'s what-is-left for the key (level "key") or its tenant ("tenant_limits"), first limit. */
    JsonNode remaining(String key, String level) {
        HttpResponse<String> me = get("/v1/me", "Authorization", "Bearer " + key);
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        return Json.parse(me.body()).path(level).path("remaining").path(0);
    }

    /** The report once it counts {@code requests}: a record is handed over when the last byte has left, maybe after the client read it. */
    JsonNode usageOnceRecorded(String path, long requests) {
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

    /** The key's usage records as "cache_hit=... tokens_saved=... prompt=... completion=... status=... stream=...". */
    List<String> records(String keyId) throws SQLException {
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
