package sai.gateway.lambda;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import sai.gateway.testing.Json;
import sai.gateway.testing.SaiCalls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployable jar itself: what it holds, its init with what operators switch, and a cold start of it in a
 * fresh JVM (ColdStartProbe: the handler's real init, every singleton created, then one API Gateway event)
 * against WireMock as SAI.
 * Timings are printed for the record, never asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LambdaJarIT {

    private final Path jar = Path.of(System.getProperty("lambda.jar", "target/function-lambda-0.1.0.jar"));
    private WireMockServer sai;

    @BeforeAll
    void start() {
        sai = LambdaFixture.startSai();
    }

    @AfterAll
    void stop() {
        sai.stop();
    }

    @Test
    void holdsTheHandlersAndTheLambdaLoggingButNoNettyServerOrEpoll() throws IOException {
        try (JarFile built = new JarFile(jar.toFile())) {
            assertThat(built.stream().map(e -> e.getName()).filter(n -> n.startsWith("io/micronaut/http/server/netty/")))
                    .as("micronaut-http-server-netty classes").isEmpty();
            assertThat(built.stream().map(e -> e.getName()).filter(n -> n.startsWith("io/netty/channel/epoll/") || n.contains("netty_transport_native_epoll")))
                    .as("Netty's epoll transport (the container's; the handler serves requests here)").isEmpty();
            assertThat(built.getEntry("io/micronaut/function/aws/proxy/payload1/ApiGatewayProxyRequestEventFunction.class")).isNotNull();
            assertThat(built.getEntry("sai/gateway/lambda/HttpApiFunction.class")).isNotNull();
            assertThat(built.getEntry("sai/gateway/chat/ChatCompletionsController.class")).isNotNull();
            assertThat(built.getEntry("application-lambda.yml")).isNotNull();
            assertThat(built.getEntry("application-function.yml")).isNotNull();
            String logback = new String(built.getInputStream(built.getEntry("logback.xml")).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(logback).as("this module's logback.xml, not the container's").doesNotContain("BatchingAppender", "sai_handler.log");
        }
    }

    @Test
    void aFreshJvmAnswersItsFirstChatEvent() throws Exception {
        sai.stubFor(post(urlPathEqualTo(LambdaFixture.EXECUTE_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("prompttokens", "3").withHeader("completiontokens", "2").withBody("warm enough")));

        ProbeRun run = probe("chat");

        assertThat(run.exitCode).as(run.output).isZero();
        assertThat(Json.parse(run.timings).path("status").asInt()).isEqualTo(200);
        SaiCalls.assertApiKey(SaiCalls.single(sai.findAll(postRequestedFor(urlPathEqualTo(LambdaFixture.EXECUTE_PATH)))),
                LambdaFixture.SYSTEM_KEY);
        System.out.println("[cold start, chat] " + run.timings);
    }

    @Test
    void initStopsWithAMessageNamingTheMissingVariable() throws Exception {
        ProbeRun run = probe("models", "SAI_URL", "");

        assertThat(run.exitCode).isNotZero();
        assertThat(run.output).contains("SAI_URL is required");
    }

    /** What operators switch, on the deployable jar's init: LOG_FORMAT=json logs JSON lines. */
    @Test
    void jsonLogsAreOneObjectPerLine() throws Exception {
        ProbeRun run = probe("models", "LOG_FORMAT", "json");

        assertThat(run.exitCode).as(run.output).isZero();
        List<String> logLines = run.output.lines().filter(l -> !l.startsWith("{\"probe\":")).toList();
        assertThat(logLines).as(run.output).isNotEmpty().allSatisfy(line -> {
            assertThat(line).startsWith("{").endsWith("}");
            assertThat(Json.parse(line).path("logger_name").asText()).isNotBlank();
        });
    }

    /** A broken configuration fails the init with the same one-line reports the container prints. */
    @Test
    void aBrokenConfigurationFailsTheInitWithTheContainersLines() throws Exception {
        ProbeRun run = probe("models", "SAI_URL", "", "REQUEST_TIMEOUT", "abc");

        assertThat(run.exitCode).isNotZero();
        assertThat(run.output.lines()).contains(
                "Configuration error: REQUEST_TIMEOUT must be a whole number of seconds from 1 to 86400, for example 600 (got \"abc\")");
        assertThat(run.output).contains(
                "Configuration error: SAI_URL is required: set it to SAI's base URL, for example https://sai.example.com");
    }

    /**
     * The SAI exchange must end before Lambda stops the function, or the client gets no error and no usage record is
     * written: a REQUEST_TIMEOUT within 10 s of FUNCTION_TIMEOUT (which the template sets) is refused at init, and so is
     * a Lambda that knows neither.
     */
    @Test
    void aRequestTimeoutTooCloseToTheFunctionsTimeoutFailsTheInit() throws Exception {
        ProbeRun close = probe("models", "FUNCTION_TIMEOUT", "120", "REQUEST_TIMEOUT", "115");
        ProbeRun neither = probe("models", "FUNCTION_TIMEOUT", "");
        ProbeRun fine = probe("models", "FUNCTION_TIMEOUT", "120", "REQUEST_TIMEOUT", "110");

        assertThat(close.exitCode).isNotZero();
        assertThat(close.output.lines()).contains("Configuration error: REQUEST_TIMEOUT must be at most 110, 10 seconds below FUNCTION_TIMEOUT"
                + " (120), so that the gateway answers before Lambda stops the function; unset, it is that (got \"115\")");
        assertThat(neither.exitCode).isNotZero();
        assertThat(neither.output.lines()).contains("Configuration error: REQUEST_TIMEOUT is required (a whole number of seconds,"
                + " for example 600) unless FUNCTION_TIMEOUT, the Lambda function's timeout, is set");
        assertThat(fine.exitCode).as(fine.output).isZero();
    }

    /** Without REQUEST_TIMEOUT, a SAI that takes longer than FUNCTION_TIMEOUT less 10 s is answered 504 at that point. */
    @Test
    void withoutRequestTimeoutTheExchangeEndsTenSecondsBeforeTheFunctionWould() throws Exception {
        sai.stubFor(post(urlPathEqualTo(LambdaFixture.EXECUTE_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"response\":\"late\"}").withFixedDelay(20_000)));

        long started = System.nanoTime();
        ProbeRun run = probe("chat", "FUNCTION_TIMEOUT", "20", "MAX_RETRIES", "0");
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;

        assertThat(Json.parse(run.timings).path("status").asInt()).as(run.output).isEqualTo(504);
        assertThat(seconds).as("the probe ends after the 10 s timeout, not after SAI's 20 s").isBetween(9L, 19L);
    }

    /**
     * The probe in a fresh JVM with only the variables given here: an operator's own SAI_URL or SAI_SECRET_ID in the
     * build's environment must not make a test pass or fail.
     */
    private ProbeRun probe(String kind, String... overrides) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), kind).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("SAI_URL", sai.baseUrl());
        builder.environment().put("SAI_TEMPLATE_ID", LambdaFixture.TEMPLATE_ID);
        builder.environment().put("SAI_KEY", LambdaFixture.SYSTEM_KEY);
        builder.environment().put("FUNCTION_TIMEOUT", "120");
        for (int i = 0; i < overrides.length; i += 2) {
            builder.environment().put(overrides[i], overrides[i + 1]);
        }
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        String text = new String(output, StandardCharsets.UTF_8);
        String timings = text.lines().filter(l -> l.startsWith("{\"probe\":\"cold-start\"")).findFirst().orElse("{}");
        return new ProbeRun(process.exitValue(), text, timings);
    }

    private record ProbeRun(int exitCode, String output, String timings) {
    }
}
