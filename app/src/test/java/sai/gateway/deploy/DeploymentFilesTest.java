package sai.gateway.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container files checked against the application they deploy, so that neither can drift from
 * the other unnoticed: a variable the app no longer reads, a secret it does not look for, a health
 * check on the wrong path or port, an entrypoint that runs a jar the build no longer makes.
 */
class DeploymentFilesTest {

    /** Read by the JVM or the OS rather than by application.yml or logback.xml. */
    private static final Set<String> RUNTIME_VARIABLES = Set.of("MICRONAUT_ENVIRONMENTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "TZ");
    /** What the demo service must not pass, not even empty: each would override the simulator's defaults. */
    private static final Set<String> DEMO_FORBIDDEN = Set.of("SAI_URL", "SAI_TEMPLATE_ID", "SAI_KEY", "SAI_COOKIE", "SAI_KEY_FILE", "SAI_COOKIE_FILE");
    private static final String SWARM_SECRETS = "/run/secrets/";
    private static final Pattern YML_PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");
    private static final Pattern LOGBACK_PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):-");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Path root = repositoryRoot();
    private final JsonNode compose = yaml(root.resolve("docker/docker-compose.yml"));
    private final JsonNode stack = yaml(root.resolve("docker/docker-stack.yml"));
    private final JsonNode stackGateway = stack.at("/services/gateway");
    private final JsonNode application = yaml(root.resolve("app/src/main/resources/application.yml"));
    private final Dockerfile dockerfile = Dockerfile.read(root.resolve("docker/Dockerfile"));
    private final String dockerReadme = read(root.resolve("docker/README.md"));

    @Test
    void composeAndStackSetOnlyVariablesTheAppReads() {
        Set<String> read = variablesTheAppReads();
        compose.path("services").fields().forEachRemaining(service ->
                assertThat(environment(service.getValue()).keySet()).as("compose service %s", service.getKey()).isSubsetOf(read));
        assertThat(environment(stackGateway).keySet()).as("stack").isSubsetOf(read);
        assertThat(dockerfile.env().keySet()).as("Dockerfile ENV").isSubsetOf(read);
    }

