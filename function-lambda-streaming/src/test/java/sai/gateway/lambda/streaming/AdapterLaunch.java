package sai.gateway.lambda.streaming;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

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
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The streaming mode's deployment package started the way Lambda and the Lambda Web Adapter start it: the zip unpacked
 * as the task root, the handler the template names executed as a program (what the layer's {@code /opt/bootstrap}
 * wrapper does with {@code _HANDLER}), with the template's own adapter variables, the variables Lambda sets, and the
 * gateway's settings for the test. Then the adapter's readiness check: GET the template's readiness path every 10 ms
 * until it answers. Only {@code AWS_LWA_PORT} differs from the template (a free port, not 8080, so tests can run side
 * by side); run.sh reads it exactly as the adapter does.
 */
final class AdapterLaunch implements AutoCloseable {

    static final Path ZIP = Path.of(System.getProperty("lambda.zip", "target/function-lambda-streaming-0.1.0.zip")).toAbsolutePath().normalize();
    static final Path TEMPLATE = Path.of(System.getProperty("sam.template", "../infra/template.yaml")).toAbsolutePath().normalize();

    final Process process;
    final Path log;
    final int port;
    final URI base;

    private AdapterLaunch(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    /** The streaming function's properties in the template, with SAM's Globals.Function merged in as SAM does. */
    static JsonNode streamingFunction() {
        JsonNode template = template();
        for (JsonNode resource : (Iterable<JsonNode>) () -> template.path("Resources").elements()) {
            if (resource.path("Type").asText().equals("AWS::Serverless::Function")
                    && "run.sh".equals(merged(template, resource).path("Handler").asText())) {
                return merged(template, resource);
            }
        }
        throw new AssertionError("no AWS::Serverless::Function with Handler run.sh in " + TEMPLATE);
    }

    /** The function's environment variables whose values are plain text in the template (not parameters or conditions). */
    static Map<String, String> literalVariables(JsonNode function) {
        Map<String, String> variables = new LinkedHashMap<>();
        function.at("/Environment/Variables").fields().forEachRemaining(v -> {
            if (v.getValue().isValueNode()) {
                variables.put(v.getKey(), v.getValue().asText());
            }
        });
        return variables;
    }

    static JsonNode template() {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(TEMPLATE.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode merged(JsonNode template, JsonNode resource) {
        com.fasterxml.jackson.databind.node.ObjectNode properties = template.at("/Globals/Function").isObject()
                ? (com.fasterxml.jackson.databind.node.ObjectNode) template.at("/Globals/Function").deepCopy()
                : new ObjectMapper().createObjectNode();
        JsonNode own = resource.path("Properties");
        own.fields().forEachRemaining(p -> {
            if (p.getKey().equals("Environment") && properties.has("Environment")) {
                com.fasterxml.jackson.databind.node.ObjectNode variables =
                        (com.fasterxml.jackson.databind.node.ObjectNode) properties.at("/Environment/Variables");
                p.getValue().path("Variables").fields().forEachRemaining(v -> variables.set(v.getKey(), v.getValue()));
            } else {
                properties.set(p.getKey(), p.getValue());
            }
        });
        return properties;
    }

    /** Unpacks the zip into {@code taskRoot} with each entry's Unix mode, as Lambda unpacks a deployment package. */
    static void unpack(Path taskRoot) throws IOException {
        try (ZipFile zip = ZipFile.builder().setPath(ZIP).get()) {
            for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
                Path target = taskRoot.resolve(entry.getName()).normalize();
                if (!target.startsWith(taskRoot)) {
                    throw new IOException("entry outside the task root: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, target);
                }
                Files.setPosixFilePermissions(target, permissions(entry.getUnixMode()));
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }

    /** Starts the package with the gateway's settings {@code settings} and returns once readiness answered (or the process ended). */
    static AdapterLaunch start(Path taskRoot, Map<String, String> settings) throws IOException, InterruptedException {
        JsonNode function = streamingFunction();
        String handler = function.path("Handler").asText();
        int port = freePort();
        Map<String, String> env = new LinkedHashMap<>();
        // The JVM of this test is the runtime's java: first on PATH, as /var/lang/bin is on Lambda.
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", System.getProperty("java.io.tmpdir"));
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        // What Lambda itself sets for every function.
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("_HANDLER", handler);
        env.put("AWS_LAMBDA_FUNCTION_NAME", "sai-gateway-gateway");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
        env.put("AWS_REGION", "eu-west-1");
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.putAll(literalVariables(function));
        env.put("AWS_LWA_PORT", String.valueOf(port));
        env.putAll(settings);
        env.values().removeIf(v -> v == null);

        Path log = Files.createTempFile(taskRoot.getParent(), "function", ".log");
        ProcessBuilder builder = new ProcessBuilder(taskRoot.resolve(handler).toString())
                .directory(taskRoot.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        AdapterLaunch launch = new AdapterLaunch(builder.start(), log, port);
        launch.awaitReadiness(env.getOrDefault("AWS_LWA_READINESS_CHECK_PATH", "/"), Duration.ofSeconds(60));
        return launch;
    }

    /** Runs the package to its end (a configuration it refuses) and returns what it printed. */
    static Refusal refuse(Path taskRoot, Map<String, String> settings) throws IOException, InterruptedException {
        AdapterLaunch launch = start(taskRoot, settings);
        if (!launch.process.waitFor(30, TimeUnit.SECONDS)) {
            launch.close();
            throw new AssertionError("still running: " + launch.output());
        }
        return new Refusal(launch.process.exitValue(), launch.output());
    }

    record Refusal(int exitCode, String output) {
    }

    private void awaitReadiness(String path, Duration within) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() < 500) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        if (process.isAlive()) {
            throw new AssertionError("no answer on " + path + " within " + within + ": " + output());
        }
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        // What Lambda sends when it shuts the environment down.
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
