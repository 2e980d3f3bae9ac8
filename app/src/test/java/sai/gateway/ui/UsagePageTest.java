package sai.gateway.ui;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sai.gateway.admin.Rfc4180;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.usage.UsageExplorer;
import sai.gateway.usage.UsageRecorder;

import javax.sql.DataSource;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The usage explorer as an operator uses it after real traffic from two tenants: each filter narrows the table to
 * the requests it names, the groups are what was ticked, the CSV file is the table cell for cell (a tenant named
 * like a formula comes out guarded), and wrong input or a database that does not answer is the page saying so.
 */
@MicronautTest(transactional = false)
class UsagePageTest extends SaiFakeTest {

    static final String ADMIN_KEY = "ui-admin-" + UUID.randomUUID();
    static final String CLAUDE = "claude-sonnet-4-5-20250929";
    /** A spreadsheet would run this name as a formula. */
    static final String FORMULA = "=cmd";
    static final String BETA = "beta " + UUID.randomUUID().toString().substring(0, 8);

    @Inject
    UsageRecorder recorder;
    @Inject
    UsageExplorer explorer;
    @Inject
    DataSource dataSource;

    private String alpha;
    private String beta;
    private JsonNode alphaKey;
    private JsonNode betaKey;

    @Override
    protected Map<String, String> extraProperties() {
        Map<String, String> properties = UiClient.tenancyProperties(ADMIN_KEY, "ui-usage");
        properties.put("ui.sign-in-attempts-per-minute", "1000");
        properties.put("sai.max-retries", "0");
        return properties;
    }

