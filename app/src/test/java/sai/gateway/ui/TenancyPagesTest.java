package sai.gateway.ui;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.Json;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.usage.UsageRecorder;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static sai.gateway.ui.UiClient.location;
import static sai.gateway.ui.UiClient.shown;

/**
 * The tenant and key pages as an operator uses them, over HTTP against the running gateway without a browser: what
 * the pages show after each form, that a new key works and is shown once, that revoking and rotating take effect
 * on the API at once, that a refused form comes back with the problem next to its field, and that a form without
 * the session's token changes nothing.
 */
@MicronautTest(transactional = false)
class TenancyPagesTest extends SaiFakeTest {

    static final String ADMIN_KEY = "adm-" + UUID.randomUUID();
    static final String ENCRYPTION_KEY = Base64.getEncoder().encodeToString(UUID.randomUUID().toString().substring(0, 32).getBytes());
    private static final Pattern NEW_KEY = Pattern.compile("id=\"new-key\"[^>]*>(sk-sai-[^<]+)<");
    private static final Pattern TENANT_ID = Pattern.compile("tenant\\?id=(ten_[a-z0-9]+)");
    private static final Pattern KEY_ID = Pattern.compile("key\\?id=(key_[a-z0-9]+)");
    private static final Pattern LINKED_NAME = Pattern.compile("<a href=\"(?:tenant|key)\\?id=[a-z0-9_]+\">([^<]+)</a>");

    @Inject
    UsageRecorder recorder;

    private UiClient ui;

    @Override
    protected Map<String, String> extraProperties() {
        Map<String, String> properties = UiClient.tenancyProperties(ADMIN_KEY, "ui-pages");
        properties.put("tenancy.encryption-key", ENCRYPTION_KEY);
        properties.put("tenancy.database-url", databaseUrl());
        return properties;
    }

    /** The tenancy.database-url this class runs on: the embedded H2 here (in memory, one per class). */
    protected String databaseUrl() {
        return "jdbc:h2:mem:ui-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    /** In English: the gateway's own default language is Spanish. */
    @BeforeAll
    void signIn() {
        ui = new UiClient(baseUrl()).language("en").signedIn(ADMIN_KEY);
    }

    // ---- tenants ----

    @Test
    void aTenantCreatedInTheFormIsOnItsPageAndInTheList() {
        String name = unique("acme");

        HttpResponse<String> created = ui.submit("/ui/tenants", "name", name, "allowed_models", "sai-model", "requests_per_minute", "60",
                "tokens_per_minute", "", "tokens_per_day", "50000", "tokens_per_month", "900000", "sai_api_key", "tenant-SAI-secret-123");

        assertThat(created.statusCode()).as(shown(created)).isEqualTo(303);
        assertThat(location(created)).matches("tenant\\?id=ten_[a-z0-9]+&done=created");
        HttpResponse<String> page = ui.get("/ui/" + location(created));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<h1>" + name + "</h1>", "Tenant created.", "<data value=\"50000\">", "sai-model")
                .contains("name=\"tokens_per_day\" value=\"50000\"", "set (encrypted)").doesNotContain("tenant-SAI-secret-123");
        assertThat(linkedNames(ui.get("/ui/tenants?q=" + name).body())).containsExactly(name);
    }

    @Test
    void changedLimitsAreShownOnTheTenantsPage() {
        String id = createTenant(unique("edit"), "tokens_per_day", "1000");

        HttpResponse<String> saved = ui.submit("/ui/tenant", "id", id, "name", "edited-" + id, "requests_per_minute", "7",
                "tokens_per_minute", "0", "tokens_per_day", "12345", "tokens_per_month", "", "budget_day.sai-model", "500",
                "budget_month.sai-model", "");

        assertThat(saved.statusCode()).as(shown(saved)).isEqualTo(303);
        assertThat(location(saved)).isEqualTo("tenant?id=" + id + "&done=saved");
        String page = ui.get("/ui/" + location(saved)).body();
        assertThat(page).contains("<h1>edited-" + id + "</h1>", "Changes saved.", "<data value=\"12345\">", "<data value=\"7\">")
                .containsPattern("name=\"budget_day.sai-model\"\\s+value=\"500\"")
                // the per-model budget is a meter of its own, next to the day's and the month's
                .contains("sai-model today");
        assertThat(meters(page)).anySatisfy(meter -> assertThat(meter).contains("max=\"12345\""))
                .anySatisfy(meter -> assertThat(meter).contains("max=\"500\""));
    }

