package sai.gateway.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import sai.gateway.testing.Browser;
import sai.gateway.testing.GatewayProcess;
import sai.gateway.testing.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dashboard in a real browser (Debian's chromium through chromedriver) against the shipped jar in its demo (the
 * built-in SAI simulator), as an operator uses it: signs in (a wrong key first), reads the overview of traffic the
 * official OpenAI SDK sent, creates a tenant and a key in the pages, uses that key with the SDK, finds its usage,
 * revokes it and sees the SDK refused. Every page is free of console errors (a CSP violation is one) and is written
 * to target/ui-screenshots; with -Dui.docs.screenshot=PATH the overview also goes there (the README's picture).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserIT {

    private static final String ADMIN_KEY = "admin-browser-" + UUID.randomUUID();
    private static final Path SHOTS = Path.of("target", "ui-screenshots");

    private GatewayProcess gateway;
    private Browser browser;
    private final List<OpenAIClient> clients = new ArrayList<>();
    private final List<String> secrets = new ArrayList<>();
    private int demoRequests;
    private long demoTokens;

    @BeforeAll
    void start() throws Exception {
        browser = Browser.start(SHOTS).orElse(null);
        Assumptions.assumeTrue(browser != null, Browser.MISSING);
        gateway = GatewayProcess.bare().env("MICRONAUT_ENVIRONMENTS", "demo").env("GATEWAY_ADMIN_KEY", ADMIN_KEY)
                .env("GATEWAY_LOCALE", "en").env("DATA_DIR", Files.createTempDirectory("dashboard-browser-").toString())
                .start().awaitHealthy();
        demoTraffic();
    }

    @AfterAll
    void stop() {
        clients.forEach(OpenAIClient::close);
        if (browser != null) {
            browser.close();
        }
        if (gateway != null) {
            String logged = gateway.output() + String.join("\n", gateway.logFileLines());
            gateway.close();
            assertThat(logged).doesNotContain(ADMIN_KEY);
            secrets.forEach(secret -> assertThat(logged).doesNotContain(secret));
        }
    }

    /** The demo's data: three teams, their keys, and what they asked, a few failures included. */
    private void demoTraffic() throws Exception {
        String[][] teams = {{"data-science", "notebooks", "sai-model"}, {"support-bots", "helpdesk", "claude-sonnet-4-5-20250929"},
                {"platform", "ci-pipeline", "gpt-5.2-2025-12-11"}};
        int round = 0;
        for (String[] team : teams) {
            String tenant = admin("POST", "/admin/tenants", "{\"name\":\"" + team[0] + "\"}").path("id").asText();
            String secret = admin("POST", "/admin/keys", "{\"tenant_id\":\"" + tenant + "\",\"name\":\"" + team[1] + "\"}").path("key").asText();
            secrets.add(secret);
            OpenAIClient sdk = sdk(secret);
            for (int i = 0; i < 4 + 3 * round; i++) {
                ChatCompletion answer = sdk.chat().completions().create(ChatCompletionCreateParams.builder().model(team[2])
                        .addUserMessage("Question " + i + " from " + team[0]).build());
                demoRequests++;
                demoTokens += answer.usage().orElseThrow().totalTokens();
            }
            round++;
        }
        OpenAIClient sdk = sdk(secrets.get(0));
        for (String failing : List.of("[sim:500]", "[sim:too-long]")) {
            assertThatThrownBy(() -> sdk.chat().completions().create(ChatCompletionCreateParams.builder().model("sai-model")
                    .addUserMessage(failing).build())).isInstanceOf(OpenAIServiceException.class);
            demoRequests++;
        }
    }

    @Test
    void anOperatorRunsTheGatewayFromTheDashboard() throws Exception {
        // Signing in: the dashboard sends a stranger to the sign-in page; a wrong key is refused there.
        browser.laptop().open(ui(""));
        browser.waitFor(By.id("key"));
        assertThat(browser.driver().getCurrentUrl()).endsWith("/ui/sign-in");
        shot("sign-in");
        browser.driver().findElement(By.id("key")).sendKeys("not-the-admin-key", Keys.ENTER);
        assertThat(browser.waitFor(By.cssSelector("[role=alert]")).getText()).contains("not the admin key");
        assertThat(browser.cookie("sai_ui_session")).isEmpty();
        // The refusal is a 401, which Chromium reports as a failed load: that line, and nothing else.
        assertThat(browser.consoleErrors()).as("console after the wrong key").singleElement()
                .satisfies(line -> assertThat(line).contains("/ui/sign-in", "status of 401"));

        // The keyboard alone signs in: the field has the focus, Enter submits.
        browser.driver().findElement(By.id("key")).sendKeys(ADMIN_KEY, Keys.ENTER);
        browser.waitFor(By.id("stat-requests"));
        Cookie session = browser.cookie("sai_ui_session").orElseThrow();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        assertThat(session.getValue()).doesNotContain(ADMIN_KEY);
        assertThat((String) browser.driver().executeScript("return document.cookie + JSON.stringify(localStorage) + JSON.stringify(sessionStorage)"))
                .doesNotContain("sai_ui_session").doesNotContain(ADMIN_KEY);
        assertThat(browser.driver().getPageSource()).doesNotContain(ADMIN_KEY);

        // The overview counts exactly what the SDK sent (the usage writer needs a moment), and draws it.
        awaitValue(ui(""), "stat-requests", demoRequests);
        assertThat(value("stat-tokens-in") + value("stat-tokens-out")).isEqualTo(demoTokens);
        assertThat(browser.driver().findElement(By.id("top-tenants")).getText()).contains("data-science", "support-bots", "platform");
        assertThat(browser.driver().findElement(By.id("top-models")).getText()).contains("sai-model", "gpt-5.2-2025-12-11");
        Boolean drawn = browser.waitUntil(d -> d.findElements(By.cssSelector("[data-chart][data-rendered=true] canvas")).size() >= 3);
        assertThat(drawn).as("charts drawn by uPlot").isTrue();
        noConsoleErrors("overview");
        Path overview = browser.fullPageScreenshot("overview");
        String docs = System.getProperty("ui.docs.screenshot", "");
        if (!docs.isBlank()) {
            Files.copy(browser.screenshot("overview-viewport"), Path.of(docs), StandardCopyOption.REPLACE_EXISTING);
        }
        assertThat(overview).isRegularFile();

        // Readable on a phone: nothing wider than the screen.
        browser.phone().open(ui(""));
        browser.waitFor(By.id("stat-requests"));
        assertThat((Boolean) browser.driver().executeScript("return document.documentElement.scrollWidth <= window.innerWidth")).isTrue();
        shot("overview-phone");
        noConsoleErrors("overview on a phone");
        browser.laptop();

        // A tenant and a key, made in the pages.
        browser.open(ui("tenants"));
        WebElement create = browser.waitFor(By.cssSelector("form[action='tenants'][method='post']"));
        create.findElement(By.name("name")).sendKeys("browser-team");
        create.findElement(By.cssSelector("button[type=submit]")).click();
        browser.waitUntil(d -> d.getCurrentUrl().contains("/ui/tenant?id="));
        shot("tenant");
        noConsoleErrors("tenant");
        WebElement newKey = browser.waitFor(By.cssSelector("form[action='keys'][method='post']"));
        newKey.findElement(By.name("name")).sendKeys("browser-key");
        newKey.findElement(By.cssSelector("button[type=submit]")).click();
        String secret = browser.waitFor(By.id("new-key")).getText().strip();
        secrets.add(secret);
        assertThat(secret).startsWith("sk-sai-");
        assertThat(browser.driver().findElements(By.cssSelector("button[data-copy='new-key']"))).hasSize(1);
        shot("new-key");
        noConsoleErrors("new key");

        // The key works with the SDK, and its request shows up in the usage explorer.
        ChatCompletion answer = sdk(secret).chat().completions().create(ChatCompletionCreateParams.builder().model("sai-model")
                .addUserMessage("hello from the browser test").build());
        assertThat(answer.choices().get(0).message().content()).hasValueSatisfying(text -> assertThat(text).contains("hello from the browser test"));
        String keyId = Json.parse(gatewayGet("/v1/me", "Bearer " + secret).body()).path("id").asText();
        awaitValue(ui("usage?key=" + keyId), "stat-requests", 1);
        assertThat(browser.driver().findElement(By.id("usage-table")).getText()).contains("1");
        assertThat(browser.driver().findElement(By.id("download")).getAttribute("href")).contains("usage.csv?").contains(keyId);
        shot("usage");
        noConsoleErrors("usage");

        // Revoked in the page (after the confirmation), refused to the SDK.
        browser.open(ui("key?id=" + keyId));
        WebElement chart = browser.waitFor(By.cssSelector("#key-usage[data-rendered=true]"));
        JsonNode series = Json.parse(chart.getAttribute("data-chart")).path("series");
        long charted = 0;
        for (JsonNode value : series.path(0).path("values")) {
            charted += value.asLong();
        }
        assertThat(series.path(0).path("label").asText()).isEqualTo("Requests");
        assertThat(charted).as("the key's chart counts its one request").isEqualTo(1);
        assertThat(chart.findElements(By.tagName("canvas"))).isNotEmpty();
        shot("key");
        browser.waitFor(By.cssSelector("form[action='key-revoke'] button[type=submit]")).click();
        browser.waitUntil(d -> { d.switchTo().alert().accept(); return true; });
        browser.waitUntil(d -> d.findElements(By.cssSelector("form[action='key-revoke']")).isEmpty());
        noConsoleErrors("revoked key");
        assertThatThrownBy(() -> sdk(secret).chat().completions().create(ChatCompletionCreateParams.builder().model("sai-model")
                .addUserMessage("after the revocation").build())).isInstanceOf(UnauthorizedException.class);

        browser.open(ui("keys"));
        browser.waitFor(By.cssSelector("form[action='keys'][method='post']"));
        assertThat(browser.driver().getPageSource()).contains("browser-key", "helpdesk").doesNotContain(secret);
        shot("keys");
        noConsoleErrors("keys");
        browser.open(ui("tenants"));
        shot("tenants");
        noConsoleErrors("tenants");

        // Spanish on the switch, and back.
        browser.driver().findElement(By.cssSelector("a[lang=es]")).click();
        browser.waitUntil(d -> "es".equals(d.findElement(By.tagName("html")).getAttribute("lang")));
        assertThat(browser.driver().findElement(By.tagName("nav")).getText()).contains("Resumen");
        browser.driver().findElement(By.cssSelector("a[lang=en]")).click();
        browser.waitUntil(d -> "en".equals(d.findElement(By.tagName("html")).getAttribute("lang")));

        // Signing out ends it: the overview is behind the sign-in again.
        browser.driver().findElement(By.cssSelector("form[action='sign-out'] button")).click();
        browser.waitFor(By.id("key"));
        browser.open(ui(""));
        browser.waitFor(By.id("key"));
        assertThat(browser.driver().getCurrentUrl()).endsWith("/ui/sign-in");
        noConsoleErrors("signed out");
    }

    private URI ui(String page) {
        return gateway.uri("/ui/" + page);
    }

    private void shot(String name) {
        browser.screenshot(name);
    }

    private void noConsoleErrors(String page) {
        assertThat(browser.consoleErrors()).as("console errors on " + page).isEmpty();
    }

    private long value(String id) {
        return Long.parseLong(browser.driver().findElement(By.id(id)).getAttribute("value"));
    }

    /** Reloads the page until the number shows: usage rows are written a moment after the answer. */
    private void awaitValue(URI page, String id, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            browser.open(page);
            browser.waitFor(By.id(id));
            if (value(id) == expected || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(value(id)).as(id + " on " + page).isEqualTo(expected);
    }

    private OpenAIClient sdk(String key) {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.uri("/v1").toString()).apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
        clients.add(client);
        return client;
    }

    private JsonNode admin(String method, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = gateway.http().send(HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return Json.parse(response.body());
    }

    private HttpResponse<String> gatewayGet(String path, String authorization) throws IOException, InterruptedException {
        return gateway.http().send(HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", authorization).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