    @Test
    void envExampleListsEveryConfigurationVariableWithAComment() throws IOException {
        List<String> lines = Files.readAllLines(root.resolve("docker/.env.example"));
        Pattern assignment = Pattern.compile("^#?\\s*([A-Z][A-Z0-9_]*)=.*");
        Set<String> listed = new LinkedHashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = assignment.matcher(lines.get(i));
            if (m.matches()) {
                listed.add(m.group(1));
                String previous = i == 0 ? "" : lines.get(i - 1);
                assertThat(previous).as("the line above %s explains it", m.group(1)).startsWith("#").doesNotMatch(assignment.pattern());
            }
        }
        assertThat(listed).isSubsetOf(variablesTheAppReads());
        assertThat(listed).containsAll(readmeConfigurationVariables());
    }

    @Test
    void stackMountsTheSecretsTheAppReadsFromRunSecrets() {
        Set<String> secretVariables = placeholders(application.path("secrets").toString());
        Map<String, String> env = environment(stackGateway);
        Set<String> targets = new TreeSet<>();
        for (JsonNode secret : stackGateway.path("secrets")) {
            String source = secret.isTextual() ? secret.asText() : secret.path("source").asText();
            String target = secret.isTextual() ? source : secret.path("target").asText(source);
            targets.add(target);
            assertThat(stack.at("/secrets/" + source + "/external").asBoolean()).as("secret %s is created outside the stack", source).isTrue();
            List<String> readers = env.entrySet().stream()
                    .filter(e -> e.getValue().equals(SWARM_SECRETS + target))
                    .map(Map.Entry::getKey)
                    .toList();
            assertThat(readers).as("a variable points at %s%s", SWARM_SECRETS, target).isNotEmpty();
            assertThat(secretVariables).as("the app reads secrets from these variables").containsAll(readers);
        }
        assertThat(targets).containsExactly("SAI_COOKIE", "SAI_KEY");
        assertThat(env).doesNotContainKeys("SAI_KEY_FILE", "SAI_COOKIE_FILE");
    }

    @Test
    void healthChecksProbeTheAppsHealthEndpointOnItsPort() {
        int appPort = Integer.parseInt(placeholderDefault(application.at("/micronaut/server/port").asText()).orElseThrow());
        assertThat(application.at("/endpoints/health/enabled").asBoolean()).isTrue();
        assertThat(application.at("/endpoints/health/sensitive").asBoolean(true)).as("/health answers without credentials").isFalse();
        assertThat(application.at("/endpoints/all/path").isMissingNode()).as("endpoints stay at the root").isTrue();
        String expected = "http://127.0.0.1:" + appPort + "/health";

        assertThat(resolveShellDefaults(dockerfile.single("HEALTHCHECK"))).contains("curl -fsS -o /dev/null \"" + expected + "\"");
        assertThat(dockerfile.single("EXPOSE")).isEqualTo(Integer.toString(appPort));
        String stackCheck = String.join(" ", texts(stackGateway.at("/healthcheck/test")));
        assertThat(stackCheck).startsWith("CMD-SHELL ").contains("curl -fsS -o /dev/null " + expected + " ");
        assertThat(stackGateway.at("/ports/0/target").asInt()).isEqualTo(appPort);
        assertThat(environment(stackGateway)).doesNotContainKey("PORT");
        assertThat(resolveShellDefaults(compose.at("/services/gateway/ports/0").asText())).isEqualTo(appPort + ":" + appPort);
        assertThat(compose.at("/services/demo/ports/0").asText()).endsWith(":" + appPort);
    }

    @Test
    void entrypointRunsTheJarTheBuildProduces() {
        String artifact = builtJarName();
        Matcher copy = Pattern.compile("cp (app/target/\\S+) (\\S+)").matcher(dockerfile.stage(0).stream()
                .filter(i -> i.keyword().equals("RUN")).map(Instruction::args).reduce("", String::concat));
        assertThat(copy.find()).as("stage 1 copies the jar out of app/target").isTrue();
        Path built = Path.of(copy.group(1));
        assertThat(FileSystems.getDefault().getPathMatcher("glob:" + copy.group(1)).matches(Path.of("app/target", artifact)))
                .as("%s matches %s", copy.group(1), artifact).isTrue();
        assertThat(FileSystems.getDefault().getPathMatcher("glob:" + copy.group(1)).matches(Path.of("app/target", "original-" + artifact)))
                .as("the shade plugin's original jar is left out").isFalse();
        assertThat(built.getParent()).isEqualTo(Path.of("app/target"));

        List<String> fromBuild = dockerfile.stage(1).stream()
                .filter(i -> i.keyword().equals("COPY") && i.args().contains("--from=build")).map(Instruction::args).toList();
        assertThat(fromBuild).hasSize(1);
        List<String> copyArgs = Dockerfile.tokens(fromBuild.get(0)).stream().filter(t -> !t.startsWith("--")).toList();
        assertThat(copyArgs).hasSize(2);
        assertThat(copyArgs.get(0)).isEqualTo(copy.group(2));
        assertThat(Dockerfile.jsonArray(dockerfile.single("ENTRYPOINT"))).containsExactly("java", "-jar", copyArgs.get(1));
    }

    @Test
    void imageBuildsTheAppModuleWithTheWrapperAndTheProjectsJavaVersion() {
        Document parent = xml(root.resolve("pom.xml"));
        assertThat(dockerfile.copiedSources()).contains("mvnw", ".mvn", "pom.xml", "app/pom.xml", "app/src");
        assertThat(directChild((Element) xml(root.resolve("app/pom.xml")).getElementsByTagName("parent").item(0), "relativePath"))
                .as("app/pom.xml finds its parent at ../pom.xml").isEmpty();
        List<String> runs = dockerfile.stage(0).stream().filter(i -> i.keyword().equals("RUN")).map(Instruction::args).toList();
        // -f app/pom.xml: Maven reads no other module, so a new module needs nothing in the Dockerfile.
        assertThat(runs.get(0)).as("dependencies resolve in their own cached layer, before the sources arrive")
                .contains("./mvnw", "-f app/pom.xml", "dependency:go-offline");
        assertThat(runs.get(1)).contains("./mvnw", "-f app/pom.xml", "package", "-DskipTests");
        assertThat(dockerfile.instructions().indexOf(dockerfile.stage(0).stream().filter(i -> i.args().startsWith("app/src")).findFirst().orElseThrow()))
                .as("sources are copied after the dependency layer")
                .isGreaterThan(dockerfile.instructions().indexOf(dockerfile.stage(0).stream().filter(i -> i.args().contains("go-offline")).findFirst().orElseThrow()));

        String java = parent.getElementsByTagName("jdk.version").item(0).getTextContent().trim();
        assertThat(dockerfile.stage(0).get(0).args()).matches("\\S+:" + java + "-jdk\\S* AS build");
        assertThat(dockerfile.stage(1).get(0).args()).matches("\\S+:" + java + "-jre\\S*");
    }

    @Test
    void imageRunsUnprivilegedWithTheOldGatewaysTimeZoneAndContainerAwareHeap() {
        assertThat(dockerfile.single("USER")).isNotIn("root", "0");
        assertThat(dockerfile.env()).containsEntry("TZ", "America/Guayaquil").containsEntry("LOG_DIR", "/app/logs");
        assertThat(dockerfile.env().get("JDK_JAVA_OPTIONS")).contains("-XX:MaxRAMPercentage=75");
    }

    @Test
    void stackStopsReplicasOnlyAfterTheirGracePeriod() {
        Duration grace = Duration.ofSeconds(Long.parseLong(placeholderDefault(
                environment(stackGateway).getOrDefault("SHUTDOWN_GRACE_SECONDS", appGraceSecondsPlaceholder())).orElseThrow()));
        assertThat(application.at("/micronaut/lifecycle/graceful-shutdown/enabled").asBoolean()).isTrue();
        // Ten seconds beyond the grace: after it, the context closes and Netty's event loops wind down.
        Duration margin = Duration.ofSeconds(10);
        assertThat(duration(stackGateway.path("stop_grace_period").asText())).isGreaterThanOrEqualTo(grace.plus(margin));
        Duration appDefault = Duration.ofSeconds(Long.parseLong(placeholderDefault(appGraceSecondsPlaceholder()).orElseThrow()));
        assertThat(duration(compose.at("/services/gateway/stop_grace_period").asText())).isGreaterThanOrEqualTo(appDefault.plus(margin));
    }

    @Test
    void stackRunsEightHealthGatedReplicasWhereTheOldGatewayRan() {
        JsonNode deploy = stackGateway.path("deploy");
        assertThat(deploy.path("replicas").asInt()).isEqualTo(8);
        assertThat(texts(deploy.at("/placement/constraints"))).containsExactlyInAnyOrder(
                "node.role == worker", "node.labels.db != true", "node.labels.type != master", "node.labels.type != test");
        JsonNode update = deploy.path("update_config");
        assertThat(update.path("order").asText()).isEqualTo("start-first");
        assertThat(update.path("failure_action").asText()).isEqualTo("rollback");
        assertThat(update.path("parallelism").asInt()).isPositive();
        assertThat(duration(update.path("delay").asText())).isPositive();
        assertThat(duration(update.path("monitor").asText())).isPositive();
        assertThat(deploy.path("rollback_config").path("order").asText()).isEqualTo("start-first");
        assertThat(stackGateway.at("/healthcheck/test").isMissingNode()).isFalse();
        assertThat(deploy.at("/resources/limits/memory").asText()).isNotBlank();
        assertThat(deploy.at("/resources/limits/cpus").asText()).isNotBlank();
        assertThat(deploy.at("/resources/reservations/memory").asText()).isNotBlank();
    }

    @Test
    void logsLandInTheMountedDirectory() {
        String logDir = dockerfile.env().get("LOG_DIR");
        JsonNode stackMount = stackGateway.path("volumes").get(0);
        assertThat(stackMount.path("type").asText()).isEqualTo("bind");
        assertThat(stackMount.path("source").asText()).startsWith("/var/log/");
        assertThat(stackMount.path("target").asText()).isEqualTo(logDir);
        assertThat(environment(stackGateway).get("LOG_DIR")).startsWith(logDir + "/");

        JsonNode gateway = compose.at("/services/gateway");
        assertThat(texts(gateway.path("volumes"))).containsExactly("./logs:" + logDir);
        assertThat(environment(gateway)).containsEntry("LOG_DIR", logDir);
    }

    @Test
    void everySwarmTaskWritesItsOwnLogDirectory() {
        // A start-first update runs the old and the new task of a slot side by side: a directory per slot
        // would have two processes writing (and rotating) one file.
        String logDir = environment(stackGateway).get("LOG_DIR");
        assertThat(logDir).as("LOG_DIR of the stack").containsAnyOf("{{.Task.Name}}", "{{.Task.ID}}");
        assertThat(dockerReadme).as("docker/README.md names the per-task log path").contains(
                logDir.replace(dockerfile.env().get("LOG_DIR"), stackGateway.path("volumes").get(0).path("source").asText()));
    }

    @Test
    void dockerReadmeStatesWhatTheSwarmStackNeedsFromTheCluster() {
        JsonNode deploy = stackGateway.path("deploy");
        assertThat(texts(deploy.at("/placement/constraints"))).contains("node.role == worker");
        assertThat(dockerReadme).as("a worker node is required").contains("node.role == worker");
        // During an update, start-first runs `parallelism` replicas more than `replicas`: their reservations must fit.
        int parallelism = deploy.at("/update_config/parallelism").asInt();
        int extra = deploy.path("replicas").asInt() + parallelism;
        String cpus = deploy.at("/resources/reservations/cpus").asText();
        assertThat(dockerReadme).as("the capacity an update needs, in docker/README.md").contains(
                "`parallelism: " + parallelism + "`", cpus + " CPU", extra + " replicas", "Pending");
        assertThat(dockerReadme).as("what to do with an update stuck Pending").contains("docker service rollback");
    }

    @Test
    void aFailedUpdateRollsBackWithinItsMonitorWindow() {
        JsonNode deploy = stackGateway.path("deploy");
        JsonNode update = deploy.path("update_config");
        assertThat(update.path("failure_action").asText()).isEqualTo("rollback");
        assertThat(update.path("max_failure_ratio").asDouble(1)).isZero();
        // A replica that never turns healthy is marked unhealthy after start_period + retries x interval;
        // the monitor window must last that long, or the update moves on before the failure counts.
        JsonNode health = stackGateway.path("healthcheck");
        Duration unhealthyAfter = duration(health.path("start_period").asText())
                .plus(duration(health.path("interval").asText()).multipliedBy(health.path("retries").asInt()));
        assertThat(duration(update.path("monitor").asText())).isGreaterThanOrEqualTo(unhealthyAfter);
        JsonNode rollback = deploy.path("rollback_config");
        assertThat(rollback.path("order").asText()).isEqualTo("start-first");
        assertThat(duration(rollback.path("monitor").asText())).isGreaterThanOrEqualTo(unhealthyAfter);
    }

    @Test
    void composeFileFormsThatNeedANewerComposeAreNamedInTheReadme() {
        JsonNode envFile = compose.at("/services/gateway/env_file/0");
        if (envFile.has("path") || envFile.has("required")) {
            assertThat(dockerReadme).as("env_file with path/required needs Compose 2.24").contains("Compose 2.24")
                    .contains("`required`");
        }
    }

    @Test
    void composeRunsTheGatewayFromDotEnvAndTheDemoWithoutCredentials() {
        JsonNode gateway = compose.at("/services/gateway");
        assertThat(gateway.at("/env_file/0/path").asText(gateway.at("/env_file/0").asText())).isEqualTo(".env");
        assertThat(gateway.at("/build/dockerfile").asText()).isEqualTo("docker/Dockerfile");
        assertThat(root.resolve("docker").resolve(gateway.at("/build/context").asText()).normalize()).isEqualTo(root.normalize());

        JsonNode demo = compose.at("/services/demo");
        assertThat(environment(demo).get("MICRONAUT_ENVIRONMENTS")).contains("demo");
        assertThat(environment(demo)).doesNotContainKeys(DEMO_FORBIDDEN.toArray(String[]::new));
        assertThat(demo.has("env_file")).as("the demo reads no .env").isFalse();
    }

    // ---- the app's side -------------------------------------------------------------------------------

    /** Every NAME in {@code ${NAME:...}} of application*.yml and {@code ${NAME:-...}} of logback.xml. */
    private Set<String> variablesTheAppReads() {
        Set<String> names = new TreeSet<>(RUNTIME_VARIABLES);
        Path resources = root.resolve("app/src/main/resources");
        try (Stream<Path> files = Files.list(resources)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("application.*\\.ya?ml")).toList()) {
                names.addAll(placeholders(Files.readString(file)));
            }
            Matcher logback = LOGBACK_PLACEHOLDER.matcher(Files.readString(resources.resolve("logback.xml")));
            while (logback.find()) {
                names.add(logback.group(1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(names).as("sanity: the app's own variables were found").contains("SAI_URL", "SAI_KEY", "LOG_DIR", "SHUTDOWN_GRACE_SECONDS");
        return names;
    }

    private String appGraceSecondsPlaceholder() {
        String gracePeriod = application.at("/micronaut/lifecycle/graceful-shutdown/grace-period").asText();
        assertThat(placeholders(gracePeriod)).containsExactly("SHUTDOWN_GRACE_SECONDS");
        assertThat(gracePeriod).endsWith("}s");
        return gracePeriod.substring(0, gracePeriod.length() - 1);
    }

    /** The variables of the README's configuration table (first column, in backticks). */
    private Set<String> readmeConfigurationVariables() throws IOException {
        String readme = Files.readString(root.resolve("README.md"));
        String table = readme.substring(readme.indexOf("| Variable |"));
        table = table.substring(0, table.indexOf("\n\n"));
        Set<String> names = new TreeSet<>();
        for (String row : table.split("\n")) {
            String[] cells = row.split("\\|");
            if (cells.length > 1) {
                Matcher m = Pattern.compile("`([A-Z][A-Z0-9_]*)`").matcher(cells[1]);
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        assertThat(names).as("sanity: the README table was found").contains("SAI_URL", "PORT");
        return names;
    }

    private String builtJarName() {
        Document app = xml(root.resolve("app/pom.xml"));
        assertThat(app.getElementsByTagName("finalName").getLength()).as("the jar keeps Maven's default name").isZero();
        Element project = app.getDocumentElement();
        String artifactId = directChild(project, "artifactId").orElseThrow();
        String version = directChild(project, "version")
                .or(() -> directChild((Element) project.getElementsByTagName("parent").item(0), "version"))
                .orElseThrow();
        return artifactId + "-" + version + ".jar";
    }

    // ---- parsing helpers ----------------------------------------------------------------------------

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("docker/Dockerfile"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("repository root (a parent directory holding docker/Dockerfile)").isNotNull();
        return dir;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Document xml(Path file) {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        } catch (Exception e) {
            throw new IllegalStateException("cannot parse " + file, e);
        }
    }

    private static Optional<String> directChild(Element parent, String name) {
        for (org.w3c.dom.Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return Optional.of(e.getTextContent().trim());
            }
        }
        return Optional.empty();
    }

    /** A compose {@code environment:} block, map or list form. */
    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode node = service.path("environment");
        if (node.isArray()) {
            for (JsonNode entry : node) {
                String[] pair = entry.asText().split("=", 2);
                env.put(pair[0], pair.length > 1 ? pair[1] : "");
            }
        } else {
            node.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        }
        return env;
    }

    private static Set<String> placeholders(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = YML_PLACEHOLDER.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The default of a {@code ${NAME:default}} or compose {@code ${NAME:-default}}, or the text itself. */
    private static Optional<String> placeholderDefault(String value) {
        Matcher m = Pattern.compile("^\\$\\{[A-Z][A-Z0-9_]*:-?([^}]*)}$").matcher(value.trim());
        if (m.matches()) {
            return Optional.of(m.group(1));
        }
        return value.contains("${") ? Optional.empty() : Optional.of(value.trim());
    }

    /** {@code ${NAME:-default}} replaced by its default, as a shell or compose does when NAME is unset. */
    private static String resolveShellDefaults(String text) {
        return text.replaceAll("\\$\\{[A-Z][A-Z0-9_]*:-([^}]*)}", "$1");
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
            values.add(it.next().asText());
        }
        return values;
    }

    /** Compose durations: {@code 60s}, {@code 1m30s}, {@code 2m}. */
    private static Duration duration(String text) {
        Matcher m = Pattern.compile("(\\d+)(h|ms|m|s)").matcher(text);
        Duration total = Duration.ZERO;
        int consumed = 0;
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "ms" -> Duration.ofMillis(n);
                default -> Duration.ofSeconds(n);
            });
            consumed += m.group().length();
        }
        assertThat(consumed).as("duration %s", text).isEqualTo(text.length()).isPositive();
        return total;
    }

    /** One Dockerfile instruction, continuation lines joined. */
    record Instruction(String keyword, String args, int stage) {
    }

    /** Just enough of a Dockerfile parser for these checks. */
    record Dockerfile(List<Instruction> instructions) {

        static Dockerfile read(Path file) {
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<Instruction> instructions = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            int stage = -1;
            for (String line : text.split("\n")) {
                String trimmed = line.strip();
                if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                    continue;
                }
                boolean continues = trimmed.endsWith("\\");
                current.append(continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
                if (!continues) {
                    String joined = current.toString().strip().replaceAll("\\s+", " ");
                    current.setLength(0);
                    String[] parts = joined.split(" ", 2);
                    String keyword = parts[0].toUpperCase();
                    if (keyword.equals("FROM")) {
                        stage++;
                    }
                    instructions.add(new Instruction(keyword, parts.length > 1 ? parts[1] : "", stage));
                }
            }
            return new Dockerfile(instructions);
        }

        List<Instruction> stage(int index) {
            return instructions.stream().filter(i -> i.stage() == index).toList();
        }

        String single(String keyword) {
            List<String> found = instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::args).toList();
            assertThat(found).as("one %s instruction", keyword).hasSize(1);
            return found.get(0);
        }

        /** The final image's ENV (the runtime stage). */
        Map<String, String> env() {
            int last = instructions.get(instructions.size() - 1).stage();
            Map<String, String> env = new LinkedHashMap<>();
            for (Instruction i : stage(last)) {
                if (i.keyword().equals("ENV")) {
                    for (String token : tokens(i.args())) {
                        String[] pair = token.split("=", 2);
                        env.put(pair[0], pair.length > 1 ? pair[1] : "");
                    }
                }
            }
            return env;
        }

        /** Paths the build takes from the context (COPY without --from), without trailing slashes. */
        List<String> copiedSources() {
            List<String> sources = new ArrayList<>();
            for (Instruction i : instructions) {
                if (i.keyword().equals("COPY") && !i.args().contains("--from=")) {
                    List<String> args = tokens(i.args()).stream().filter(t -> !t.startsWith("--")).toList();
                    args.subList(0, args.size() - 1).forEach(s -> sources.add(s.replaceAll("/+$", "")));
                }
            }
            return sources;
        }

        /** Whitespace-separated tokens; double quotes group and are removed. */
        static List<String> tokens(String args) {
            List<String> tokens = new ArrayList<>();
            StringBuilder token = new StringBuilder();
            boolean quoted = false;
            for (char c : args.toCharArray()) {
                if (c == '"') {
                    quoted = !quoted;
                } else if (Character.isWhitespace(c) && !quoted) {
                    if (!token.isEmpty()) {
                        tokens.add(token.toString());
                        token.setLength(0);
                    }
                } else {
                    token.append(c);
                }
            }
            if (!token.isEmpty()) {
                tokens.add(token.toString());
            }
            return tokens;
        }

        /** An exec-form argument list such as {@code ["java", "-jar", "/app/app.jar"]}. */
        static List<String> jsonArray(String args) {
            try {
                List<String> values = new ArrayList<>();
                new ObjectMapper().readTree(args).forEach(n -> values.add(n.asText()));
                return values;
            } catch (IOException e) {
                throw new AssertionError("not an exec-form array: " + args, e);
            }
        }
    }
}