    @Test
    void aRefusedTenantFormComesBackAsTypedWithTheProblemNextToTheField() {
        HttpResponse<String> refused = ui.submit("/ui/tenants", "name", "  ", "tokens_per_day", "777", "tokens_per_month", "lots",
                "sai_api_key", "typed-SAI-secret-456");

        assertThat(refused.statusCode()).as(shown(refused)).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        String page = refused.body();
        assertThat(page).contains("id=\"new-tenant-tokens_per_month-error\"", "Enter 0 or a whole number up to 100,000,000,000,000")
                .contains("aria-describedby=\"new-tenant-tokens_per_month-error\"", "name=\"tokens_per_day\" value=\"777\"",
                        "name=\"tokens_per_month\" value=\"lots\"")
                // a secret typed into a refused form is not sent back in the page
                .doesNotContain("typed-SAI-secret-456");
        assertThat(fieldError(page, "new-tenant-tokens_per_month")).isNotNull();

        // the number fixed, the name is what is left: the rules' own check, in the page's words
        HttpResponse<String> unnamed = ui.submit("/ui/tenants", "name", "", "tokens_per_day", "777");
        assertThat(unnamed.statusCode()).isEqualTo(400);
        assertThat(fieldError(unnamed.body(), "new-tenant-name")).startsWith("Enter a name");
        assertThat(unnamed.body()).contains("aria-describedby=\"new-tenant-name-error\"");
    }

    @Test
    void aSecondTenantOfTheSameNameIsAConflict() {
        String name = unique("twin");
        createTenant(name);

        HttpResponse<String> twin = ui.submit("/ui/tenants", "name", name);

        assertThat(twin.statusCode()).isEqualTo(409);
        assertThat(fieldError(twin.body(), "new-tenant-name")).startsWith("A tenant with this name exists already");
        assertThat(ui.get("/ui/tenants?q=" + name).body()).contains("Showing 1–1 of 1");
    }

    @Test
    void aFormWithoutTheSessionsTokenChangesNothing() {
        String name = unique("forged");

        HttpResponse<String> missing = ui.postPairs("/ui/tenants", "name", name);
        HttpResponse<String> wrong = ui.postPairs("/ui/tenants", "csrf", "x" + ui.csrf(), "name", name);

        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(ui.get("/ui/tenants?q=" + name).body()).contains("Showing 0–0 of 0").doesNotContain(name + "</a>");

        String id = createTenant(unique("guarded"));
        String key = createKeyOn(id, "guarded-key").secret();
        assertThat(ui.postPairs("/ui/key-revoke", "id", keyIdOf(key, id)).statusCode()).isEqualTo(403);
        assertThat(models(key)).isEqualTo(200);
    }

    @Test
    void theTenantListSearchesSortsAndPages() {
        String stem = unique("pg");
        for (String suffix : List.of("b", "a", "c")) {
            createTenant(stem + "-" + suffix);
        }

        String byNameDown = ui.get("/ui/tenants?q=" + stem.toUpperCase() + "&sort=name&dir=desc&limit=2").body();
        assertThat(linkedNames(byNameDown)).containsExactly(stem + "-c", stem + "-b");
        assertThat(byNameDown).contains("Showing 1–2 of 3", "aria-sort=\"descending\"");
        String next = attribute(byNameDown, "rel=\"next\"", "href");
        assertThat(next).isEqualTo("tenants?q=" + stem.toUpperCase() + "&amp;sort=name&amp;dir=desc&amp;limit=2&amp;offset=2");

        String secondPage = ui.get("/ui/" + next.replace("&amp;", "&")).body();
        assertThat(linkedNames(secondPage)).containsExactly(stem + "-a");
        assertThat(secondPage).contains("Showing 3–3 of 3", "rel=\"prev\"").doesNotContain("rel=\"next\"");

        assertThat(linkedNames(ui.get("/ui/tenants?q=" + stem + "&sort=created&dir=asc").body()))
                .containsExactly(stem + "-b", stem + "-a", stem + "-c");
        // a wildcard in the search is a character to find, not a pattern
        assertThat(linkedNames(ui.get("/ui/tenants?q=" + stem.substring(0, 3) + "%25").body())).isEmpty();
    }

