package sai.gateway.testing;

import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumDriverLogLevel;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A headless Chromium (Debian's {@code chromium}) driven through Debian's {@code chromedriver}, for the dashboard's
 * browser tests: a fresh profile per instance, the console collected, screenshots under {@code target/ui-screenshots}.
 * Empty when either is not installed ({@code .ci/run} installs them); tests then skip with {@link #MISSING}. Where the
 * {@code CI} environment variable is set, or {@code -Dbrowser.required=true}, absence fails instead
 * ({@link #MISSING_REQUIRED}), so a CI that lost its install step cannot turn every browser test off unnoticed.
 *
 * <p>Nothing is downloaded: the driver's path is given to Selenium, which then never runs Selenium Manager, and the
 * browser's own traffic beyond loopback goes to a proxy here that answers every request with 403 and records it
 * ({@link #outboundRequests()}). The closed network of CI would otherwise make each such attempt a slow DNS failure,
 * and a page that loads a script or font from the internet would pass here and break for operators offline.
 */
public final class Browser implements AutoCloseable {

    /** {@code -Dbrowser.required=true}, or a set {@code CI} environment variable: a missing browser fails, not skips. */
    public static final String REQUIRED_PROPERTY = "browser.required";
    private static final String INSTALL = "apt-get install -y chromium chromium-driver; .ci/run does it";
    public static final String MISSING = "Chromium or ChromeDriver is not installed (" + INSTALL + "): browser tests skipped";
    public static final String MISSING_REQUIRED = "Chromium or ChromeDriver is not installed (" + INSTALL + "), and CI (the CI "
            + "environment variable, or -D" + REQUIRED_PROPERTY + "=true) makes that a failure: the dashboard must be tested in a browser";

    public static final Dimension LAPTOP = new Dimension(1366, 900);
    public static final Dimension PHONE = new Dimension(390, 844);
    public static final Path DEFAULT_SCREENSHOT_DIR = Path.of("target", "ui-screenshots");
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /**
     * Every flag given to Chromium, besides the profile, window size and proxy (chromedriver adds its own, such as
     * --enable-automation and --remote-debugging-port=0). As root Chromium will not start sandboxed. The
     * background-networking, component-update and sync flags cut most of its calls to Google's hosts; those left
     * (accounts.google.com/ListAccounts, update.googleapis.com for an on-device model's manifest, clients2.google.com's
     * network time, start.duckduckgo.com, Debian's default search) meet the proxy. /dev/shm is 64 MB in a default
     * container, too small for Chromium, so shared memory goes to /tmp. English, whatever the machine's locale, for
     * pages that format numbers and dates.
     */
    public static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--disable-extensions", "--lang=en-US", "--accept-lang=en-US");
    // Selenium looks for its DevTools bindings (selenium-devtools-vNNN, not a dependency: cdp() goes through
    // chromedriver instead) and warns at every start that none matches; held here, as JUL keeps loggers weakly.
    private static final Logger CDP_VERSION_FINDER = quiet("org.openqa.selenium.devtools.CdpVersionFinder");

    private static final List<String> CHROMIUM_CANDIDATES = List.of(
            // Debian's real binary: /usr/bin/chromium is a shell script that sources /etc/chromium.d, which adds
            // its own flags (remote extensions on, GPU rasterization) to the ones chosen here.
            "/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser");
    private static final List<String> CHROMEDRIVER_CANDIDATES = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    private final ChromeDriver driver;
    private final ChromeDriverService service;
    private final Path base;
    private final Path screenshotDir;
    private final OutboundTrap trap;
    private final Set<ProcessHandle> processes = new HashSet<>();
    private final Thread shutdownHook;
    private boolean closed;

    private Browser(ChromeDriver driver, ChromeDriverService service, Path base, Path screenshotDir, OutboundTrap trap) {
        this.driver = driver;
        this.service = service;
        this.base = base;
        this.screenshotDir = screenshotDir;
        this.trap = trap;
        // A JVM that ends without close() would otherwise leave chromedriver and a Chromium running.
        this.shutdownHook = new Thread(this::quitAndDelete, "browser-cleanup");
    }

    /** A browser with screenshots under {@link #DEFAULT_SCREENSHOT_DIR}; see {@link #start(Path)}. */
    public static Optional<Browser> start() {
        return start(DEFAULT_SCREENSHOT_DIR);
    }

    /**
     * A started browser at the laptop size, or empty when Chromium or ChromeDriver is not installed (failing instead
     * where {@link #required()}). Installed but not starting throws: a broken harness is no reason to skip.
     */
    public static Optional<Browser> start(Path screenshotDir) {
        return start(screenshotDir, find(System.getProperty("browser.chromium"), CHROMIUM_CANDIDATES, "chromium"),
                find(System.getProperty("browser.chromedriver"), CHROMEDRIVER_CANDIDATES, "chromedriver"), required());
    }

    static Optional<Browser> start(Path screenshotDir, Optional<Path> chromium, Optional<Path> chromedriver, boolean required) {
        if (chromium.isEmpty() || chromedriver.isEmpty()) {
            if (required) {
                throw new IllegalStateException(MISSING_REQUIRED + " (chromium: " + chromium.map(Path::toString).orElse("not found")
                        + ", chromedriver: " + chromedriver.map(Path::toString).orElse("not found") + ")");
            }
            return Optional.empty();
        }
        Path base = null;
        OutboundTrap trap = null;
        ChromeDriverService service = null;
        try {
            base = Files.createTempDirectory("sai-browser-");
            Path log = base.resolve("chromedriver.log");
            trap = OutboundTrap.start();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(chromium.get().toFile());
            options.addArguments(FLAGS);
            options.addArguments("--user-data-dir=" + base.resolve("profile"),
                    "--window-size=" + LAPTOP.getWidth() + "," + LAPTOP.getHeight(),
                    // Loopback is never proxied (Chromium's implicit bypass rules), so the pages under test load directly.
                    "--proxy-server=http://127.0.0.1:" + trap.port());
            LoggingPreferences logging = new LoggingPreferences();
            // chromedriver's browser log: console calls, uncaught errors and Chromium's own messages (CSP violations,
            // failed loads). WebDriver BiDi's LogInspector, tried here on Chromium 156, reported only the first two.
            logging.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logging);
            service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(chromedriver.get().toFile())
                    .usingAnyFreePort()
                    .withLogFile(log.toFile())
                    .withLogLevel(ChromiumDriverLogLevel.WARNING)
                    .build();
            ChromeDriver driver;
            try {
                driver = new ChromeDriver(service, options);
            } catch (RuntimeException e) {
                service.stop();
                throw new IllegalStateException("Chromium did not start under chromedriver: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
                        + "\nchromedriver log: " + tail(log), e);
            }
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(30));
            Browser browser = new Browser(driver, service, base, screenshotDir, trap);
            browser.processes.addAll(browser.ownProcesses());
            browser.laptop();
            Runtime.getRuntime().addShutdownHook(browser.shutdownHook);
            return Optional.of(browser);
        } catch (IOException e) {
            if (trap != null) {
                trap.close();
            }
            delete(base);
            throw new IllegalStateException("browser harness could not start: " + e, e);
        } catch (RuntimeException e) {
            if (trap != null) {
                trap.close();
            }
            killOwnProcesses(base);
            delete(base);
            throw e;
        }
    }

    /** Whether a missing browser fails ({@code CI} set, or {@code -Dbrowser.required=true}) instead of skipping. */
    public static boolean required() {
        String ci = System.getenv("CI");
        return Boolean.getBoolean(REQUIRED_PROPERTY) || (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false"));
    }

    public ChromeDriver driver() {
        return driver;
    }

    public Browser open(URI uri) {
        driver.get(uri.toString());
        return this;
    }

    /** Waits for an element to be displayed. */
    public WebElement waitFor(By by) {
        return waitUntil(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Waits until the element's text contains {@code text}, and returns the element. */
    public WebElement waitForText(By by, String text) {
        waitUntil(ExpectedConditions.textToBePresentInElementLocated(by, text));
        return driver.findElement(by);
    }

    /** Waits up to {@link #TIMEOUT} for {@code condition} to give something other than null or false. */
    public <T> T waitUntil(Function<? super WebDriver, T> condition) {
        return new WebDriverWait(driver, TIMEOUT).until(condition);
    }

    /** The cookie as the browser stores it (Secure, HttpOnly and SameSite included), from the current page's origin. */
    public Optional<Cookie> cookie(String name) {
        return Optional.ofNullable(driver.manage().getCookieNamed(name));
    }

    public Set<Cookie> cookies() {
        return driver.manage().getCookies();
    }

    /**
     * A 1366x900 viewport with mouse and no touch (the start state). Set as device metrics, not only as the window:
     * headless Chromium keeps 143 px of the window for browser chrome it does not draw, so a 1366x900 window
     * shows a 1366x757 page.
     */
    public Browser laptop() {
        cdp("Emulation.setDeviceMetricsOverride", Map.of("width", LAPTOP.getWidth(), "height", LAPTOP.getHeight(),
                "deviceScaleFactor", 1, "mobile", false));
        cdp("Emulation.setTouchEmulationEnabled", Map.of("enabled", false));
        return this;
    }

    /**
     * A 390x844 phone viewport (an iPhone's CSS size) at device pixel ratio 1, so screenshots have one pixel per CSS
     * pixel. Mobile mode, as on a phone: a page without {@code <meta name="viewport" content="width=device-width">}
     * is laid out 980 px wide and shrunk to fit; touch emulation makes {@code (pointer: coarse)} match.
     */
    public Browser phone() {
        cdp("Emulation.setDeviceMetricsOverride", Map.of("width", PHONE.getWidth(), "height", PHONE.getHeight(),
                "deviceScaleFactor", 1, "mobile", true));
        cdp("Emulation.setTouchEmulationEnabled", Map.of("enabled", true, "maxTouchPoints", 5));
        return this;
    }

    /** Raw Chrome DevTools Protocol command through chromedriver (no selenium-devtools jar needed). */
    public Map<String, Object> cdp(String method, Map<String, Object> params) {
        return driver.executeCdpCommand(method, params);
    }

    /**
     * The browser log since the last call to this or {@link #consoleErrors()}: console calls of every level,
     * uncaught exceptions, CSP violations, failed loads. Chrome's message text, such as
     * {@code http://127.0.0.1:4000/ui 12:9 "boom"} or {@code http://127.0.0.1:4000/x.js - Failed to load resource: ...}.
     */
    public List<LogEntry> console() {
        return driver.manage().logs().get(LogType.BROWSER).getAll();
    }

    /**
     * Errors since the last call to this or {@link #console()}: every SEVERE entry (console.error, uncaught exceptions,
     * failed loads, a favicon.ico that answers 404 too, blocked scripts) and every Content Security Policy message,
     * report-only ones included. Chromium 156 words a blocked inline script "Executing inline script violates the
     * following Content Security Policy directive ..."; earlier versions said "Refused to ...". Async work (a fetch
     * after load) lands only once it ran: wait for what it shows first.
     */
    public List<String> consoleErrors() {
        return console().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()
                        || entry.getMessage().contains("Content Security Policy") || entry.getMessage().contains("Refused to"))
                .map(LogEntry::getMessage)
                .collect(Collectors.toList());
    }

    /**
     * Every request the browser tried to send beyond loopback since it started ({@code CONNECT host:443 HTTP/1.1},
     * {@code GET http://host/path HTTP/1.1}), all refused: Chromium's own (see {@link #FLAGS}) and a page's, whose
     * console then shows the failed load.
     */
    public List<String> outboundRequests() {
        return List.copyOf(trap.requests);
    }

    /** The viewport as a PNG, {@code name}.png in the screenshot directory. */
    public Path screenshot(String name) {
        return write(name, driver.getScreenshotAs(OutputType.BYTES));
    }

    /**
     * The whole page, however far it scrolls, as a PNG (DevTools' captureBeyondViewport): as wide as the viewport
     * (scrollbar included, which the shot does not need), wider where the page overflows sideways.
     */
    public Path fullPageScreenshot(String name) {
        @SuppressWarnings("unchecked")
        Map<String, Object> content = (Map<String, Object>) cdp("Page.getLayoutMetrics", Map.of()).get("cssContentSize");
        double viewportWidth = ((Number) driver.executeScript("return window.innerWidth")).doubleValue();
        double viewportHeight = ((Number) driver.executeScript("return window.innerHeight")).doubleValue();
        double width = Math.max(((Number) content.get("width")).doubleValue(), viewportWidth);
        double height = Math.max(((Number) content.get("height")).doubleValue(), viewportHeight);
        Map<String, Object> shot = cdp("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
        return write(name, Base64.getDecoder().decode((String) shot.get("data")));
    }

    /** chromedriver and every Chromium process of this browser still running (zombies waiting to be reaped are not). */
    public List<ProcessHandle> processes() {
        Set<ProcessHandle> all = new HashSet<>(processes);
        all.addAll(ownProcesses());
        return all.stream().filter(Browser::running).collect(Collectors.toList());
    }

    /** The temp dir holding the profile and chromedriver's log; deleted by {@link #close()}. */
    public Path directory() {
        return base;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is already shutting down (the hook is running or ran), or the hook was never added
        }
        quitAndDelete();
    }

    private synchronized void quitAndDelete() {
        if (closed) {
            return;
        }
        closed = true;
        processes.addAll(ownProcesses());
        try {
            driver.quit();
        } catch (RuntimeException e) {
            // chromedriver or Chromium already gone: what is left is killed below
        }
        try {
            service.stop();
        } catch (RuntimeException e) {
            // same
        }
        trap.close();
        for (ProcessHandle process : processes) {
            awaitOrKill(process);
        }
        killOwnProcesses(base);
        delete(base);
    }

    private Set<ProcessHandle> ownProcesses() {
        return ownProcesses(base);
    }

    /** chromedriver (its --log-path) and Chromium (its --user-data-dir) name the temp dir; their children are theirs. */
    private static Set<ProcessHandle> ownProcesses(Path base) {
        if (base == null) {
            return Set.of();
        }
        String marker = base + "/";
        Set<ProcessHandle> own = new HashSet<>();
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            all.filter(process -> process.info().commandLine().map(line -> line.contains(marker)).orElse(false))
                    .forEach(process -> {
                        own.add(process);
                        process.descendants().forEach(own::add);
                    });
        }
        return own;
    }

    private static void killOwnProcesses(Path base) {
        ownProcesses(base).forEach(Browser::awaitOrKill);
    }

    /**
     * Gives a process 5 s to end, then kills it. A zombie counts as ended: Chromium's zygotes exit after their parent
     * and wait for PID 1 to reap them, which takes seconds here and never happens in a container whose PID 1 does
     * not reap (docker run without --init).
     */
    private static void awaitOrKill(ProcessHandle process) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (running(process) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (running(process)) {
            process.destroyForcibly();
        }
    }

    /** Alive and not a zombie (state Z in /proc/PID/stat, after the command's closing parenthesis). */
    static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            int end = stat.lastIndexOf(')');
            return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    private Path write(String name, byte[] png) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("screenshot name must be letters, digits, '.', '_' or '-': " + name);
        }
        Path file = screenshotDir.resolve(name.endsWith(".png") ? name : name + ".png");
        try {
            Files.createDirectories(screenshotDir);
            Files.write(file, png);
        } catch (IOException e) {
            throw new IllegalStateException("screenshot not written to " + file + ": " + e, e);
        }
        return file;
    }

    private static Logger quiet(String name) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(Level.SEVERE);
        return logger;
    }

    private static Optional<Path> find(String configured, List<String> candidates, String name) {
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name));
        return Stream.concat(candidates.stream().map(Path::of), onPath).filter(Files::isExecutable).findFirst();
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log).strip();
            return text.length() <= 1500 ? text : "..." + text.substring(text.length() - 1500);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void delete(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // best effort: a leftover temp dir is no reason to fail a test
        }
    }

    /** An HTTP proxy on loopback that records each request's first line and refuses it. */
    private static final class OutboundTrap implements AutoCloseable {
        private final ServerSocket socket;
        private final List<String> requests = new CopyOnWriteArrayList<>();

        private OutboundTrap(ServerSocket socket) {
            this.socket = socket;
        }

        static OutboundTrap start() throws IOException {
            OutboundTrap trap = new OutboundTrap(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            Thread acceptor = new Thread(trap::serve, "browser-outbound-trap");
            acceptor.setDaemon(true);
            acceptor.start();
            return trap;
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket client = socket.accept()) {
                    client.setSoTimeout(2000);
                    InputStream in = client.getInputStream();
                    String line = line(in);
                    if (!line.isEmpty()) {
                        requests.add(line);
                    }
                    // The rest of the head, so that closing does not reset a connection with unread bytes.
                    for (int i = 0; i < 100 && !line(in).isEmpty(); i++) {
                        // skipping a header
                    }
                    OutputStream out = client.getOutputStream();
                    out.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    // closed, or a client that went away: the next accept tells which
                }
            }
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n' && line.length() < 2000) {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
