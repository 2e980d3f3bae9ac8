package sai.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The shipped gateway, as users run it: {@code java -jar app/target/app-0.1.0.jar} in a fresh JVM, with an
 * environment of the test's choosing and nothing inherited from the one running the build (an operator's
 * {@code SAI_URL} must not make a broken-configuration test pass). Each run gets a free port and its own
 * {@code LOG_DIR}; standard output and standard error are collected as they come, so a test can wait for
 * a line, read the exit code, or send SIGTERM ({@link #terminate()}) and read what the shutdown logged.
 *
 * <p>For the artifact tests ({@code *IT}, run by failsafe after {@code package}); the jar comes from the
 * {@code gateway.jar} system property the build sets.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final Process process;
    private final Path logDir;
    private final int port;
    private final Output stdout;
    private final Output stderr;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayProcess(Process process, Path logDir, int port) {
        this.process = process;
        this.logDir = logDir;
        this.port = port;
        this.stdout = new Output(process.getInputStream(), "stdout");
        this.stderr = new Output(process.getErrorStream(), "stderr");
    }

    /** The runnable jar under test. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("gateway.jar", "target/app-0.1.0.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no gateway jar at " + jar.toAbsolutePath() + ": run the artifact tests with ./mvnw verify");
        }
        return jar;
    }

    /** A gateway that can serve: SAI at {@code saiUrl}, a template, a system key; add or remove variables on the builder. */
    public static Builder configured(String saiUrl) {
        return bare()
                .env("SAI_URL", saiUrl)
                .env("SAI_TEMPLATE_ID", SaiFakeTest.TEMPLATE_ID)
                .env("SAI_KEY", SaiFakeTest.SYSTEM_KEY)
                .env("GATEWAY_LOCALE", "en");
    }

    /** No gateway setting at all: what a new user gets from {@code java -jar} with nothing set. */
    public static Builder bare() {
        return new Builder();
    }

    public int port() {
        return port;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public Path logDir() {
        return logDir;
    }

    /** {@code LOG_DIR/sai_handler.log}'s lines, empty while it does not exist. */
    public List<String> logFileLines() {
        Path file = logDir.resolve("sai_handler.log");
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<String> stdoutLines() {
        return stdout.lines();
    }

    public List<String> stderrLines() {
        return stderr.lines();
    }

    /** Both streams, standard output first: for assertion messages. */
    public String output() {
        return "--- stdout ---\n" + String.join("\n", stdout.lines()) + "\n--- stderr ---\n" + String.join("\n", stderr.lines());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until {@code /health} answers 200; fails with the process output when it exits or never gets there. */
    public GatewayProcess awaitHealthy() {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the gateway exited with " + process.exitValue() + " before it was healthy\n" + output());
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(uri("/health")).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(100);
        }
        throw new AssertionError("the gateway was not healthy within " + STARTUP.toSeconds() + " s\n" + output());
    }

    /** The exit code, once the process has ended by itself; fails when it is still running after {@code within}. */
    public int awaitExit(Duration within) {
        try {
            if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the gateway was still running after " + within.toSeconds() + " s\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        stdout.drain();
        stderr.drain();
        return process.exitValue();
    }

    /** Waits for a standard output line matching {@code line}, and returns it. */
    public String awaitStdout(Predicate<String> line, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            for (String seen : stdout.lines()) {
                if (line.test(seen)) {
                    return seen;
                }
            }
            sleep(50);
        }
        throw new AssertionError("no matching line on stdout within " + within.toSeconds() + " s\n" + output());
    }

    /**
     * SIGTERM, what {@code docker stop} and Swarm send: the JVM runs its shutdown hooks. Through the process
     * handle, because {@code Process.destroy()} also closes this side of the output pipes, and then everything
     * the gateway logs while it shuts down would be lost to the test.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    public HttpClient http() {
        return http;
    }

    /** Kills the process if it still runs and removes its log directory. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(logDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The environment of one run; {@code PORT} and {@code LOG_DIR} are filled in unless set. */
    public static final class Builder {

        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>();

        private Builder() {
        }

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Builder without(String name) {
            env.remove(name);
            return this;
        }

        /** A JVM option before {@code -jar}, for example {@code -Xmx256m}. */
        public Builder jvmArg(String arg) {
            jvmArgs.add(arg);
            return this;
        }

        public GatewayProcess start() {
            try {
                Path logDir = Files.createTempDirectory("sai-gateway-it-");
                Map<String, String> environment = new LinkedHashMap<>(env);
                int port = environment.containsKey("PORT") ? parsePort(environment.get("PORT")) : freePort();
                environment.putIfAbsent("PORT", Integer.toString(port));
                environment.putIfAbsent("LOG_DIR", logDir.toString());
                List<String> command = new ArrayList<>();
                command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                command.addAll(jvmArgs);
                command.add("-jar");
                command.add(jar().toAbsolutePath().toString());
                ProcessBuilder builder = new ProcessBuilder(command).directory(logDir.toFile());
                builder.environment().clear();
                builder.environment().putAll(environment);
                return new GatewayProcess(builder.start(), logDir, port);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A PORT a test sets on purpose (even an invalid one) is passed as is; only a number is used to reach the gateway. */
        private static int parsePort(String value) {
            try {
                return Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }

    /** One output stream, read on its own thread so the process never blocks on a full pipe. */
    private static final class Output {

        private final List<String> lines = new ArrayList<>();
        private final Thread reader;

        Output(InputStream in, String name) {
            reader = new Thread(() -> read(in), "gateway-" + name);
            reader.setDaemon(true);
            reader.start();
        }

        private void read(InputStream in) {
            try (var buffered = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = buffered.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException closed) {
                // the process ended
            }
        }

        List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        /** After the process ended: the rest of what it wrote. */
        void drain() {
            try {
                reader.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
