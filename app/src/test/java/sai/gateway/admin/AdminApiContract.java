package sai.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import sai.gateway.testing.Json;
import sai.gateway.testing.LogCapture;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.usage.UsageRecorder;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API as an operator's client sees it, over HTTP against the running gateway: only the admin key opens it,
 * tenants and keys are created, listed, changed, revoked and rotated, a key's secret is shown once, and every refusal
 * is a 4xx in the OpenAI shape naming the field. Subclasses choose the database.
 */
abstract class AdminApiContract extends SaiFakeTest {

    static final String ADMIN_KEY = "adm-" + UUID.randomUUID();
    /** A gateway access key (GATEWAY_API_KEYS): requests with it have no tenant. */
    static final String STATIC_KEY = "static-" + UUID.randomUUID();
    static final String ENCRYPTION_KEY = Base64.getEncoder().encodeToString(UUID.randomUUID().toString().substring(0, 32).getBytes());
    static final YAMLMapper YAML = new YAMLMapper();

    private LogCapture logs;
    @Inject
    UsageRecorder recorder;

    /** The tenancy.database-url this class runs on. */
    protected abstract String databaseUrl();

    @Override
    protected Map<String, String> extraProperties() {
        Map<String, String> properties = new HashMap<>();
        properties.put("tenancy.admin-key", ADMIN_KEY);
        properties.put("tenancy.encryption-key", ENCRYPTION_KEY);
        properties.put("tenancy.database-url", databaseUrl());
        // The usage writer's spool: a temporary directory, not ./data in the working tree.
        properties.put("tenancy.data-dir", temporaryDirectory());
        properties.put("secrets.gateway-api-keys", STATIC_KEY);
        return properties;
    }

    @BeforeAll
    void captureLogs() {
        logs = LogCapture.attachToRoot();
    }

    @AfterAll
    void releaseLogs() {
        logs.detach();
    }

    // ---- access ----

    static Stream<Arguments> adminRoutes() {
        return Stream.of(
                Arguments.of("GET", "/admin/tenants", null),
                Arguments.of("POST", "/admin/tenants", "{\"name\":\"x\"}"),
                Arguments.of("GET", "/admin/tenants/ten_x", null),
                Arguments.of("PATCH", "/admin/tenants/ten_x", "{}"),
                Arguments.of("GET", "/admin/keys", null),
                Arguments.of("POST", "/admin/keys", "{\"tenant_id\":\"ten_x\",\"name\":\"k\"}"),
                Arguments.of("GET", "/admin/keys/key_x", null),
                Arguments.of("PATCH", "/admin/keys/key_x", "{}"),
                Arguments.of("POST", "/admin/keys/key_x/revoke", null),
                Arguments.of("POST", "/admin/keys/key_x/rotate", null),
                Arguments.of("GET", "/admin/openapi.yml", null),
                Arguments.of("GET", "/admin/usage", null),
                Arguments.of("GET", "/admin/usage.csv?group_by=key", null));
    }

