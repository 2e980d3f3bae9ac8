package sai.gateway.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.logging.LogEntry;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard's browser tests stand on this harness: what it reports of the console, cookies, screenshots,
 * outbound traffic and its own processes is what Chromium did, against pages served here on loopback.
 */
class BrowserTest {

    private static final String ICON = "<link rel=\"icon\" href=\"data:,\">";
    private static final String VIEWPORT = "<meta name=\"viewport\" content=\"width=device-width\">";

    private static HttpServer server;
    private static URI base;
    private static Browser shared;

    @TempDir
    static Path screenshots;

    @BeforeAll
    static void serveAndStart() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", BrowserTest::serve);
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        shared = Browser.start(screenshots).orElse(null);
    }

    @AfterAll
    static void stop() {
        if (shared != null) {
            shared.close();
        }
        server.stop(0);
    }

    /** The shared browser at the laptop size with an empty console; the test skips where there is none. */
    private static Browser browser() {
        assumeTrue(shared != null, Browser.MISSING);
        shared.laptop();
        shared.console();
        return shared;
    }

    @Test
    void aConsoleErrorCspViolationsAndAFailedLoadAreReportedOnceEach() {
        Browser browser = browser();
        browser.open(base.resolve("console-error"));
        browser.waitForText(By.id("state"), "script ran");
        List<String> first = browser.consoleErrors();
        assertThat(first).hasSize(1);
        assertThat(first.get(0)).contains("/console-error").contains("\"boom from the page\"");
        assertThat(browser.consoleErrors()).as("entries already returned are not returned again").isEmpty();

        browser.open(base.resolve("csp-blocked"));
        browser.waitForText(By.id("self"), "self script ran");
        // What a user sees: the inline script did not run, the one from 'self' did.
        assertThat(browser.driver().findElement(By.id("state")).getText()).isEqualTo("static");
        List<String> csp = browser.consoleErrors();
        assertThat(csp).hasSize(1);
        assertThat(csp.get(0)).contains("/csp-blocked").contains("Content Security Policy").contains("script-src 'self'");

        browser.open(base.resolve("csp-report-only"));
        browser.waitForText(By.id("state"), "inline ran");
        assertThat(browser.consoleErrors()).as("a report-only violation counts too").singleElement().asString()
                .contains("/csp-report-only").contains("Content Security Policy").contains("report-only");

        browser.open(base.resolve("missing-image"));
        assertThat(browser.consoleErrors()).singleElement().asString()
                .contains("/nope.png").contains("Failed to load resource").contains("404");
    }

    @Test
    void warningsAndLogsAreInTheConsoleButNotErrors() {
        Browser browser = browser();
        browser.open(base.resolve("chatty"));
        browser.waitForText(By.id("state"), "script ran");
        List<LogEntry> console = browser.console();
        assertThat(console).extracting(entry -> entry.getLevel().getName() + " " + entry.getMessage().replaceAll("^\\S+ \\S+ ", ""))
                .containsExactly("WARNING \"careful\"", "INFO \"just saying\" 42");
        browser.open(base.resolve("chatty"));
        browser.waitForText(By.id("state"), "script ran");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void aCleanPageUnderCspReportsNoErrors() {
        Browser browser = browser();
        browser.open(base.resolve("clean"));
        browser.waitForText(By.id("self"), "self script ran");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void aPageWithoutAFaviconReportsTheFaviconsNotFound() {
        Browser browser = browser();
        // Chromium asks for /favicon.ico itself and logs its 404 as an error: a page must declare or serve one.
        browser.open(base.resolve("no-icon"));
        browser.waitForText(By.id("state"), "script ran");
        // The favicon is asked for after the page's load: wait for its entry.
        List<String> errors = browser.waitUntil(driver -> {
            List<String> now = browser.consoleErrors();
            return now.isEmpty() ? null : now;
        });
        assertThat(errors).singleElement().asString().contains("/favicon.ico").contains("404");
    }

    @Test
    void aSessionCookieIsReadWithItsHttpOnlySecureAndSameSiteFlags() {
        Browser browser = browser();
        browser.open(base.resolve("cookie"));
        // Page script sees only the cookie that is not HttpOnly.
        browser.waitForText(By.id("seen"), "cookies: [theme=dark]");

        Optional<Cookie> session = browser.cookie("sid");
        assertThat(session).isPresent();
        assertThat(session.get().getValue()).isEqualTo("s3cret");
        assertThat(session.get().isHttpOnly()).isTrue();
        // Chromium keeps Secure cookies over plain http on loopback (a secure context), as the gateway's tests need.
        assertThat(session.get().isSecure()).isTrue();
        assertThat(session.get().getSameSite()).isEqualTo("Strict");
        assertThat(session.get().getPath()).isEqualTo("/");

        Cookie theme = browser.cookie("theme").orElseThrow();
        assertThat(theme.isHttpOnly()).isFalse();
        assertThat(theme.isSecure()).isFalse();
        assertThat(theme.getSameSite()).isEqualTo("Lax");
        assertThat(browser.cookies()).extracting(Cookie::getName).containsExactlyInAnyOrder("sid", "theme");
    }

    @Test
    void screenshotsArePngsOfTheLaptopAndPhoneViewportsAndOfTheWholePage() throws IOException {
        Browser browser = browser();
        browser.open(base.resolve("tall"));
        browser.waitFor(By.id("footer"));

        Path laptop = browser.screenshot("browser-test-laptop");
        assertThat(laptop).isEqualTo(screenshots.resolve("browser-test-laptop.png"));
        assertThat(pngSize(laptop)).isEqualTo("1366x900");
        BufferedImage laptopImage = ImageIO.read(laptop.toFile());
        assertThat(rgb(laptopImage, 10, 10)).as("the header's colour").isEqualTo("0066cc");

        Path whole = browser.fullPageScreenshot("browser-test-full");
        assertThat(pngSize(whole)).isEqualTo("1366x2400");
        BufferedImage wholeImage = ImageIO.read(whole.toFile());
        assertThat(rgb(wholeImage, 10, 2390)).as("the footer's colour, below the viewport").isEqualTo("cc3300");
        assertThat(pngSize(browser.screenshot("browser-test-after-full"))).as("the viewport is unchanged by the full shot")
                .isEqualTo("1366x900");

        browser.phone();
        browser.open(base.resolve("tall"));
        browser.waitFor(By.id("footer"));
        assertThat(browser.driver().executeScript("return innerWidth + 'x' + innerHeight + ' ' + matchMedia('(pointer: coarse)').matches"))
                .isEqualTo("390x844 true");
        assertThat(pngSize(browser.screenshot("browser-test-phone"))).isEqualTo("390x844");
        assertThat(pngSize(browser.fullPageScreenshot("browser-test-phone-full"))).isEqualTo("390x2400");

        browser.laptop();
        assertThat(browser.driver().executeScript("return innerWidth + 'x' + innerHeight + ' ' + matchMedia('(pointer: coarse)').matches"))
                .isEqualTo("1366x900 false");
        assertThatThrownBy(() -> browser.screenshot("../escape")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void loadsBeyondLoopbackAreRefusedAtOnceRecordedAndReported() {
        Browser browser = browser();
        browser.open(base.resolve("external"));
        List<String> errors = browser.waitUntil(driver -> {
            List<String> now = browser.consoleErrors();
            return now.size() >= 2 ? now : null;
        });
        assertThat(errors).anySatisfy(error -> assertThat(error).contains("http://example.invalid/x.js").contains("Failed to load resource"));
        assertThat(errors).anySatisfy(error -> assertThat(error).contains("https://example.invalid/y.css").contains("Failed to load resource"));
        assertThat(browser.outboundRequests()).contains("GET http://example.invalid/x.js HTTP/1.1", "CONNECT example.invalid:443 HTTP/1.1");
        assertThat(browser.outboundRequests()).as("loopback is never proxied").noneMatch(line -> line.contains("127.0.0.1"));
        browser.open(URI.create("http://localhost:" + server.getAddress().getPort() + "/clean"));
        browser.waitForText(By.id("self"), "self script ran");
        assertThat(browser.outboundRequests()).noneMatch(line -> line.contains("localhost"));
    }

    @Test
    void startingUsingAndClosingRunsNoSeleniumManagerAndLeavesNoProcessOrProfile() {
        RecordingHandler finder = RecordingHandler.on("org.openqa.selenium.remote.service.DriverFinder");
        RecordingHandler manager = RecordingHandler.on("org.openqa.selenium.manager.SeleniumManager");
        Browser own;
        List<ProcessHandle> running;
        try {
            Optional<Browser> started = Browser.start(screenshots);
            assumeTrue(started.isPresent(), Browser.MISSING);
            own = started.get();
            try {
                own.open(base.resolve("clean"));
                own.waitForText(By.id("self"), "self script ran");
                running = own.processes();
                assertThat(running).extracting(process -> process.info().command().orElse(""))
                        .anyMatch(command -> command.endsWith("/chromedriver"))
                        .anyMatch(command -> command.endsWith("/chromium"));
                assertThat(Files.isDirectory(own.directory().resolve("profile"))).isTrue();
            } finally {
                own.close();
            }
        } finally {
            finder.detach();
            manager.detach();
        }
        assertThat(finder.messages).anyMatch(message -> message.startsWith("Skipping Selenium Manager, path to chromedriver specified"));
        assertThat(manager.messages).as("Selenium Manager (which downloads drivers and browsers) never ran").isEmpty();
        assertThat(running).noneMatch(Browser::running);
        String marker = own.directory() + "/";
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            assertThat(all.filter(Browser::running).map(process -> process.info().commandLine().orElse("")))
                    .noneMatch(line -> line.contains(marker));
        }
        assertThat(own.directory()).doesNotExist();
    }

    @Test
    void aMissingBrowserSkipsUnlessRequiredThenFails() {
        Optional<Path> nowhere = Optional.empty();
        Optional<Path> somewhere = Optional.of(Path.of("/bin/true"));
        assertThat(Browser.start(screenshots, nowhere, somewhere, false)).isEmpty();
        assertThat(Browser.start(screenshots, somewhere, nowhere, false)).isEmpty();
        assertThatThrownBy(() -> Browser.start(screenshots, nowhere, somewhere, true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(Browser.MISSING_REQUIRED)
                .hasMessageContaining("chromium: not found");
        assertThatThrownBy(() -> Browser.start(screenshots, somewhere, nowhere, true))
                .hasMessageContaining("chromedriver: not found");
    }

    private static String pngSize(Path png) throws IOException {
        byte[] bytes = Files.readAllBytes(png);
        assertThat(HexFormat.of().formatHex(bytes, 0, 16)).as("PNG signature and IHDR first").isEqualTo("89504e470d0a1a0a0000000d49484452");
        int width = ((bytes[16] & 0xff) << 24) | ((bytes[17] & 0xff) << 16) | ((bytes[18] & 0xff) << 8) | (bytes[19] & 0xff);
        int height = ((bytes[20] & 0xff) << 24) | ((bytes[21] & 0xff) << 16) | ((bytes[22] & 0xff) << 8) | (bytes[23] & 0xff);
        return width + "x" + height;
    }

    private static String rgb(BufferedImage image, int x, int y) {
        return String.format("%06x", image.getRGB(x, y) & 0xffffff);
    }

    private static final Map<String, Page> PAGES = Map.ofEntries(
            Map.entry("/console-error", Page.html("<p id=\"state\"></p><script>console.error('boom from the page');"
                    + "document.getElementById('state').textContent = 'script ran'</script>")),
            Map.entry("/chatty", Page.html("<p id=\"state\"></p><script>console.warn('careful'); console.log('just saying', 42);"
                    + "document.getElementById('state').textContent = 'script ran'</script>")),
            Map.entry("/csp-blocked", Page.html("<p id=\"state\">static</p><p id=\"self\"></p>"
                    + "<script>document.getElementById('state').textContent = 'inline ran'</script><script src=\"/self.js\"></script>")
                    .with("Content-Security-Policy", "script-src 'self'")),
            // The data: icon needs img-src data:, or default-src 'self' blocks it with an error of its own.
            Map.entry("/csp-report-only", Page.html("<p id=\"state\">static</p>"
                    + "<script>document.getElementById('state').textContent = 'inline ran'</script>")
                    .with("Content-Security-Policy-Report-Only", "script-src 'self'")),
            Map.entry("/clean", Page.html(VIEWPORT + "<p id=\"self\"></p><script src=\"/self.js\"></script>")
                    .with("Content-Security-Policy", "default-src 'self'; img-src 'self' data:")),
            Map.entry("/self.js", new Page("text/javascript", "document.getElementById('self').textContent = 'self script ran';", Map.of())),
            Map.entry("/missing-image", Page.html("<img src=\"/nope.png\" alt=\"\">")),
            Map.entry("/no-icon", new Page("text/html; charset=utf-8", "<!doctype html><p id=\"state\"></p>"
                    + "<script>document.getElementById('state').textContent = 'script ran'</script>", Map.of())),
            Map.entry("/cookie", Page.html("<p id=\"seen\"></p><script>"
                    + "document.getElementById('seen').textContent = 'cookies: [' + document.cookie + ']'</script>")
                    .with("Set-Cookie", "sid=s3cret; Path=/; HttpOnly; Secure; SameSite=Strict")
                    .with("Set-Cookie", "theme=dark; Path=/; SameSite=Lax")),
            Map.entry("/tall", Page.html(VIEWPORT + "<style>html, body { margin: 0 } header { height: 100px; background: #0066cc }"
                    + " main { height: 2200px; font: 24px sans-serif } footer { height: 100px; background: #cc3300 }</style>"
                    + "<header></header><main>SAI Gateway: dashboard text 0123456789</main><footer id=\"footer\"></footer>")),
            Map.entry("/external", Page.html("<link rel=\"stylesheet\" href=\"https://example.invalid/y.css\">"
                    + "<script src=\"http://example.invalid/x.js\"></script>")));

    private static void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            Page page = PAGES.get(exchange.getRequestURI().getPath());
            if (page == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", page.type());
            page.headers().forEach((name, values) -> values.forEach(value -> exchange.getResponseHeaders().add(name, value)));
            byte[] body = page.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private record Page(String type, String body, Map<String, List<String>> headers) {
        static Page html(String content) {
            return new Page("text/html; charset=utf-8", "<!doctype html><html><head>" + ICON + "</head><body>" + content + "</body></html>", Map.of());
        }

        Page with(String name, String value) {
            Map<String, List<String>> more = new java.util.LinkedHashMap<>(headers);
            more.merge(name, List.of(value), (a, b) -> Stream.concat(a.stream(), b.stream()).toList());
            return new Page(type, body, more);
        }
    }

    /** What one JUL logger (Selenium logs through java.util.logging) says at FINE and above while attached. */
    private static final class RecordingHandler extends Handler {
        private final Logger logger;
        private final Level previous;
        private final List<String> messages = new CopyOnWriteArrayList<>();

        private RecordingHandler(Logger logger) {
            this.logger = logger;
            this.previous = logger.getLevel();
        }

        static RecordingHandler on(String name) {
            RecordingHandler handler = new RecordingHandler(Logger.getLogger(name));
            handler.setLevel(Level.ALL);
            handler.logger.setLevel(Level.FINE);
            handler.logger.addHandler(handler);
            return handler;
        }

        void detach() {
            logger.removeHandler(this);
            logger.setLevel(previous);
        }

        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            messages.add(record.getParameters() == null ? message : java.text.MessageFormat.format(message, record.getParameters()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
