package sai.gateway.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import sai.gateway.testing.GatewayProcess;
import sai.gateway.testing.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Claude Code itself (the npm package's CLI, headless) against the shipped jar in the demo environment, behind an
 * access key given as {@code ANTHROPIC_AUTH_TOKEN}: a plain turn, and a Bash tool round trip that Claude Code really
 * runs. Claude Code hides a stream it cannot use (it repeats the turn with {@code stream:false}), so the gateway's
 * log must show exactly one streamed request per turn and none without streaming.
 *
 * <p>Skips when the CLI is not installed: {@code .ci/run} installs it with npm into {@value #DEFAULT_PREFIX} under the
 * home directory; {@code -Dclaude.bin=/path/to/claude} points elsewhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClaudeCodeCliIT {

    static final String DEFAULT_PREFIX = ".cache/sai-gateway/claude-code";
    private static final String ACCESS_KEY = "gw-it-claude-code-9e41a7d3";

    private GatewayProcess gateway;
    private Path home;

    private static Optional<Path> cli() {
        String configured = System.getProperty("claude.bin");
        Path path = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), DEFAULT_PREFIX, "node_modules", ".bin", "claude");
        return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
    }

    @BeforeAll
    void start() throws IOException {
        assumeTrue(cli().isPresent(), "Claude Code is not installed (npm install --prefix ~/" + DEFAULT_PREFIX
                + " @anthropic-ai/claude-code@2.1.332, or -Dclaude.bin=...): skipping the real-CLI test");
        gateway = GatewayProcess.bare()
                .env("MICRONAUT_ENVIRONMENTS", "demo")
                .env("GATEWAY_API_KEYS", ACCESS_KEY)
                .start().awaitHealthy();
        home = Files.createTempDirectory("claude-home-");
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aPlainTurnIsOneStreamedRequest() throws Exception {
        int before = requestLines().size();

        JsonNode result = claude("Hola, ¿cómo estás?");

        assertThat(result.path("is_error").asBoolean(true)).as(result.toString()).isFalse();
        assertThat(result.path("subtype").asText()).isEqualTo("success");
        assertThat(result.path("result").asText()).contains("[SAI simulator]").contains("Hola");
        assertThat(result.path("usage").path("output_tokens").asLong()).isPositive();
        assertThat(requestLines().subList(before, requestLines().size())).hasSize(1).allMatch(l -> l.contains("stream=true"));
        assertNoKeyInTheLog();
    }

    @Test
    void aBashToolRoundTripRunsTheToolAndAnswers() throws Exception {
        int before = requestLines().size();

        JsonNode result = claude("List the files [sim:tool=Bash]", "--allowedTools", "Bash");

        assertThat(result.path("is_error").asBoolean(true)).as(result.toString()).isFalse();
        assertThat(result.path("num_turns").asInt()).isEqualTo(2);
        // The simulator echoes the tool result it was sent: Claude Code ran the call and sent its output back.
        assertThat(result.path("result").asText()).contains("Tool result received").contains("(Bash)");
        List<String> turns = requestLines().subList(before, requestLines().size());
        assertThat(turns).hasSize(2).allMatch(l -> l.contains("stream=true"));
        assertThat(turns.get(1)).contains("TOOL=1");
        assertNoKeyInTheLog();
    }

    private JsonNode claude(String prompt, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(cli().orElseThrow().toString(), "-p", prompt, "--output-format", "json"));
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", home.toString());
        env.put("IS_SANDBOX", "1"); // CI runs as root, where Claude Code refuses to run tools otherwise
        env.put("DISABLE_TELEMETRY", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("CLAUDE_CODE_MAX_RETRIES", "0");
        env.put("ANTHROPIC_BASE_URL", "http://127.0.0.1:" + gateway.port());
        env.put("ANTHROPIC_AUTH_TOKEN", ACCESS_KEY);
        env.put("ANTHROPIC_MODEL", "sai-model");
        env.put("ANTHROPIC_SMALL_FAST_MODEL", "sai-model");
        Path out = Files.createTempFile(home, "claude-", ".json");
        Path err = Files.createTempFile(home, "claude-", ".err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean done = process.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            process.destroyForcibly();
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(done).as("claude finished within 120 s; stderr: %s", Files.readString(err)).isTrue();
        assertThat(process.exitValue()).as("exit of claude; stdout %s; stderr %s", stdout, Files.readString(err)).isZero();
        return Json.parse(stdout.strip());
    }

    /** The gateway's one line per request that reached the pipeline. */
    private List<String> requestLines() {
        return gateway.logFileLines().stream().filter(l -> l.contains("[CLIENT -> SERVER]") && l.contains(" messages | ")).toList();
    }

    private void assertNoKeyInTheLog() {
        assertThat(gateway.logFileLines()).noneMatch(l -> l.contains(ACCESS_KEY));
        assertThat(gateway.output()).doesNotContain(ACCESS_KEY);
    }
}