    static Stream<Arguments> adminRoutesWithWrongCredentials() {
        List<Arguments> all = new ArrayList<>();
        List<String[]> credentials = List.of(new String[0],
                new String[]{"Authorization", "Bearer wrong-" + ADMIN_KEY},
                new String[]{"Authorization", "Bearer " + ADMIN_KEY.substring(0, ADMIN_KEY.length() - 1)},
                new String[]{"Authorization", "Basic " + ADMIN_KEY},
                new String[]{"Authorization", ADMIN_KEY},
                new String[]{"x-api-key", ADMIN_KEY});
        adminRoutes().forEach(route -> credentials.forEach(headers ->
                all.add(Arguments.of(route.get()[0], route.get()[1], route.get()[2], String.join(": ", headers)))));
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} with [{3}]")
    @MethodSource("adminRoutesWithWrongCredentials")
    void everyAdminRouteRefusesAnythingButTheAdminKey(String method, String path, String body, String header) {
        String[] headers = header.isEmpty() ? new String[0] : header.split(": ", 2);

        HttpResponse<String> response = call(method, path, body, headers);

        var error = OpenAiErrors.assertError(response, 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(error.path("message").asText()).contains("GATEWAY_ADMIN_KEY");
        assertThat(response.body()).doesNotContain(ADMIN_KEY);
        assertThat(logs.lines()).noneSatisfy(line -> assertThat(line.text()).contains(ADMIN_KEY));
    }

    @Test
    void theRefusalIsLoggedOnceWithTheReasonButNeverTheValue() {
        HttpResponse<String> response = call("GET", "/admin/tenants", null, "Authorization", "Bearer guess-" + ADMIN_KEY);

        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        assertThat(logs.lines()).filteredOn(line -> requestId.equals(line.requestId()) && line.level().equals("WARN"))
                .singleElement().satisfies(line -> assertThat(line.message()).contains("GET", "/admin/tenants", "wrong admin key")
                        .doesNotContain("guess-"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("adminRoutes")
    void aVirtualKeyNeverOpensTheAdminApi(String method, String path, String body) {
        String secret = createKey(createTenant(unique("vk"), "{}").path("id").asText(), "{}").path("key").asText();
        assertThat(secret).startsWith("sk-sai-");

        HttpResponse<String> response = call(method, path, body, "Authorization", "Bearer " + secret);

        OpenAiErrors.assertError(response, 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(response.body()).doesNotContain(secret);
    }

    /** The same routes answer the admin key: the 401s above are the filter's, not a missing route's. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("adminRoutes")
    void theAdminKeyOpensEveryRoute(String method, String path, String body) {
        HttpResponse<String> response = admin(method, path, body);

        assertThat(response.statusCode()).as(response.body()).isNotEqualTo(401).isLessThan(500);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/admin", "/admin/", "/admin/tenants/", "//admin/tenants", "/admin//tenants", "/ADMIN/tenants", "/Admin/keys",
            "/admin/no-such-thing", "/admin/tenants/../keys", "/admin/%74enants"})
    void everySpellingOfAnAdminPathNeedsTheAdminKey(String path) {
        HttpResponse<String> response = call("GET", path, null);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    }

    // ---- tenants ----

    @Test
    void aTenantIsCreatedReadAndChangedFieldByField() {
        String name = unique("acme");
        HttpResponse<String> created = admin("POST", "/admin/tenants", "{\"name\":" + Json.quote(name)
                + ",\"allowed_models\":[\"sai-model\"],\"requests_per_minute\":60,\"tokens_per_minute\":1000,\"tokens_per_day\":50000,"
                + "\"tokens_per_month\":900000,\"sai_api_key\":\"tenant-SAI-secret-123\"}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        assertThat(created.body()).doesNotContain("tenant-SAI-secret-123");
        JsonNode tenant = Json.parse(created.body());
        String id = tenant.path("id").asText();
        assertThat(id).startsWith("ten_");
        assertThat(tenant.path("object").asText()).isEqualTo("tenant");
        assertThat(tenant.path("name").asText()).isEqualTo(name);
        assertThat(tenant.path("allowed_models")).hasSize(1);
        assertThat(tenant.path("allowed_models").get(0).asText()).isEqualTo("sai-model");
        assertThat(tenant.path("requests_per_minute").asLong()).isEqualTo(60);
        assertThat(tenant.path("tokens_per_minute").asLong()).isEqualTo(1000);
        assertThat(tenant.path("tokens_per_day").asLong()).isEqualTo(50000);
        assertThat(tenant.path("tokens_per_month").asLong()).isEqualTo(900000);
        assertThat(tenant.path("has_sai_api_key").asBoolean()).isTrue();
        assertThat(tenant.has("sai_api_key")).isFalse();
        long now = System.currentTimeMillis() / 1000;
        assertThat(tenant.path("created_at").asLong()).isBetween(now - 60, now + 5);

        HttpResponse<String> read = admin("GET", "/admin/tenants/" + id, null);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(Json.parse(read.body())).isEqualTo(tenant);

        HttpResponse<String> patched = admin("PATCH", "/admin/tenants/" + id, "{\"tokens_per_day\":70000}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        JsonNode changed = Json.parse(patched.body());
        assertThat(changed.path("tokens_per_day").asLong()).isEqualTo(70000);
        assertThat(changed.path("tokens_per_month").asLong()).isEqualTo(900000);
        assertThat(changed.path("name").asText()).isEqualTo(name);
        assertThat(changed.path("allowed_models")).isEqualTo(tenant.path("allowed_models"));
        assertThat(changed.path("has_sai_api_key").asBoolean()).isTrue();

        JsonNode keyRemoved = Json.parse(admin("PATCH", "/admin/tenants/" + id, "{\"sai_api_key\":\"\"}").body());
        assertThat(keyRemoved.path("has_sai_api_key").asBoolean()).isFalse();
        assertThat(Json.parse(admin("GET", "/admin/tenants/" + id, null).body()).path("has_sai_api_key").asBoolean()).isFalse();
    }

    @Test
    void aSecondTenantWithTheSameNameIsAConflict() {
        String name = unique("twin");
        createTenant(name, "{}");

        HttpResponse<String> again = admin("POST", "/admin/tenants", "{\"name\":" + Json.quote(name) + "}");

        var error = OpenAiErrors.assertError(again, 409, "invalid_request_error", "conflict", "name");
        assertThat(error.path("message").asText()).contains(name);
    }

    @Test
    void renamingATenantToATakenNameIsAConflict() {
        String taken = unique("taken");
        createTenant(taken, "{}");
        String id = createTenant(unique("other"), "{}").path("id").asText();

        OpenAiErrors.assertError(admin("PATCH", "/admin/tenants/" + id, "{\"name\":" + Json.quote(taken) + "}"),
                409, "invalid_request_error", "conflict", "name");
    }

    @Test
    void aModelOutsideSaiModelsIsRefusedNamingTheField() {
        HttpResponse<String> response = admin("POST", "/admin/tenants", "{\"name\":" + Json.quote(unique("m"))
                + ",\"allowed_models\":[\"gpt-9\"]}");

        var error = OpenAiErrors.assertError(response, 400, "invalid_request_error", "invalid_value", "allowed_models");
        assertThat(error.path("message").asText()).contains("gpt-9", "sai-model");
    }

    @Test
    void anUnknownTenantIsNotFound() {
        OpenAiErrors.assertError(admin("GET", "/admin/tenants/ten_nope", null), 404, "invalid_request_error", "not_found", "id");
        OpenAiErrors.assertError(admin("PATCH", "/admin/tenants/ten_nope", "{\"name\":\"x\"}"), 404, "invalid_request_error", "not_found", "id");
    }

    @Test
    void tenantsAreListedByNameInPagesAtAnyOffset() {
        String prefix = unique("page");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            names.add(prefix + "-" + i);
            createTenant(prefix + "-" + i, "{}");
        }
        createTenant(unique("unrelated"), "{}");

        JsonNode first = Json.parse(admin("GET", "/admin/tenants?limit=2&name=" + prefix.toUpperCase(), null).body());
        assertThat(first.path("object").asText()).isEqualTo("list");
        assertThat(first.path("total").asLong()).isEqualTo(5);
        assertThat(first.path("limit").asInt()).isEqualTo(2);
        assertThat(first.path("offset").asInt()).isZero();
        assertThat(first.path("has_more").asBoolean()).isTrue();
        assertThat(names(first)).containsExactly(names.get(0), names.get(1));

        assertThat(names(list("/admin/tenants?limit=2&offset=2&name=" + prefix))).containsExactly(names.get(2), names.get(3));
        JsonNode last = list("/admin/tenants?limit=2&offset=4&name=" + prefix);
        assertThat(names(last)).containsExactly(names.get(4));
        assertThat(last.path("has_more").asBoolean()).isFalse();
        // Not a multiple of the limit: the rows from that offset, not the page it falls in.
        assertThat(names(list("/admin/tenants?limit=3&offset=1&name=" + prefix))).containsExactly(names.get(1), names.get(2), names.get(3));
        assertThat(names(list("/admin/tenants?limit=2&offset=9&name=" + prefix))).isEmpty();
        assertThat(list("/admin/tenants?name=" + prefix).path("limit").asInt()).isEqualTo(20);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"limit=0, limit", "limit=101, limit", "limit=abc, limit", "limit=-1, limit", "limit=1.5, limit", "offset=-1, offset",
            "offset=x, offset", "offset=99999999999, offset"})
    void aBadLimitOrOffsetIsRefusedNamingIt(String query, String param) {
        OpenAiErrors.assertError(admin("GET", "/admin/tenants?" + query, null), 400, "invalid_request_error", "invalid_value", param);
        OpenAiErrors.assertError(admin("GET", "/admin/keys?" + query, null), 400, "invalid_request_error", "invalid_value", param);
    }

    // ---- bodies ----

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"name\": |invalid_json|",
            "not json|invalid_json|",
            "{\"name\":\"a\"} {}|invalid_json|",
            "[1,2]|invalid_json|",
            "|invalid_json|",
            "{\"name\":\"a\",\"tokens_per_dya\":5}|invalid_value|tokens_per_dya",
            "{\"name\":\"a\",\"sai_key\":\"x\"}|invalid_value|sai_key",
            "{\"name\":42}|invalid_type|name",
            "{\"name\":\"a\",\"allowed_models\":\"sai-model\"}|invalid_type|allowed_models",
            "{\"name\":\"a\",\"allowed_models\":[1]}|invalid_type|allowed_models[0]",
            "{\"name\":\"a\",\"requests_per_minute\":\"60\"}|invalid_type|requests_per_minute",
            "{\"name\":\"a\",\"requests_per_minute\":1.5}|invalid_type|requests_per_minute",
            "{\"name\":\"a\",\"tokens_per_day\":-1}|invalid_value|tokens_per_day",
            "{\"name\":\"a\",\"tokens_per_month\":1e40}|invalid_value|tokens_per_month",
            // Above one token per nanosecond a limit's bucket cannot be built: every request under it failed.
            "{\"name\":\"a\",\"tokens_per_day\":86400000000001}|invalid_value|tokens_per_day",
            "{\"name\":\"a\",\"tokens_per_month\":2678400000000001}|invalid_value|tokens_per_month",
            "{\"name\":\"a\",\"requests_per_minute\":60000000001}|invalid_value|requests_per_minute",
            "{\"name\":\"a\",\"tokens_per_minute\":60000000001}|invalid_value|tokens_per_minute",
            "{\"name\":\"a\",\"model_budgets\":{\"sai-model\":{\"tokens_per_day\":86400000000001}}}|invalid_value|tokens_per_day",
            "{\"name\":\"a\",\"sai_api_key\":\"bad key\\n\"}|invalid_value|sai_api_key",
            "{}|invalid_value|name"})
    void aBadTenantBodyIsA400NamingTheField(String body, String code, String param) {
        HttpResponse<String> response = admin("POST", "/admin/tenants", body == null ? "" : body);

        OpenAiErrors.assertError(response, 400, "invalid_request_error", code, param == null || param.isEmpty() ? null : param);
    }

    @Test
    void aBodyThatIsNotJsonByContentTypeIs415() {
        HttpResponse<String> response = send(request("POST", "/admin/tenants", "{\"name\":\"a\"}", "Authorization", "Bearer " + ADMIN_KEY)
                .header("Content-Type", "text/plain").build());

        OpenAiErrors.assertError(response, 415, "invalid_request_error", "unsupported_media_type", null);
    }

    // ---- keys ----

    @Test
    void aKeysSecretIsInTheCreateAnswerOnly() {
        String tenant = createTenant(unique("keys"), "{\"allowed_models\":[\"sai-model\",\"claude-sonnet-4-5-20250929\"]}").path("id").asText();
        long expires = System.currentTimeMillis() / 1000 + 86_400;

        HttpResponse<String> created = admin("POST", "/admin/keys", "{\"tenant_id\":\"" + tenant + "\",\"name\":\"ci\",\"owner\":\"ops@example.com\","
                + "\"allowed_models\":[\"sai-model\"],\"requests_per_minute\":10,\"expires_at\":" + expires + "}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode key = Json.parse(created.body());
        String secret = key.path("key").asText();
        assertThat(secret).startsWith("sk-sai-").hasSizeGreaterThan(30);
        assertThat(key.path("id").asText()).startsWith("key_");
        assertThat(key.path("object").asText()).isEqualTo("virtual_key");
        assertThat(key.path("tenant_id").asText()).isEqualTo(tenant);
        assertThat(key.path("name").asText()).isEqualTo("ci");
        assertThat(key.path("owner").asText()).isEqualTo("ops@example.com");
        assertThat(key.path("allowed_models")).hasSize(1);
        assertThat(key.path("requests_per_minute").asLong()).isEqualTo(10);
        assertThat(key.path("expires_at").asLong()).isEqualTo(expires);
        assertThat(key.path("revoked").asBoolean()).isFalse();
        assertThat(secret).startsWith(key.path("key_prefix").asText());
        assertThat(key.path("key_prefix").asText().length()).isLessThan(secret.length() - 16);
        assertThat(key.has("last_used_at")).isTrue();
        assertThat(key.path("last_used_at").isNull()).isTrue();
        String id = key.path("id").asText();

        HttpResponse<String> read = admin("GET", "/admin/keys/" + id, null);
        HttpResponse<String> listed = admin("GET", "/admin/keys?tenant_id=" + tenant, null);
        HttpResponse<String> patched = admin("PATCH", "/admin/keys/" + id, "{\"name\":\"ci-2\"}");
        for (HttpResponse<String> answer : List.of(read, listed, patched)) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).doesNotContain(secret).doesNotContain("\"key\"");
        }
        assertThat(Json.parse(read.body()).path("key_prefix").asText()).isEqualTo(key.path("key_prefix").asText());
        assertThat(Json.parse(patched.body()).path("name").asText()).isEqualTo("ci-2");
        assertThat(Json.parse(patched.body()).path("owner").asText()).isEqualTo("ops@example.com");
        JsonNode page = Json.parse(listed.body());
        assertThat(page.path("total").asLong()).isEqualTo(1);
        assertThat(page.path("data").get(0).path("id").asText()).isEqualTo(id);
        assertThat(logs.lines()).noneSatisfy(line -> assertThat(line.text()).contains(secret));
    }

    @Test
    void revokeMarksTheKeyAndRotateGivesANewSecretUnderTheSameId() {
        String tenant = createTenant(unique("rot"), "{}").path("id").asText();
        JsonNode key = createKey(tenant, "{\"name\":\"svc\"}");
        String id = key.path("id").asText();

        HttpResponse<String> rotated = admin("POST", "/admin/keys/" + id + "/rotate", null);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        JsonNode fresh = Json.parse(rotated.body());
        assertThat(fresh.path("id").asText()).isEqualTo(id);
        assertThat(fresh.path("key").asText()).startsWith("sk-sai-").isNotEqualTo(key.path("key").asText());
        assertThat(fresh.path("key_prefix").asText()).isNotEqualTo(key.path("key_prefix").asText());
        assertThat(fresh.path("name").asText()).isEqualTo("svc");

        HttpResponse<String> revoked = admin("POST", "/admin/keys/" + id + "/revoke", null);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(Json.parse(revoked.body()).path("revoked").asBoolean()).isTrue();
        assertThat(revoked.body()).doesNotContain(fresh.path("key").asText());
        assertThat(Json.parse(admin("GET", "/admin/keys/" + id, null).body()).path("revoked").asBoolean()).isTrue();

        JsonNode restored = Json.parse(admin("PATCH", "/admin/keys/" + id, "{\"revoked\":false}").body());
        assertThat(restored.path("revoked").asBoolean()).isFalse();
    }

    @Test
    void aKeysLimitAboveItsTenantsIsRefusedNamingTheField() {
        String tenant = createTenant(unique("lim"), "{\"tokens_per_day\":1000,\"requests_per_minute\":5}").path("id").asText();

        HttpResponse<String> response = admin("POST", "/admin/keys", "{\"tenant_id\":\"" + tenant + "\",\"name\":\"big\",\"tokens_per_day\":1001}");

        var error = OpenAiErrors.assertError(response, 400, "invalid_request_error", "invalid_value", "tokens_per_day");
        assertThat(error.path("message").asText()).contains("tokens_per_day");

        String id = createKey(tenant, "{\"name\":\"ok\",\"tokens_per_day\":1000}").path("id").asText();
        OpenAiErrors.assertError(admin("PATCH", "/admin/keys/" + id, "{\"requests_per_minute\":6}"),
                400, "invalid_request_error", "invalid_value", "requests_per_minute");
    }

    @Test
    void aKeysModelsAreAmongItsTenants() {
        String tenant = createTenant(unique("km"), "{\"allowed_models\":[\"sai-model\"]}").path("id").asText();

        OpenAiErrors.assertError(admin("POST", "/admin/keys", "{\"tenant_id\":\"" + tenant + "\",\"name\":\"k\","
                + "\"allowed_models\":[\"claude-sonnet-4-5-20250929\"]}"), 400, "invalid_request_error", "invalid_value", "allowed_models");
    }

    @Test
    void keysOfAnUnknownTenantOrAnUnknownKeyAreRefused() {
        OpenAiErrors.assertError(admin("POST", "/admin/keys", "{\"tenant_id\":\"ten_nope\",\"name\":\"k\"}"),
                400, "invalid_request_error", "invalid_value", "tenant_id");
        OpenAiErrors.assertError(admin("POST", "/admin/keys", "{\"name\":\"k\"}"), 400, "invalid_request_error", "invalid_value", "tenant_id");
        for (String[] call : List.of(new String[]{"GET", "/admin/keys/key_nope"}, new String[]{"PATCH", "/admin/keys/key_nope"},
                new String[]{"POST", "/admin/keys/key_nope/revoke"}, new String[]{"POST", "/admin/keys/key_nope/rotate"})) {
            OpenAiErrors.assertError(admin(call[0], call[1], call[0].equals("PATCH") ? "{}" : null), 404, "invalid_request_error", "not_found", "id");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"name\":\"k\",\"revoked\":true}|invalid_value|revoked",
            "{\"name\":\"k\",\"expires_at\":\"tomorrow\"}|invalid_type|expires_at",
            "{\"name\":\"k\",\"expires_at\":-5}|invalid_value|expires_at",
            "{\"name\":\"k\",\"owner\":[]}|invalid_type|owner",
            "{\"name\":\"k\",\"id\":\"key_mine\"}|invalid_value|id"})
    void aBadKeyBodyIsA400NamingTheField(String body, String code, String param) {
        String tenant = createTenant(unique("bad"), "{}").path("id").asText();

        HttpResponse<String> response = admin("POST", "/admin/keys", body.replace("{", "{\"tenant_id\":\"" + tenant + "\","));

        OpenAiErrors.assertError(response, 400, "invalid_request_error", code, param);
    }

    @Test
    void keysAreListedOldestFirstAndByTenant() {
        String a = createTenant(unique("la"), "{}").path("id").asText();
        String b = createTenant(unique("lb"), "{}").path("id").asText();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(createKey(a, "{\"name\":\"k" + i + "\"}").path("id").asText());
        }
        createKey(b, "{\"name\":\"other\"}");

        JsonNode page = list("/admin/keys?tenant_id=" + a + "&limit=2");
        assertThat(page.path("total").asLong()).isEqualTo(3);
        assertThat(page.path("has_more").asBoolean()).isTrue();
        List<String> seen = new ArrayList<>(ids(page));
        seen.addAll(ids(list("/admin/keys?tenant_id=" + a + "&limit=2&offset=2")));
        assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(ids(list("/admin/keys?tenant_id=" + a + "&limit=2&offset=1"))).containsExactlyElementsOf(seen.subList(1, 3));
        assertThat(list("/admin/keys?limit=100").path("total").asLong()).isGreaterThanOrEqualTo(4);
    }

    // ---- the document ----

    @Test
    void theOpenApiDocumentListsTheAdminPathsOnly() throws Exception {
        HttpResponse<String> response = admin("GET", "/admin/openapi.yml", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/yaml"));
        JsonNode document = YAML.readTree(response.body());
        assertThat(document.path("openapi").asText()).startsWith("3.");
        List<String> paths = new ArrayList<>();
        document.path("paths").fieldNames().forEachRemaining(paths::add);
        assertThat(paths).contains("/admin/tenants", "/admin/tenants/{id}", "/admin/keys", "/admin/keys/{id}", "/admin/keys/{id}/revoke",
                "/admin/keys/{id}/rotate", "/admin/usage", "/admin/usage.csv");
        assertThat(paths).as("a path outside /admin: add its package to micronaut.openapi.exclude.packages in app/openapi.properties")
                .allSatisfy(path -> assertThat(path).startsWith("/admin/"));
        assertThat(document.path("paths").path("/admin/tenants").path("post").path("responses").has("201")).isTrue();
        assertThat(document.path("components").path("securitySchemes").path(AdminOpenApi.SCHEME).path("scheme").asText()).isEqualTo("bearer");
        JsonNode tenantSchema = document.path("components").path("schemas").path("Tenant").path("properties");
        assertThat(tenantSchema.has("has_sai_api_key")).isTrue();
        assertThat(tenantSchema.has("sai_api_key")).isFalse();
        assertThat(document.at("/paths/~1admin~1usage.csv/get/responses/200/content").has("text/csv")).isTrue();
        List<String> usageParameters = new ArrayList<>();
        document.at("/paths/~1admin~1usage/get/parameters").forEach(p -> usageParameters.add(p.path("name").asText()));
        assertThat(usageParameters).containsExactly("from", "to", "group_by", "tenant_id", "key_id", "model");
        assertThat(document.at("/components/schemas/UsageRow/properties").has("avg_latency_ms")).isTrue();
    }

    // ---- usage ----

    @Test
    void usageTotalsByKeyAndByDayAreTheRequestsSentAndTheTokensSaiReported() {
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String tenant = createTenant(unique("usage"), "{}").path("id").asText();
        JsonNode first = createKey(tenant, "{\"name\":\"first\"}");
        JsonNode second = createKey(tenant, "{\"name\":\"second\"}");
        String firstId = first.path("id").asText();
        String secondId = second.path("id").asText();
        stubAnswer("ok", 5, 7, "sai-model");
        for (int i = 0; i < 3; i++) {
            assertThat(chatWith(first, "sai-model").statusCode()).isEqualTo(200);
        }
        stubAnswer("ok", 11, 13, "claude-sonnet-4-5-20250929");
        assertThat(chatWith(second, "claude-sonnet-4-5-20250929").statusCode()).isEqualTo(200);
        sai.resetAll();
        sai.stubFor(executeStub().willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(500)));
        assertThat(chatWith(second, "sai-model").statusCode()).isEqualTo(502);

        JsonNode byKey = usageOnceRecorded("/admin/usage?group_by=key&tenant_id=" + tenant, 5);

        assertThat(byKey.path("object").asText()).isEqualTo("list");
        assertThat(byKey.path("group_by")).hasSize(1);
        assertThat(byKey.path("group_by").get(0).asText()).isEqualTo("key");
        Map<String, JsonNode> rows = new HashMap<>();
        byKey.path("data").forEach(row -> rows.put(row.path("key_id").asText(), row));
        assertThat(rows).containsOnlyKeys(firstId, secondId);
        assertThat(ids(byKey, "key_id")).as("sorted by key id").isSorted();
        assertTotals(rows.get(firstId), 3, 0, 15, 21);
        assertTotals(rows.get(secondId), 2, 1, 11, 13);
        for (JsonNode row : rows.values()) {
            assertThat(row.has("day") || row.has("tenant_id") || row.has("model")).as("only the grouped field: " + row).isFalse();
            assertThat(row.path("avg_latency_ms").asLong()).isNotNegative();
            assertThat(row.path("cache_hits").asLong()).isZero();
        }

        JsonNode byDay = list("/admin/usage?group_by=day,tenant&from=" + today + "&to=" + today + "&tenant_id=" + tenant);
        assertThat(byDay.path("data")).as(byDay.toString()).hasSize(1);
        JsonNode day = byDay.path("data").get(0);
        assertThat(day.path("day").asText()).isEqualTo(today);
        assertThat(day.path("tenant_id").asText()).isEqualTo(tenant);
        assertThat(day.has("key_id")).isFalse();
        assertTotals(day, 5, 1, 26, 34);
        long midnight = LocalDate.parse(today).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        assertThat(byDay.path("from").asLong()).isEqualTo(midnight);
        assertThat(byDay.path("to").asLong()).isEqualTo(midnight + 86_400);

        JsonNode byModel = list("/admin/usage?group_by=model,key&key_id=" + secondId);
        assertThat(ids(byModel, "model")).containsExactly("claude-sonnet-4-5-20250929", "sai-model");
        assertTotals(byModel.path("data").get(0), 1, 0, 11, 13);
        assertTotals(byModel.path("data").get(1), 1, 1, 0, 0);
        assertThat(list("/admin/usage?group_by=key&model=sai-model&tenant_id=" + tenant).path("data")).hasSize(2);
    }

    @Test
    void theCsvFileHoldsTheSameTotalsAsTheJson() {
        String tenant = createTenant(unique("csv"), "{}").path("id").asText();
        JsonNode key = createKey(tenant, "{}");
        stubAnswer("ok", 3, 4, "sai-model");
        for (int i = 0; i < 2; i++) {
            assertThat(chatWith(key, "sai-model").statusCode()).isEqualTo(200);
        }
        String query = "?group_by=day,tenant,key,model&tenant_id=" + tenant;
        JsonNode json = usageOnceRecorded("/admin/usage" + query, 2);

        HttpResponse<String> csv = admin("GET", "/admin/usage.csv" + query, null);

        assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
        assertThat(csv.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"usage-" + json.path("from").asLong()
                + "-" + json.path("to").asLong() + ".csv\"");
        assertThat(csv.body()).endsWith("\r\n").doesNotContain("\n\n");
        List<List<String>> read = Rfc4180.parse(csv.body());
        List<String> header = List.of("day", "tenant_id", "key_id", "model", "requests", "errors", "prompt_tokens", "completion_tokens",
                "total_tokens", "cache_hits", "avg_latency_ms", "tokens_saved");
        assertThat(read.get(0)).containsExactlyElementsOf(header);
        assertThat(read).hasSize(1 + json.path("data").size()).hasSize(2);
        for (int i = 1; i < read.size(); i++) {
            JsonNode row = json.path("data").get(i - 1);
            List<String> expected = new ArrayList<>();
            header.forEach(column -> expected.add(row.path(column).asText()));
            assertThat(read.get(i)).containsExactlyElementsOf(expected);
        }
        assertThat(read.get(1).subList(0, 8)).containsExactly(LocalDate.now(ZoneOffset.UTC).toString(), tenant, key.path("id").asText(),
                "sai-model", "2", "0", "6", "8");
    }

    /** A gateway access key's requests have no tenant or key: the group "", not a missing field. */
    @Test
    void requestsWithoutATenantAreTheEmptyGroupAndTheFieldIsStillThere() {
        stubAnswer("ok", 2, 2, "claude-sonnet-4-5-20250929");
        assertThat(postJson("/v1/chat/completions", "{\"model\":\"claude-sonnet-4-5-20250929\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}", "Authorization", "Bearer " + STATIC_KEY).statusCode()).isEqualTo(200);
        assertThat(recorder.flush(Duration.ofSeconds(5))).isTrue();

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode keyless = null;
        while (keyless == null && System.nanoTime() < deadline) {
            for (JsonNode row : list("/admin/usage?group_by=tenant,key&model=claude-sonnet-4-5-20250929").path("data")) {
                if (row.path("tenant_id").isTextual() && row.path("tenant_id").asText().isEmpty()) {
                    keyless = row;
                }
            }
            assertThat(recorder.flush(Duration.ofSeconds(5))).isTrue();
        }

        assertThat(keyless).as("a row with tenant_id \"\"").isNotNull();
        assertThat(keyless.path("key_id").isTextual()).isTrue();
        assertThat(keyless.path("key_id").asText()).isEmpty();
        assertThat(keyless.path("requests").asLong()).isPositive();
    }

    @Test
    void byDefaultTheLast30DaysByDayWithTheRangeInWholeUtcDays() {
        long now = System.currentTimeMillis() / 1000;

        JsonNode answer = list("/admin/usage?tenant_id=ten_none");

        assertThat(answer.path("group_by")).hasSize(1);
        assertThat(answer.path("group_by").get(0).asText()).isEqualTo("day");
        assertThat(answer.path("data")).isEmpty();
        long from = answer.path("from").asLong();
        long to = answer.path("to").asLong();
        assertThat(from % 86_400).isZero();
        assertThat(to % 86_400).isZero();
        assertThat(to).isBetween(now, now + 86_400);
        assertThat(from).isBetween(now - 31 * 86_400L, now - 30 * 86_400L);
        HttpResponse<String> csv = admin("GET", "/admin/usage.csv?tenant_id=ten_none", null);
        assertThat(csv.body()).isEqualTo("day,requests,errors,prompt_tokens,completion_tokens,total_tokens,cache_hits,avg_latency_ms,tokens_saved\r\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"from=yesterday, from", "from=2025-02-30, from", "to=-1, to", "to=1.5, to", "from=2025-03-01&to=2025-02-01, from",
            "from=2024-01-01&to=2025-03-01, from", "group_by=week, group_by", "group_by=day%2C%2Ckey, group_by"})
    void aBadUsageParameterIsA400NamingItOnBothRoutes(String query, String param) {
        for (String path : List.of("/admin/usage?", "/admin/usage.csv?")) {
            HttpResponse<String> response = admin("GET", path + query, null);
            var error = OpenAiErrors.assertError(response, 400, "invalid_request_error", "invalid_value", param);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
            assertThat(error.path("message").asText()).contains(param);
        }
    }

    private HttpResponse<String> chatWith(JsonNode key, String model) {
        return postJson("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "Authorization", "Bearer " + key.path("key").asText());
    }

    /**
     * The answer once it counts {@code requests}: a request's record is handed to the writer when its last byte has
     * left, which can be just after the client read it, so one flush may come too early.
     */
    private JsonNode usageOnceRecorded(String path, long requests) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode answer;
        do {
            assertThat(recorder.flush(Duration.ofSeconds(5))).isTrue();
            answer = list(path);
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

    private static void assertTotals(JsonNode row, long requests, long errors, long prompt, long completion) {
        assertThat(row.path("requests").asLong()).as(row.toString()).isEqualTo(requests);
        assertThat(row.path("errors").asLong()).as(row.toString()).isEqualTo(errors);
        assertThat(row.path("prompt_tokens").asLong()).as(row.toString()).isEqualTo(prompt);
        assertThat(row.path("completion_tokens").asLong()).as(row.toString()).isEqualTo(completion);
        assertThat(row.path("total_tokens").asLong()).as(row.toString()).isEqualTo(prompt + completion);
    }

    static List<String> ids(JsonNode page, String field) {
        List<String> ids = new ArrayList<>();
        page.path("data").forEach(row -> ids.add(row.path(field).asText()));
        return ids;
    }

    static String temporaryDirectory() {
        try {
            return java.nio.file.Files.createTempDirectory("admin-usage").toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- helpers ----

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    JsonNode createTenant(String name, String extraJson) {
        String body = extraJson.equals("{}") ? "{\"name\":" + Json.quote(name) + "}"
                : extraJson.replaceFirst("\\{", "{\"name\":" + Json.quote(name) + ",");
        HttpResponse<String> response = admin("POST", "/admin/tenants", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Json.parse(response.body());
    }

    JsonNode createKey(String tenantId, String extraJson) {
        String body = extraJson.equals("{}") ? "{\"tenant_id\":\"" + tenantId + "\",\"name\":\"k\"}"
                : extraJson.replaceFirst("\\{", "{\"tenant_id\":\"" + tenantId + "\",");
        HttpResponse<String> response = admin("POST", "/admin/keys", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Json.parse(response.body());
    }

    JsonNode list(String path) {
        HttpResponse<String> response = admin("GET", path, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.parse(response.body());
    }

    static List<String> names(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.path("data").forEach(t -> names.add(t.path("name").asText()));
        return names;
    }

    static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("data").forEach(t -> ids.add(t.path("id").asText()));
        return ids;
    }

    HttpResponse<String> admin(String method, String path, String body) {
        return call(method, path, body, "Authorization", "Bearer " + ADMIN_KEY);
    }

    HttpResponse<String> call(String method, String path, String body, String... headers) {
        HttpRequest.Builder builder = request(method, path, body, headers);
        if (body != null) {
            builder.header("Content-Type", "application/json");
        }
        return send(builder.build());
    }

    HttpRequest.Builder request(String method, String path, String body, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl().replaceAll("/$", "") + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }
}
