package sai.gateway.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * infra/template.yaml through cfn-lint, AWS's own CloudFormation linter (aws-cloudformation/cfn-lint): it runs the SAM
 * transform, then checks every resource's type and properties against CloudFormation's resource schemas (an unknown
 * ResponseTransferMode, a runtime Lambda no longer creates, a SnapStart function without a version). No error and no
 * warning may be reported, and no rule is ignored. Informational findings (cfn-lint's "I" rules, off unless asked
 * for) are not asked for.
 *
 * <p>cfn-lint is a Python tool, run as a process (`pip install cfn-lint`; .ci/run installs a pinned version). Without
 * it the checks skip and say so, unless -Dcfnlint.required=true (.ci/run passes it) or the CI variable is set, where
 * a missing linter fails. -Dcfnlint.executable=/path/to/cfn-lint picks another one. The CodeUri artifacts need not
 * exist: cfn-lint replaces local CodeUri paths with an S3 placeholder before the transform.
 */
class TemplateLintIT {

    static final String REQUIRED_PROPERTY = "cfnlint.required";
    private static final String INSTALL = "pip install cfn-lint; .ci/run does it";
    private static final String MISSING = "cfn-lint is not installed (" + INSTALL + "): the lint of infra/template.yaml is skipped";
    private static final String MISSING_REQUIRED = "cfn-lint is not installed (" + INSTALL + "), and -D" + REQUIRED_PROPERTY
            + "=true (or the CI variable) makes that a failure: the template must pass AWS's linter";

    private final Path templatePath = Path.of(System.getProperty("sam.template", "../infra/template.yaml")).toAbsolutePath().normalize();

    @Test
    void theTemplatePassesCfnLintWithoutErrorsOrWarnings() throws Exception {
        Path cfnLint = cfnLint();
        Run run = run(cfnLint, templatePath);

        assertThat(run.findings()).as("cfn-lint findings on %s (%s)", templatePath, version(cfnLint)).isEmpty();
        assertThat(run.exitCode()).as("cfn-lint's exit code; stderr: %s", run.stderr()).isZero();
    }

    @Test
    void cfnLintReportsWhatThisTemplateMustNotDo() throws Exception {
        Path cfnLint = cfnLint();
        String template = Files.readString(templatePath);
        String broken = template.replace("ResponseTransferMode: STREAM", "ResponseTransferMode: STREAMED")
                .replace("Runtime: java21", "Runtime: java17");
        assertThat(broken).as("both lines are in the template").isNotEqualTo(template)
                .doesNotContain("ResponseTransferMode: STREAM\n", "Runtime: java21");
        Path copy = Files.createTempFile(Path.of("target"), "template-broken-", ".yaml");
        try {
            Files.writeString(copy, broken);
            Run run = run(cfnLint, copy);
            assertThat(run.findings()).extracting(f -> f.at("/Rule/Id").asText())
                    .as("an unknown transfer mode (schema enum) and a runtime CloudFormation no longer creates")
                    .contains("E3030", "E2533");
            assertThat(run.exitCode()).as("errors set bit 2 of the exit code").isNotZero().matches(c -> (c & 2) != 0);
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    private record Run(int exitCode, List<JsonNode> findings, String stderr) {
    }

    private static Run run(Path cfnLint, Path template) throws IOException, InterruptedException {
        Path out = Files.createTempFile("cfn-lint-", ".json");
        Path err = Files.createTempFile("cfn-lint-", ".err");
        try {
            Process process = new ProcessBuilder(cfnLint.toString(), "--format", "json", "--", template.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("cfn-lint did not finish within 180 s");
            }
            String stdout = Files.readString(out);
            String stderr = Files.readString(err);
            List<JsonNode> findings = new ArrayList<>();
            if (!stdout.isBlank()) {
                JsonNode parsed = SamTemplate.JSON.readTree(stdout);
                assertThat(parsed.isArray()).as("cfn-lint's JSON output: %s; stderr: %s", stdout, stderr).isTrue();
                parsed.forEach(findings::add);
            }
            // cfn-lint exits 1 when it fails itself (bad arguments, a crash): never a clean run.
            assertThat(process.exitValue()).as("cfn-lint crashed: %s", stderr).isNotEqualTo(1);
            return new Run(process.exitValue(), findings, stderr);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String version(Path cfnLint) {
        try {
            Process process = new ProcessBuilder(cfnLint.toString(), "--version").redirectErrorStream(true).start();
            process.waitFor(60, TimeUnit.SECONDS);
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException | InterruptedException e) {
            return "version unknown: " + e;
        }
    }

    private static Path cfnLint() {
        Optional<Path> found = Optional.ofNullable(System.getProperty("cfnlint.executable")).map(Path::of).filter(Files::isExecutable)
                .or(TemplateLintIT::onPath);
        if (found.isEmpty()) {
            if (required()) {
                fail(MISSING_REQUIRED);
            }
            Assumptions.abort(MISSING);
        }
        return found.get();
    }

    private static Optional<Path> onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "cfn-lint");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** Like the browser tests (testing/Browser): -Dcfnlint.required=true or a set CI variable turns a skip into a failure. */
    private static boolean required() {
        String ci = System.getenv("CI");
        return Boolean.getBoolean(REQUIRED_PROPERTY) || (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false"));
    }
}