    @Test
    void aMissingTenantIsAPageThatSaysSo() {
        HttpResponse<String> missing = ui.get("/ui/tenant?id=ten_nosuch");

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("There is no tenant with that id.", "href=\"tenants\"");
        assertThat(location(ui.get("/ui/tenant"))).isEqualTo("tenants");
    }

    // ---- keys ----

    @Test
    void aNewKeyWorksAndIsShownOnlyInTheAnswerToItsForm() {
        String tenant = createTenant(unique("keys"));

        HttpResponse<String> created = ui.submit("/ui/keys", "tenant_id", tenant, "name", "laptop", "owner", "ana@example.com",
                "allowed_models", "sai-model", "requests_per_minute", "10");

        assertThat(created.statusCode()).as(shown(created)).isEqualTo(200);
        assertThat(created.headers().firstValue("Cache-Control")).hasValue("no-store");
        String secret = secretOf(created.body());
        assertThat(created.body()).contains("data-copy=\"new-key\"", "it will not be shown again");
        assertThat(models(secret)).isEqualTo(200);

        String keyId = keyIdOf(secret, tenant);
        String keyPage = ui.get("/ui/key?id=" + keyId).body();
        assertThat(keyPage).contains("laptop", "ana@example.com").containsPattern("<code>sk-sai-[^<…]+…</code>").doesNotContain(secret);
        assertThat(ui.get("/ui/tenant?id=" + tenant).body()).contains("laptop").doesNotContain(secret);
        assertThat(ui.get("/ui/keys?tenant=" + tenant).body()).contains("laptop").doesNotContain(secret);
    }

    @Test
    void aKeyMadeFromTheTenantsPageIsRefusedThereAboveTheTenantsLimit() {
        String tenant = createTenant(unique("cap"), "requests_per_minute", "5");

        HttpResponse<String> refused = ui.submit("/ui/keys", "tenant_id", tenant, "from_tenant", "1", "name", "big",
                "requests_per_minute", "6");

        assertThat(refused.statusCode()).as(shown(refused)).isEqualTo(400);
        assertThat(refused.body()).contains("<h1>", "name=\"id\" value=\"" + tenant + "\"")
                .contains("id=\"new-key-requests_per_minute\"", "value=\"6\"");
        assertThat(fieldError(refused.body(), "new-key-requests_per_minute")).contains("enter at most 5");
        assertThat(ui.get("/ui/keys?tenant=" + tenant).body()).contains("Showing 0–0 of 0");

        HttpResponse<String> fromList = ui.submit("/ui/keys", "tenant_id", tenant, "name", "big", "requests_per_minute", "6");
        assertThat(fromList.statusCode()).isEqualTo(400);
        assertThat(fieldError(fromList.body(), "new-key-requests_per_minute")).contains("enter at most 5");

        HttpResponse<String> noTenant = ui.submit("/ui/keys", "tenant_id", "", "name", "orphan");
        assertThat(noTenant.statusCode()).isEqualTo(400);
        assertThat(fieldError(noTenant.body(), "new-key-tenant_id")).isEqualTo("Choose the tenant the key belongs to.");
    }

