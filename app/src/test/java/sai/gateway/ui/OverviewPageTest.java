package sai.gateway.ui;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.usage.UsageExplorer;
import sai.gateway.usage.UsageRecorder;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The overview as an operator sees it after real traffic: a tenant's keys sent chats (answered, refused by SAI with
 * a 429, timed out, refused by the gateway), and the page's totals, charts, top lists and error mix say exactly
 * that. The traffic is sent once for the class; the tests only read, except the last, whose held stream adds a row.
 */
@MicronautTest(transactional = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OverviewPageTest extends SaiFakeTest {

    static final String ADMIN_KEY = "ui-admin-" + UUID.randomUUID();
    static final String TENANT = "Acme " + UUID.randomUUID().toString().substring(0, 8);
    static final String CLAUDE = "claude-sonnet-4-5-20250929";

    @Inject
    UsageRecorder recorder;
    @Inject
    UsageExplorer explorer;

    private String tenantId;
    private JsonNode ci;
    private JsonNode batch;
    private Instant start;

    @Override
    protected Map<String, String> extraProperties() {
        Map<String, String> properties = UiClient.tenancyProperties(ADMIN_KEY, "ui-overview");
        properties.put("ui.sign-in-attempts-per-minute", "1000");
        // A timeout the test can wait out, long enough for the held stream below to be seen on the page; no retries.
        properties.put("sai.request-timeout-seconds", "4");
        properties.put("sai.max-retries", "0");
        return properties;
    }

    @BeforeAll
    void traffic() {
        start = Instant.now();
        UiClient fixtures = new UiClient(baseUrl());
        tenantId = fixtures.createTenant(ADMIN_KEY, TENANT);
        ci = fixtures.createKey(ADMIN_KEY, tenantId, "ci", "");
        batch = fixtures.createKey(ADMIN_KEY, tenantId, "batch", "");
        JsonNode narrow = fixtures.createKey(ADMIN_KEY, tenantId, "narrow", ",\"allowed_models\":[\"sai-model\"]");

        stubAnswer("ok", 5, 7, "sai-model");
        for (int i = 0; i < 3; i++) {
            assertThat(fixtures.chat(ci, "sai-model").statusCode()).isEqualTo(200);
        }
        stubAnswer("ok", 11, 13, CLAUDE);
        assertThat(fixtures.chat(batch, CLAUDE).statusCode()).isEqualTo(200);
        sai.resetAll();
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(429).withBody("slow down")));
        assertThat(fixtures.chat(batch, "sai-model").statusCode()).isEqualTo(429);
        sai.resetAll();
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withFixedDelay(6_000).withBody("late")));
        assertThat(fixtures.chat(batch, "sai-model").statusCode()).isEqualTo(504);
        sai.resetAll();
        // The gateway's own refusal: a model the key may not use, before any SAI call.
        assertThat(fixtures.chat(narrow, CLAUDE).statusCode()).isEqualTo(403);

        UiClient.awaitRecorded(recorder, explorer, start.minusSeconds(60), 7);
    }

    /** In English: the gateway's own default language is Spanish. */
    private UiClient operator() {
        return new UiClient(baseUrl()).signedIn(ADMIN_KEY).language("en");
    }

    @Test
    void theHeadlineNumbersAreTheRequestsSentAndTheTokensSaiReported() {
        HttpResponse<String> page = operator().get("/ui/");

        assertThat(page.statusCode()).isEqualTo(200);
        String html = page.body();
        assertThat(UiHtml.number(html, "stat-requests")).isEqualTo(7);
        assertThat(UiHtml.number(html, "stat-tokens-in")).isEqualTo(3 * 5 + 11);
        assertThat(UiHtml.number(html, "stat-tokens-out")).isEqualTo(3 * 7 + 13);
        assertThat(UiHtml.decimal(html, "stat-error-rate")).isCloseTo(3.0 / 7, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(UiHtml.number(html, "stat-p95")).isGreaterThanOrEqualTo(UiHtml.number(html, "stat-p50"));
        // The timed-out request waited the 4 s timeout: the slowest of the seven, so p95 is at least that.
        assertThat(UiHtml.number(html, "stat-p95")).isGreaterThanOrEqualTo(4_000);
        assertThat(html).doesNotContain("id=\"empty\"");
        // No answer came from the response cache (it is off here): no cache numbers.
        assertThat(html).doesNotContain("stat-cache-hits").doesNotContain("stat-tokens-saved");
        assertThat(UiHtml.attribute(html, "range", "data-range")).hasValue("range-custom");
        assertThat(html).contains("<option value=\"24h\" selected=\"selected\">");
    }

    @Test
    void theChartsCarryEveryBucketAndAddUpToTheTotals() {
        String html = operator().get("/ui/").body();

        JsonNode requests = UiHtml.chart(html, "chart-requests");
        JsonNode tokens = UiHtml.chart(html, "chart-tokens");
        JsonNode latency = UiHtml.chart(html, "chart-latency");
        // The last day in 15-minute buckets, widened to whole buckets: 96 or 97 points, every one present.
        assertThat(requests.path("x").size()).isBetween(96, 97);
        for (int i = 1; i < requests.path("x").size(); i++) {
            assertThat(requests.path("x").get(i).asLong() - requests.path("x").get(i - 1).asLong()).isEqualTo(900);
        }
        assertThat(UiHtml.sum(requests, 0)).isEqualTo(7);
        assertThat(UiHtml.sum(requests, 1)).isEqualTo(3);
        assertThat(UiHtml.sum(tokens, 0)).isEqualTo(26);
        assertThat(UiHtml.sum(tokens, 1)).isEqualTo(34);
        assertThat(requests.path("series").get(0).path("label").asText()).isEqualTo("Requests");
        assertThat(latency.path("series").get(1).path("label").asText()).isEqualTo("Latency p95");
        // Buckets without requests have no latency: a gap (null), not a zero.
        assertThat(latency.path("series").get(0).path("values")).anySatisfy(v -> assertThat(v.isNull()).isTrue());
        assertThat(UiHtml.attribute(html, "chart-requests", "role")).hasValue("img");
        assertThat(UiHtml.attribute(html, "chart-requests", "aria-label")).hasValueSatisfying(label -> assertThat(label).contains("7 requests", "3 of them failed"));
        // The same numbers as a table: the points, bucket by bucket.
        List<List<String>> points = UiHtml.table(html, "points-table");
        assertThat(points).hasSize(1 + requests.path("x").size());
        assertThat(points.stream().skip(1).mapToLong(row -> Long.parseLong(row.get(1))).sum()).isEqualTo(7);
    }

    @Test
    void theTopListsNameTheTenantTheKeysAndTheModelsAndLinkToThem() {
        String html = operator().get("/ui/").body();

        List<List<String>> tenants = UiHtml.table(html, "top-tenants");
        assertThat(tenants.get(1).subList(0, 3)).containsExactly(TENANT, "7", "60");
        assertThat(UiHtml.linkTo(html, TENANT)).hasValue("tenant?id=" + tenantId);

        List<List<String>> keys = UiHtml.table(html, "top-keys");
        assertThat(keys).hasSize(1 + 3);
        // Each key with its tenant's name under it: keys of two tenants may share a name.
        assertThat(keys.get(1).subList(0, 3)).containsExactly("ci " + TENANT, "3", "36");
        assertThat(keys.get(2).subList(0, 3)).containsExactly("batch " + TENANT, "3", "24");
        assertThat(keys.get(3).subList(0, 3)).containsExactly("narrow " + TENANT, "1", "0");
        assertThat(html).contains("title=\"15 in, 21 out\"");
        assertThat(UiHtml.linkTo(html, "ci")).hasValue("key?id=" + ci.path("id").asText());

        List<List<String>> models = UiHtml.table(html, "top-models");
        assertThat(models.get(1).subList(0, 3)).containsExactly("sai-model", "5", "36");
        assertThat(models.get(2).subList(0, 3)).containsExactly(CLAUDE, "2", "24");
        assertThat(UiHtml.linkTo(html, CLAUDE)).hasValue("usage?model=" + CLAUDE + "&range=24h");
    }

    @Test
    void theErrorMixTellsSaisFailuresFromTheGatewaysRefusals() {
        String html = operator().get("/ui/").body();

        assertThat(UiHtml.number(html, "mix-sai")).isEqualTo(2);
        assertThat(UiHtml.number(html, "mix-sai_rate_limit")).isEqualTo(1);
        assertThat(UiHtml.number(html, "mix-sai_timeout")).isEqualTo(1);
        assertThat(UiHtml.number(html, "mix-sai_unavailable")).isZero();
        assertThat(UiHtml.number(html, "mix-sai_error")).isZero();
        assertThat(UiHtml.number(html, "mix-gateway")).isEqualTo(1);
        assertThat(UiHtml.number(html, "mix-client_error")).isEqualTo(1);
        assertThat(UiHtml.number(html, "mix-gateway_limit")).isZero();
        List<List<String>> codes = UiHtml.table(html, "mix-codes");
        assertThat(codes.subList(1, codes.size())).extracting(row -> row.get(0))
                .containsExactlyInAnyOrder("rate_limit_exceeded", "upstream_timeout", "model_not_allowed");
    }

    @Test
    void aRangeWithoutRequestsSaysSoInsteadOfDrawingEmptyCharts() {
        HttpResponse<String> page = operator().get("/ui/?range=custom&from=2001-01-01&to=2001-01-31");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(UiHtml.text(page.body(), "empty")).hasValue("No requests in this range yet. Once clients call the gateway, their traffic shows here.");
        assertThat(page.body()).doesNotContain("data-chart", "top-tenants");
        assertThat(UiHtml.number(page.body(), "stat-requests")).isZero();
        assertThat(page.body()).contains("value=\"2001-01-01\"", "value=\"2001-01-31\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "range=custom&from=2025-03-02&to=2025-03-01|from|The first day is after the last day.",
            "range=custom&from=2024-01-01&to=2025-03-01|from|At most 400 days at a time.",
            "range=custom&from=2025-02-30&to=2025-03-01|from|Write a date as YYYY-MM-DD, from 2000-01-01 to 9999-12-30.",
            "range=custom&from=2025-03-01|to|Give a date (YYYY-MM-DD).",
            "range=forever|range|Choose one of the ranges in the list.",
            "range=custom&from=%FF%FE&to=2025-03-01|from|This is not UTF-8 text.",
            "range=custom&from=2025-03-01&to=2025-03-01%0A|to|Control characters are not allowed here."})
    void aWrongRangeIsThePageWithTheMessageByItsFieldAnd400(String query, String field, String message) {
        HttpResponse<String> page = operator().get("/ui/?" + query);

        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/html"));
        assertThat(UiHtml.fieldError(page.body(), field)).hasValue(message);
        assertThat(UiHtml.attribute(page.body(), field, "aria-invalid")).hasValue("true");
        assertThat(UiHtml.attribute(page.body(), field, "aria-describedby")).hasValue(field + "-error");
        assertThat(page.body()).contains("class=\"alert error\"").doesNotContain("stat-requests");
    }

    @Test
    void aHugeValueIsA400PageToo() {
        HttpResponse<String> huge = operator().get("/ui/?range=custom&from=" + "9".repeat(3000) + "&to=2025-01-01");

        assertThat(huge.statusCode()).isEqualTo(400);
        assertThat(UiHtml.fieldError(huge.body(), "from")).hasValue("At most 200 characters.");
        // The field is not given the value back; the message says what was wrong with it.
        assertThat(UiHtml.attribute(huge.body(), "from", "value")).hasValue("");
    }

    @Test
    void thePageSpeaksSpanishOrEnglishAsTheLanguageCookieSays() {
        String spanish = operator().language("es").get("/ui/").body();
        String english = operator().language("en").get("/ui/").body();

        assertThat(spanish).contains("<html lang=\"es\">", "Peticiones", "Esta réplica, ahora", "Inquilinos con más tokens", "Límites de SAI (429)");
        assertThat(english).contains("<html lang=\"en\">", "Requests", "This replica, now", "Top tenants by tokens", "SAI rate limits (429)");
        assertThat(UiHtml.chart(spanish, "chart-tokens").path("series").get(0).path("label").asText()).isEqualTo("Tokens de entrada");
        assertThat(UiHtml.attribute(spanish, "chart-requests", "aria-label")).hasValueSatisfying(label -> assertThat(label).contains("7 peticiones"));
    }

    /** Last: its stream's usage row would change the totals the other tests read. */
    @Test
    @Order(Integer.MAX_VALUE)
    void theReplicasInFlightRequestsAndOpenStreamsAreTheOnesItIsServingNow() throws Exception {
        UiClient operator = operator();
        assertThat(UiHtml.number(operator.get("/ui/").body(), "replica-open-streams")).isZero();
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withFixedDelay(2_500).withHeader("Content-Type", "text/plain")
                .withHeader("prompttokens", "1").withHeader("completiontokens", "1").withBody("late")));
        HttpRequest held = HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + ci.path("key").asText())
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"sai-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
        CompletableFuture<HttpResponse<String>> stream = http.sendAsync(held, HttpResponse.BodyHandlers.ofString());

        String seen = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < deadline) {
            String html = operator.get("/ui/").body();
            if (UiHtml.number(html, "replica-open-streams") == 1) {
                seen = html;
                break;
            }
        }

        assertThat(seen).as("the page while the stream waits for SAI").isNotNull();
        // The stream, and this page's own request.
        assertThat(UiHtml.number(seen, "replica-in-flight")).isGreaterThanOrEqualTo(2);
        assertThat(seen).contains("This replica, now", "Counted by the replica that answered this page");
        assertThat(stream.get().statusCode()).isEqualTo(200);
    }
}
