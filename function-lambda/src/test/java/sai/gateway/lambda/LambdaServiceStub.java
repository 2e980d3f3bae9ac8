package sai.gateway.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Lambda service as a function's runtime sees it: the Runtime API (next invocation, response, error,
 * init error) on a local port, and a fresh JVM running AWS's own Java runtime
 * ({@code aws-lambda-java-runtime-interface-client}, with {@code aws-lambda-java-serialization}) in the
 * deployment package unpacked as Lambda unpacks it into {@code /var/task}. So an event goes in as JSON
 * bytes and its answer comes back as JSON bytes, read and written by the runtime's serializers, with the
 * handler loaded by the runtime's class loader and invoked through its {@code RequestHandler} interface:
 * what happens on AWS, short of AWS.
 */
final class LambdaServiceStub implements AutoCloseable {

    static final String FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:sai-gateway";
    private static final String RUNTIME_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final String API = "/2018-06-01/runtime";
    private static final long INVOKE_TIMEOUT_MS = 60_000;

    private final BlockingQueue<Invocation> pending = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Outcome>> outcomes = new ConcurrentHashMap<>();
    private final CompletableFuture<String> initError = new CompletableFuture<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lambda-runtime-api");
        t.setDaemon(true);
        return t;
    });
    private final HttpServer api;
    private final Path log;
    private final Process process;

    private LambdaServiceStub(Path taskRoot, Path runtimeJars, String handler, Map<String, String> environment, Path log)
            throws IOException {
        this.log = log;
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.setExecutor(threads);
        api.createContext(API + "/invocation/next", this::next);
        api.createContext(API + "/invocation/", this::report);
        api.createContext(API + "/init/error", this::initError);
        api.start();

        List<String> classpath = new ArrayList<>();
        try (var jars = Files.list(runtimeJars)) {
            jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> classpath.add(p.toString()));
        }
        if (classpath.isEmpty()) {
            throw new IllegalStateException("no runtime jars in " + runtimeJars + " (copied by function-lambda's pom before the ITs)");
        }
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-cp", String.join(java.io.File.pathSeparator, classpath), RUNTIME_MAIN, handler);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(taskRoot.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // Lambda hands the function its configured variables and its own, nothing from the build machine.
        builder.environment().clear();
        builder.environment().put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + api.getAddress().getPort());
        builder.environment().put("LAMBDA_TASK_ROOT", taskRoot.toString());
        builder.environment().put("AWS_REGION", "eu-west-1");
        builder.environment().put("AWS_LAMBDA_FUNCTION_NAME", "sai-gateway");
        builder.environment().put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        builder.environment().put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        builder.environment().put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/sai-gateway");
        builder.environment().put("TZ", ":UTC");
        builder.environment().putAll(environment);
        process = builder.start();
    }

    /**
     * @param taskRoot    the deployment package, unpacked
     * @param runtimeJars a directory holding the runtime's jars (and nothing of the function)
     * @param handler     as in the template's {@code Handler}
     * @param log         where the function's standard output and error go (CloudWatch Logs, on AWS)
     */
    static LambdaServiceStub start(Path taskRoot, Path runtimeJars, String handler, Map<String, String> environment, Path log) {
        try {
            return new LambdaServiceStub(taskRoot, runtimeJars, handler, environment, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until init is over: the runtime asks for its first event once the handler exists. Runtimes
     * are started one after the other, because each unpacks its native client to one fixed file
     * ({@code /tmp/.libaws-lambda-jni.so}, as on AWS where an instance has /tmp to itself) and loads it from there.
     */
    LambdaServiceStub awaitReady() {
        await(ready, "the function to finish its init");
        return this;
    }

    /** Hands the runtime one event and waits for what the function answered. */
    Outcome invoke(String eventJson) {
        Invocation invocation = new Invocation(UUID.randomUUID().toString(), eventJson.getBytes(StandardCharsets.UTF_8));
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        outcomes.put(invocation.id, outcome);
        pending.add(invocation);
        return await(outcome, "an answer to the event");
    }

    private <T> T await(CompletableFuture<T> result, String what) {
        long deadline = System.currentTimeMillis() + INVOKE_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            try {
                return result.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (initError.isDone()) {
                    throw new AssertionError("the function failed its init: " + initError.join() + "\n" + output());
                }
                if (!process.isAlive()) {
                    throw new AssertionError("the runtime exited with " + process.exitValue() + "\n" + output());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError(e.getCause());
            }
        }
        throw new AssertionError("no " + what + " within " + INVOKE_TIMEOUT_MS + " ms\n" + output());
    }

    /** Everything the function wrote so far. */
    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        api.stop(0);
        threads.shutdownNow();
    }

    /** GET next: a long poll, as on AWS; it answers when the test hands over an event. */
    private void next(HttpExchange exchange) throws IOException {
        try (exchange) {
            ready.complete(null);
            Invocation invocation;
            try {
                invocation = pending.take();
            } catch (InterruptedException e) {
                exchange.sendResponseHeaders(500, -1);
                return;
            }
            var headers = exchange.getResponseHeaders();
            headers.set("Content-Type", "application/json");
            headers.set("Lambda-Runtime-Aws-Request-Id", invocation.id);
            headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + INVOKE_TIMEOUT_MS));
            headers.set("Lambda-Runtime-Invoked-Function-Arn", FUNCTION_ARN);
            headers.set("Lambda-Runtime-Trace-Id", "Root=1-6740a7b2-3c1f6e0d4a5b6c7d8e9f0a1b;Parent=53995c3f42cd8ad8;Sampled=0");
            // The runtime's native client reads these as strings even when the invocation has none.
            headers.set("Lambda-Runtime-Client-Context", "");
            headers.set("Lambda-Runtime-Cognito-Identity", "");
            headers.set("Lambda-Runtime-Aws-Tenant-Id", "");
            exchange.sendResponseHeaders(200, invocation.event.length);
            exchange.getResponseBody().write(invocation.event);
        }
    }

    /** POST {id}/response or {id}/error. */
    private void report(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] parts = exchange.getRequestURI().getPath().substring((API + "/invocation/").length()).split("/");
            byte[] body = exchange.getRequestBody().readAllBytes();
            CompletableFuture<Outcome> outcome = parts.length == 2 ? outcomes.remove(parts[0]) : null;
            if (outcome == null || !"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            boolean error = parts[1].equals("error");
            outcome.complete(new Outcome(error, error ? exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type") : null,
                    new String(body, StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(202, -1);
        }
    }

    private void initError(HttpExchange exchange) throws IOException {
        try (exchange) {
            initError.complete(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(202, -1);
        }
    }

    private record Invocation(String id, byte[] event) {
    }

    /**
     * What the runtime posted back: the handler's answer serialized to JSON, or (error) the runtime's
     * report of an exception the handler threw, with its error type.
     */
    record Outcome(boolean error, String errorType, String payload) {
    }
}