    @Test
    void aChangedKeyShowsItsNewLimitsAndExpiry() {
        String tenant = createTenant(unique("kedit"), "tokens_per_day", "1000");
        String keyId = keyIdOf(createKeyOn(tenant, "before").secret(), tenant);

        HttpResponse<String> saved = ui.submit("/ui/key", "id", keyId, "name", "after", "owner", "", "tokens_per_day", "900",
                "expires_on", "2999-01-31");

        assertThat(saved.statusCode()).as(shown(saved)).isEqualTo(303);
        assertThat(location(saved)).isEqualTo("key?id=" + keyId + "&done=saved");
        String page = ui.get("/ui/" + location(saved)).body();
        assertThat(page).contains("Changes saved.", "<data value=\"900\">", "2999-01-31T00:00:00Z", "name=\"expires_on\" value=\"2999-01-31\"");

        HttpResponse<String> above = ui.submit("/ui/key", "id", keyId, "name", "after", "tokens_per_day", "1001");
        assertThat(above.statusCode()).isEqualTo(400);
        assertThat(fieldError(above.body(), "key-tokens_per_day")).contains("at most 1,000");
        assertThat(ui.get("/ui/key?id=" + keyId).body()).contains("<data value=\"900\">");
    }

    @Test
    void aRevokedKeyIsRefusedByTheApiAtOnce() {
        String tenant = createTenant(unique("rev"));
        String secret = createKeyOn(tenant, "doomed").secret();
        String keyId = keyIdOf(secret, tenant);
        assertThat(models(secret)).isEqualTo(200);
        assertThat(ui.get("/ui/key?id=" + keyId).body()).contains("data-confirm=\"Revoke this key?");

        HttpResponse<String> revoked = ui.submit("/ui/key-revoke", "id", keyId);

        assertThat(revoked.statusCode()).isEqualTo(303);
        assertThat(location(revoked)).isEqualTo("key?id=" + keyId + "&done=revoked");
        assertThat(models(secret)).isEqualTo(401);
        assertThat(ui.get("/ui/" + location(revoked)).body()).contains("Key revoked", "badge bad\">revoked<").doesNotContain("action=\"key-revoke\"");
    }

    @Test
    void aRotatedKeyReplacesTheOldOneAtOnce() {
        String tenant = createTenant(unique("rot"));
        String old = createKeyOn(tenant, "turning").secret();
        String keyId = keyIdOf(old, tenant);

        HttpResponse<String> rotated = ui.submit("/ui/key-rotate", "id", keyId);

        assertThat(rotated.statusCode()).as(shown(rotated)).isEqualTo(200);
        assertThat(rotated.headers().firstValue("Cache-Control")).hasValue("no-store");
        String fresh = secretOf(rotated.body());
        assertThat(fresh).isNotEqualTo(old);
        assertThat(models(old)).isEqualTo(401);
        assertThat(models(fresh)).isEqualTo(200);
        assertThat(ui.get("/ui/key?id=" + keyId).body()).doesNotContain(fresh).doesNotContain(old);
    }

    @Test
    void theKeyListFiltersByTextTenantAndStatus() {
        String tenant = createTenant(unique("flt"));
        String other = createTenant(unique("flt-other"));
        String stem = unique("k");
        String kept = keyIdOf(createKeyOn(tenant, stem + "-kept", "owner", "team-" + stem).secret(), tenant);
        String revoked = keyIdOf(createKeyOn(tenant, stem + "-gone").secret(), tenant);
        String expired = keyIdOf(createKeyOn(tenant, stem + "-old", "expires_on", "2001-01-01").secret(), tenant);
        createKeyOn(other, stem + "-elsewhere");
        ui.submit("/ui/key-revoke", "id", revoked);

        assertThat(keyNames("/ui/keys?q=" + stem + "&sort=name&dir=asc"))
                .containsExactly(stem + "-elsewhere", stem + "-gone", stem + "-kept", stem + "-old");
        assertThat(keyNames("/ui/keys?q=" + stem + "&tenant=" + tenant + "&sort=name&dir=asc"))
                .containsExactly(stem + "-gone", stem + "-kept", stem + "-old");
        assertThat(keyNames("/ui/keys?tenant=" + tenant + "&status=revoked")).containsExactly(stem + "-gone");
        assertThat(keyNames("/ui/keys?tenant=" + tenant + "&status=expired")).containsExactly(stem + "-old");
        assertThat(keyNames("/ui/keys?tenant=" + tenant + "&status=active")).containsExactly(stem + "-kept");
        assertThat(keyNames("/ui/keys?q=TEAM-" + stem)).containsExactly(stem + "-kept");
        assertThat(ui.get("/ui/key?id=" + expired).body()).contains("badge bad\">expired<");
        assertThat(ui.get("/ui/key?id=" + kept).body()).contains("badge ok\">active<");

        String firstPage = ui.get("/ui/keys?q=" + stem + "&sort=created&dir=asc&limit=3").body();
        assertThat(linkedKeyNames(firstPage)).containsExactly(stem + "-kept", stem + "-gone", stem + "-old");
        assertThat(firstPage).contains("Showing 1–3 of 4");
        String next = attribute(firstPage, "rel=\"next\"", "href").replace("&amp;", "&");
        assertThat(linkedKeyNames(ui.get("/ui/" + next).body())).containsExactly(stem + "-elsewhere");
    }

