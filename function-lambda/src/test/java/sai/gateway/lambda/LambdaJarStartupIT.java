package sai.gateway.lambda;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import sai.gateway.testing.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployable jar's init, in a fresh JVM through the cold-start probe (the REST handler's real init), with
 * what operators switch: {@code LOG_FORMAT=json} logs JSON lines, and a broken configuration fails the init
 * with the same one-line reports the container prints.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LambdaJarStartupIT {

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
    void jsonLogsAreOneObjectPerLine() throws Exception {
        Run run = probe(Map.of("LOG_FORMAT", "json"));

        assertThat(run.exitCode).as(run.output).isZero();
        List<String> logLines = run.output.lines().filter(l -> !l.startsWith("{\"probe\":")).toList();
        assertThat(logLines).as(run.output).isNotEmpty().allSatisfy(line -> {
            assertThat(line).startsWith("{").endsWith("}");
            assertThat(Json.parse(line).path("logger_name").asText()).isNotBlank();
        });
    }

    @Test
    void aBrokenConfigurationFailsTheInitWithTheContainersLines() throws Exception {
        Run run = probe(Map.of("SAI_URL", "", "REQUEST_TIMEOUT", "abc"));

        assertThat(run.exitCode).isNotZero();
        assertThat(run.output.lines()).contains(
                "Configuration error: REQUEST_TIMEOUT must be a whole number of seconds from 1 to 86400, for example 600 (got \"abc\")");
        assertThat(run.output).contains(
                "Configuration error: SAI_URL is required: set it to SAI's base URL, for example https://sai.example.com");
    }

    private Run probe(Map<String, String> overrides) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "models").redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("SAI_URL", sai.baseUrl());
        builder.environment().put("SAI_TEMPLATE_ID", LambdaFixture.TEMPLATE_ID);
        builder.environment().put("SAI_KEY", LambdaFixture.SYSTEM_KEY);
        builder.environment().putAll(overrides);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private record Run(int exitCode, String output) {
    }
}