    @BeforeAll
    void traffic() {
        Instant start = Instant.now();
        UiClient fixtures = new UiClient(baseUrl());
        alpha = fixtures.createTenant(ADMIN_KEY, FORMULA);
        beta = fixtures.createTenant(ADMIN_KEY, BETA);
        alphaKey = fixtures.createKey(ADMIN_KEY, alpha, "alpha-key", "");
        betaKey = fixtures.createKey(ADMIN_KEY, beta, "beta-key", "");

        stubAnswer("ok", 5, 7, "sai-model");
        for (int i = 0; i < 2; i++) {
            assertThat(fixtures.chat(alphaKey, "sai-model").statusCode()).isEqualTo(200);
        }
        stubAnswer("ok", 3, 4, "sai-model");
        assertThat(fixtures.chat(betaKey, "sai-model").statusCode()).isEqualTo(200);
        stubAnswer("ok", 11, 13, CLAUDE);
        assertThat(fixtures.chat(alphaKey, CLAUDE).statusCode()).isEqualTo(200);
        sai.resetAll();
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500).withBody("boom")));
        assertThat(fixtures.chat(betaKey, "sai-model").statusCode()).isEqualTo(502);
        sai.resetAll();

        UiClient.awaitRecorded(recorder, explorer, start.minusSeconds(60), 5);
    }

    /** In English: the gateway's own default language is Spanish. */
    private UiClient operator() {
        return new UiClient(baseUrl()).signedIn(ADMIN_KEY).language("en");
    }

    private String page(String query) {
        HttpResponse<String> response = operator().get("/ui/usage?" + query);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    /** The table's rows without its header. */
    private static List<List<String>> rows(String html) {
        List<List<String>> table = UiHtml.table(html, "usage-table");
        return table.subList(1, table.size());
    }

    @Test
    void byDefaultTheLastDayByDayOverEveryone() {
        String html = page("");

        assertThat(UiHtml.table(html, "usage-table").get(0)).containsExactly("Day (UTC)", "Requests", "Errors", "Tokens in", "Tokens out",
                "Mean latency (ms)", "p95 latency (ms)");
        long requests = rows(html).stream().mapToLong(row -> Long.parseLong(row.get(1))).sum();
        assertThat(requests).isEqualTo(5);
        assertThat(UiHtml.number(html, "stat-requests")).isEqualTo(5);
        assertThat(UiHtml.number(html, "stat-errors")).isEqualTo(1);
        assertThat(html).contains("<input type=\"checkbox\" name=\"group\" id=\"group-day\" value=\"day\" checked=\"checked\">");
    }

    @Test
    void aTenantFilterShowsThatTenantsKeysByNameWithTheirLinks() {
        String html = page("tenant=" + alpha + "&group=key");

        assertThat(rows(html)).hasSize(1);
        List<String> row = rows(html).get(0);
        assertThat(row.subList(0, 6)).containsExactly("alpha-key", alphaKey.path("id").asText(), "3", "0", "21", "27");
        assertThat(UiHtml.linkTo(html, "alpha-key")).hasValue("key?id=" + alphaKey.path("id").asText());
        assertThat(UiHtml.number(html, "stat-tokens-in")).isEqualTo(21);
        assertThat(html).contains("<option value=\"" + alpha + "\" selected=\"selected\">" + FORMULA + "</option>");
    }

    @Test
    void keyModelAndStatusFiltersNarrowTheRows() {
        String key = betaKey.path("id").asText();
        assertThat(UiHtml.number(page("key=" + key + "&group="), "stat-requests")).isEqualTo(2);
        assertThat(UiHtml.number(page("model=" + CLAUDE + "&group="), "stat-requests")).isEqualTo(1);
        assertThat(UiHtml.number(page("model=" + CLAUDE + "&group="), "stat-tokens-out")).isEqualTo(13);
        assertThat(UiHtml.number(page("status=5xx&group="), "stat-requests")).isEqualTo(1);
        assertThat(UiHtml.number(page("status=custom&code=502&group="), "stat-requests")).isEqualTo(1);
        assertThat(UiHtml.number(page("status=502&group="), "stat-requests")).isEqualTo(1);
        assertThat(UiHtml.number(page("status=2xx&key=" + key + "&group="), "stat-requests")).isEqualTo(1);
        assertThat(UiHtml.number(page("surface=chat&group="), "stat-requests")).isEqualTo(5);
        assertThat(page("surface=messages&group=")).contains("No requests match these filters in this range.").doesNotContain("data-chart");

        List<List<String>> byStatus = rows(page("tenant=" + beta + "&group=status"));
        assertThat(byStatus).extracting(row -> row.subList(0, 3)).containsExactly(List.of("200", "1", "0"), List.of("502", "1", "1"));
    }

    @Test
    void groupsAreTheTickedBoxesAndNoBoxIsOneRowOfTotals() {
        String html = page("group=tenant&group=model");

        assertThat(UiHtml.table(html, "usage-table").get(0).subList(0, 4)).containsExactly("Tenant", "Tenant ID", "Model", "Requests");
        List<List<String>> rows = rows(html);
        // Sorted by tenant id, then model: which of the two ids sorts first is the ids' own order.
        List<List<String>> expected = new ArrayList<>(List.of(List.of(FORMULA, alpha, CLAUDE, "1"), List.of(FORMULA, alpha, "sai-model", "2")));
        List<List<String>> betas = List.of(List.of(BETA, beta, "sai-model", "2"));
        if (beta.compareTo(alpha) < 0) {
            expected.addAll(0, betas);
        } else {
            expected.addAll(betas);
        }
        assertThat(rows).extracting(row -> row.subList(0, 4)).containsExactlyElementsOf(expected);
        assertThat(UiHtml.linkTo(html, BETA)).hasValue("tenant?id=" + beta);

        List<List<String>> total = rows(page("group="));
        assertThat(total).hasSize(1);
        assertThat(total.get(0).subList(0, 3)).containsExactly("All requests", "5", "1");
    }

    @Test
    void theChartIsTheFilteredSeries() {
        String html = page("tenant=" + alpha);

        JsonNode chart = UiHtml.chart(html, "chart-usage");
        assertThat(UiHtml.sum(chart, 0)).isEqualTo(3);
        assertThat(UiHtml.sum(chart, 1)).isZero();
        assertThat(UiHtml.sum(chart, 2)).isEqualTo(21 + 27);
        assertThat(chart.path("series").get(2).path("axis").asText()).isEqualTo("y2");
        assertThat(UiHtml.attribute(html, "chart-usage", "aria-label")).hasValueSatisfying(l -> assertThat(l).contains("3 requests", "48 tokens"));
    }

    @Test
    void theCsvFileIsTheTableCellForCellWithTheFormulaGuarded() {
        String query = "group=tenant&group=key&group=model&group=status";
        String html = page(query);
        String href = UiHtml.attribute(html, "download", "href").orElseThrow();
        assertThat(href).startsWith("usage.csv?");

        HttpResponse<String> csv = operator().get("/ui/" + href);

        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
        assertThat(csv.headers().firstValue("Content-Disposition")).hasValueSatisfying(d -> assertThat(d).matches("attachment; filename=\"usage-\\d+-\\d+\\.csv\""));
        List<List<String>> file = Rfc4180.parse(csv.body());
        List<List<String>> table = UiHtml.table(html, "usage-table");
        assertThat(file).hasSize(table.size()).hasSize(1 + 4);
        List<List<String>> unguarded = file.stream().map(row -> row.stream().map(cell -> cell.equals("'" + FORMULA) ? FORMULA : cell).toList()).toList();
        assertThat(unguarded).isEqualTo(table);
        assertThat(file).filteredOn(row -> row.contains(alpha)).allSatisfy(row -> assertThat(row.get(0)).isEqualTo("'" + FORMULA));
        assertThat(csv.body()).contains("'=cmd").doesNotContain("\r\n=cmd");
    }

    @Test
    void moreRowsThanTheLimitSaysSoAndTheFileHasTheSameRows() {
        String html = page("group=key&rows=1");

        assertThat(rows(html)).hasSize(1);
        assertThat(UiHtml.text(html, "more")).hasValueSatisfying(t -> assertThat(t).startsWith("There are more rows than shown: these are the first 1."));
        HttpResponse<String> csv = operator().get("/ui/" + UiHtml.attribute(html, "download", "href").orElseThrow());
        assertThat(Rfc4180.parse(csv.body())).hasSize(2);
        assertThat(page("group=key&rows=5")).doesNotContain("id=\"more\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "status=abc|status|Choose a status from the list, or one code.",
            "status=custom&code=99|code|A status code has three digits, from 100 to 599.",
            "group=week|group|Group by hour, day, tenant, key, model, surface or status only.",
            "surface=fax|surface|Choose one of the surfaces in the list.",
            "rows=0|rows|A whole number from 1 to 1000.",
            "rows=1001|rows|A whole number from 1 to 1000.",
            "range=custom&from=2025-03-02&to=2025-03-01|from|The first day is after the last day.",
            "range=custom&from=2024-01-01&to=2025-03-01|from|At most 400 days at a time.",
            "tenant=%FF|tenant|This is not UTF-8 text.",
            "model=sai-model%00|model|Control characters are not allowed here."})
    void wrongInputIsThePageWithTheMessageByItsFieldAnd400OnBothRoutes(String query, String field, String message) {
        for (String path : List.of("/ui/usage?", "/ui/usage.csv?")) {
            HttpResponse<String> response = operator().get(path + query);

            assertThat(response.statusCode()).as(path).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/html"));
            assertThat(UiHtml.fieldError(response.body(), field)).as(path).hasValue(message);
            assertThat(response.body()).contains("href=\"#" + field + "\"").doesNotContain("id=\"usage-table\"", "id=\"download\"");
        }
    }

    @Test
    void aHugeValueIsA400Page() {
        HttpResponse<String> response = operator().get("/ui/usage?tenant=" + "t".repeat(3000));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(UiHtml.fieldError(response.body(), "tenant")).hasValue("At most 200 characters.");
    }

    @Test
    void thePageAndTheFileSpeakSpanishOrEnglish() {
        UiClient spanish = operator().language("es");
        String html = spanish.get("/ui/usage?group=tenant").body();
        String file = spanish.get("/ui/usage.csv?group=tenant").body();

        assertThat(html).contains("<html lang=\"es\">", "<h1>Uso</h1>", "Agrupar por", "Descargar CSV");
        assertThat(UiHtml.table(html, "usage-table").get(0).subList(0, 3)).containsExactly("Inquilino", "ID del inquilino", "Peticiones");
        assertThat(Rfc4180.parse(file).get(0).subList(0, 3)).containsExactly("Inquilino", "ID del inquilino", "Peticiones");
        assertThat(spanish.get("/ui/usage?rows=0").body()).contains("Un número entero de 1 a 1000.");
        assertThat(operator().get("/ui/usage").body()).contains("<html lang=\"en\">", "<h1>Usage</h1>", "Group by", "Download CSV");
    }

    @Test
    void whenTheDatabaseDoesNotAnswerThePagesSay503AndNameNothingOfIt() throws Exception {
        assertThat(recorder.flush(Duration.ofSeconds(5))).isTrue();
        rename("usage_record", "usage_record_away");
        try {
            for (String path : List.of("/ui/usage?group=key", "/ui/usage.csv?group=key", "/ui/")) {
                HttpResponse<String> response = operator().get(path);

                assertThat(response.statusCode()).as(path).isEqualTo(503);
                assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/html"));
                assertThat(response.body()).as(path).contains("The usage database did not answer")
                        .doesNotContainIgnoringCase("usage_record").doesNotContain("SQL", "Exception");
            }
        } finally {
            rename("usage_record_away", "usage_record");
        }
        assertThat(operator().get("/ui/usage").statusCode()).isEqualTo(200);
    }

    private void rename(String from, String to) throws Exception {
        try (Connection connection = DelegatingDataSource.unwrapDataSource(dataSource).getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE " + from + " RENAME TO " + to);
        }
    }
}