    @Test
    void theBudgetsUsedAreMetersOfTodaysTokens() {
        String tenant = createTenant(unique("use"), "tokens_per_day", "1000");
        String secret = createKeyOn(tenant, "busy", "tokens_per_day", "100").secret();
        String keyId = keyIdOf(secret, tenant);
        stubAnswer("hello", 30, 12, "sai-model");

        var answer = postJson("/v1/chat/completions", chat("hi"), "Authorization", "Bearer " + secret);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

        String page = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && !page.contains("<data value=\"42\">")) {
            recorder.flush(Duration.ofSeconds(2));
            page = ui.get("/ui/key?id=" + keyId).body();
        }
        assertThat(page).contains("<data value=\"42\">42</data> / <data value=\"100\">100</data>");
        assertThat(meters(page)).anySatisfy(meter -> assertThat(meter).contains("max=\"100\"", "value=\"42\""));
        assertThat(page).containsPattern("<time datetime=\"\\d{4}-\\d{2}-\\d{2}T00:00:00Z\">");
        assertThat(ui.get("/ui/tenant?id=" + tenant).body()).contains("<data value=\"42\">42</data> / <data value=\"1000\">1000</data>");
        // The key's chart: its last week per hour, the one request in it (requests first, then tokens in and out).
        java.util.regex.Matcher chart = java.util.regex.Pattern.compile("id=\"key-usage\"[^>]*data-chart=\"([^\"]+)\"").matcher(page);
        assertThat(chart.find()).as("the key's usage chart").isTrue();
        com.fasterxml.jackson.databind.JsonNode data = Json.parse(chart.group(1).replace("&quot;", "\""));
        assertThat(data.path("x").size()).isBetween(168, 170);
        assertThat(sum(data.at("/series/0/values"))).isEqualTo(1);
        assertThat(sum(data.at("/series/1/values"))).isEqualTo(30);
        assertThat(sum(data.at("/series/2/values"))).isEqualTo(12);
    }

    @Test
    void thePagesSpeakTheChosenLanguage() {
        String tenant = createTenant(unique("lang"));
        UiClient es = new UiClient(baseUrl()).language("es").signedIn(ADMIN_KEY);
        String tenants = es.get("/ui/tenants").body();
        assertThat(tenants).contains("lang=\"es\"", "<h1>Inquilinos</h1>", "Nuevo inquilino", "Peticiones por minuto");
        assertThat(es.get("/ui/keys").body()).contains("<h1>Claves</h1>", "Nueva clave", "Todos los inquilinos");
        assertThat(es.get("/ui/tenant?id=" + tenant).body()).contains("Presupuesto consumido", "Nueva clave para este inquilino");
        HttpResponse<String> refused = es.submit("/ui/tenants", "name", "", "tokens_per_day", "x");
        assertThat(fieldError(refused.body(), "new-tenant-tokens_per_day")).startsWith("Escribe 0 o un número entero");
        String english = ui.get("/ui/tenants").body();
        assertThat(english).contains("lang=\"en\"", "<h1>Tenants</h1>", "New tenant", "Requests per minute");
        assertThat(ui.get("/ui/keys").body()).contains("<h1>Keys</h1>", "New key", "All tenants");
    }

    // ---- helpers ----

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a tenant through its form; {@code fields}: more name/value pairs. Answers its id. */
    String createTenant(String name, String... fields) {
        List<String> pairs = new ArrayList<>(List.of("name", name));
        pairs.addAll(List.of(fields));
        HttpResponse<String> created = ui.submit("/ui/tenants", pairs.toArray(String[]::new));
        assertThat(created.statusCode()).as(shown(created)).isEqualTo(303);
        Matcher id = TENANT_ID.matcher(location(created));
        assertThat(id.find()).isTrue();
        return id.group(1);
    }

    record Issued(String secret) {
    }

    Issued createKeyOn(String tenant, String name, String... fields) {
        List<String> pairs = new ArrayList<>(List.of("tenant_id", tenant, "name", name));
        pairs.addAll(List.of(fields));
        HttpResponse<String> created = ui.submit("/ui/keys", pairs.toArray(String[]::new));
        assertThat(created.statusCode()).as(shown(created)).isEqualTo(200);
        return new Issued(secretOf(created.body()));
    }

    static String secretOf(String page) {
        Matcher secret = NEW_KEY.matcher(page);
        assertThat(secret.find()).as("the new key in the page").isTrue();
        return secret.group(1);
    }

    /** The id of the key whose secret starts with the prefix its tenant's page lists it by. */
    String keyIdOf(String secret, String tenant) {
        String page = ui.get("/ui/keys?tenant=" + tenant + "&limit=100").body();
        for (String row : page.split("<tr")) {
            Matcher id = KEY_ID.matcher(row);
            Matcher prefix = Pattern.compile("<code>([^<…]+)…</code>").matcher(row);
            if (id.find() && prefix.find() && secret.startsWith(prefix.group(1))) {
                return id.group(1);
            }
        }
        throw new AssertionError("no key of " + tenant + " has the prefix of the new secret");
    }

    int models(String secret) {
        return get("/v1/models", "Authorization", "Bearer " + secret).statusCode();
    }

    List<String> keyNames(String path) {
        return linkedKeyNames(ui.get(path).body());
    }

    /** The names linked to key pages in a list, in the order shown. */
    static List<String> linkedKeyNames(String page) {
        List<String> names = new ArrayList<>();
        Matcher link = Pattern.compile("<a href=\"key\\?id=[a-z0-9_]+\">([^<]+)</a>").matcher(page);
        while (link.find()) {
            names.add(link.group(1));
        }
        return names;
    }

    /** The names linked to tenant or key pages in a list's table body, in the order shown. */
    static List<String> linkedNames(String page) {
        List<String> names = new ArrayList<>();
        int body = page.indexOf("<tbody>");
        Matcher link = LINKED_NAME.matcher(body < 0 ? "" : page.substring(body, page.indexOf("</tbody>", body)));
        while (link.find()) {
            names.add(link.group(1));
        }
        return names;
    }

    /** The text of the problem shown for the field with this id, which must name it in aria-describedby and be an alert. */
    static String fieldError(String page, String fieldId) {
        Matcher error = Pattern.compile("<p class=\"field-error\" role=\"alert\" id=\"" + Pattern.quote(fieldId) + "-error\">([^<]*)</p>")
                .matcher(page);
        assertThat(error.find()).as("an error shown for " + fieldId).isTrue();
        assertThat(page).contains("aria-describedby=\"" + fieldId + "-error\"");
        return error.group(1).replace("&#39;", "'");
    }

    static List<String> meters(String page) {
        List<String> meters = new ArrayList<>();
        Matcher meter = Pattern.compile("<meter[^>]*>").matcher(page);
        while (meter.find()) {
            meters.add(meter.group());
        }
        return meters;
    }

    /** An attribute of the first element whose start tag contains {@code marker}. */
    static String attribute(String page, String marker, String name) {
        int at = page.indexOf(marker);
        assertThat(at).as(marker).isNotNegative();
        int start = page.lastIndexOf('<', at);
        String tag = page.substring(start, page.indexOf('>', at));
        Matcher value = Pattern.compile(name + "=\"([^\"]*)\"").matcher(tag);
        assertThat(value.find()).as(name + " in " + tag).isTrue();
        return value.group(1);
    }

    private static long sum(com.fasterxml.jackson.databind.JsonNode values) {
        long total = 0;
        for (com.fasterxml.jackson.databind.JsonNode value : values) {
            total += value.asLong();
        }
        return total;
    }
}
