package sai.gateway.config;

import sai.gateway.StartupConfigurationCheck;

import io.micronaut.context.ApplicationContext;
import io.lettuce.core.RedisURI;
import io.micronaut.context.exceptions.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import sai.gateway.testing.SaiFakeTest;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The startup check knows every variable application.yml reads, and reports all problems of a context in one
 * exception; the configuration records refuse the same values with the same sentence.
 */
class SettingTest {

    /** Secrets and free text, checked where they are read (sai.gateway.secrets, ToolPrompt) or valid as any text. */
    private static final Set<String> CHECKED_ELSEWHERE = Set.of("SAI_KEY", "SAI_KEY_FILE", "SAI_COOKIE", "SAI_COOKIE_FILE",
            "GATEWAY_API_KEYS", "GATEWAY_API_KEYS_FILE", "SAI_SECRET_ID", "SAI_TOOL_PROMPT_FILE", "OTEL_SERVICE_NAME",
            // Tenancy's secrets and files: checked by tenancy.KeyDirectory (and the config file's applier) at startup.
            "GATEWAY_ADMIN_KEY", "GATEWAY_ADMIN_KEY_FILE", "GATEWAY_ENCRYPTION_KEY", "GATEWAY_ENCRYPTION_KEY_FILE", "DATABASE_USER",
            "DATABASE_PASSWORD", "DATABASE_PASSWORD_FILE", "GATEWAY_CONFIG_FILE");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");

    @Test
    void everyVariableOfApplicationYmlHasARule() throws IOException {
        String yml;
        try (InputStream in = SettingTest.class.getResourceAsStream("/application.yml")) {
            yml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Set<String> variables = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(yml);
        while (m.find()) {
            variables.add(m.group(1));
        }
        Set<String> ruled = new TreeSet<>();
        for (Setting setting : Setting.values()) {
            ruled.add(setting.name());
        }
        assertThat(variables).as("sanity").contains("SAI_URL", "PORT");
        variables.removeAll(CHECKED_ELSEWHERE);
        assertThat(ruled).containsExactlyInAnyOrderElementsOf(variables);
    }

    @Test
    void everyRuleReadsThePropertyApplicationYmlMapsItsVariableTo() throws IOException {
        Map<String, String> flat = new HashMap<>();
        try (InputStream in = SettingTest.class.getResourceAsStream("/application.yml")) {
            flatten("", new Yaml().load(in), flat);
        }
        for (Setting setting : Setting.values()) {
            assertThat(flat.get(setting.property())).as(setting.property()).startsWith("${" + setting.name() + ":");
        }
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object node, Map<String, String> flat) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> flatten(prefix.isEmpty() ? key.toString() : prefix + "." + key, value, flat));
        } else {
            flat.put(prefix, String.valueOf(node));
        }
    }

    @Test
    void theDefaultsOfApplicationYmlAreValid() {
        try (ApplicationContext context = ApplicationContext.run(valid())) {
            assertThat(context.getBean(StartupConfigurationCheck.class)).isNotNull();
        }
    }

    @Test
    void aContextWithProblemsDoesNotStartAndListsThemAll() {
        Map<String, Object> properties = new HashMap<>(valid());
        properties.put("REQUEST_TIMEOUT", "abc");
        properties.put("SAI_TEMPLATE_ID", "");
        properties.put("SAI_KEY", "");

        Throwable failure = catchThrowable(() -> ApplicationContext.run(properties).close());

        InvalidConfigurationException invalid = InvalidConfigurationException.in(failure);
        assertThat(invalid).as("thrown: %s", failure).isNotNull();
        assertThat(invalid.lines()).containsExactly(
                "Configuration error: SAI_TEMPLATE_ID is required: set it to the id of the SAI template to execute, for example my-template-id",
                "Configuration error: REQUEST_TIMEOUT must be a whole number of seconds from 1 to 86400, for example 600 (got \"abc\")",
                "Configuration error: SAI_KEY or SAI_COOKIE is required (or SAI_KEY_FILE / SAI_COOKIE_FILE): set at least one system "
                        + "credential for SAI, for example SAI_KEY=/run/secrets/SAI_KEY");
        assertThat(failure.getMessage()).as("the Lambda runtime reports the message").contains(invalid.lines());
    }

    @Test
    void aRefusedSwitchGetsOneLineEvenWhereTheFrameworkReadsItAsTrue() {
        Map<String, Object> properties = new HashMap<>(valid());
        properties.put("GATEWAY_REQUIRE_API_KEYS", "on");

        Throwable failure = catchThrowable(() -> ApplicationContext.run(properties).close());

        // Not also "GATEWAY_REQUIRE_API_KEYS is true but no access key is set", from the credentials reading "on" as true.
        assertThat(InvalidConfigurationException.in(failure).lines())
                .containsExactly("Configuration error: GATEWAY_REQUIRE_API_KEYS must be true or false (got \"on\")");
    }

    @Test
    void theRecordsRefuseWhatTheCheckRefusesWithTheSameLine() {
        assertThatThrownBy(() -> new SaiConfiguration("https://sai.example.com", "tpl", java.util.List.of("m"), 600, null, 10, 11,
                java.time.Duration.ofMillis(500), 1000))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage(Setting.MAX_RETRIES.problem("11"));
        assertThatThrownBy(() -> new GatewayConfiguration("fr", "http", 15, 0, false, "text"))
                .hasMessage("Configuration error: GATEWAY_LOCALE must be es or en (got \"fr\")");
        assertThat(Setting.SAI_RETRY_DELAY.problem("PT0.5S")).as("a bound Duration, as the record sees it").isNull();
    }

    /** On Lambda (FUNCTION_TIMEOUT set) the exchange must end before the function does, with time left to answer. */
    @Test
    void onLambdaTheRequestTimeoutFollowsTheFunctionsAndStaysTenSecondsBelowIt() {
        assertThat(sai(null, 900).requestTimeoutSeconds()).isEqualTo(890);
        assertThat(sai(null, 120).requestTimeout()).isEqualTo(java.time.Duration.ofSeconds(110));
        assertThat(sai(110, 120).requestTimeoutSeconds()).isEqualTo(110);
        assertThat(sai(600, null).requestTimeoutSeconds()).as("the container: no function timeout").isEqualTo(600);
        assertThatThrownBy(() -> sai(111, 120)).isInstanceOf(ConfigurationException.class)
                .hasMessage("Configuration error: REQUEST_TIMEOUT must be at most 110, 10 seconds below FUNCTION_TIMEOUT (120), so that the"
                        + " gateway answers before Lambda stops the function; unset, it is that (got \"111\")");
        assertThatThrownBy(() -> sai(null, null)).hasMessageStartingWith("Configuration error: REQUEST_TIMEOUT is required");
        assertThatThrownBy(() -> sai(null, 19)).hasMessage(Setting.FUNCTION_TIMEOUT.problem("19"));
        assertThat(Setting.FUNCTION_TIMEOUT.problem("")).as("unset outside Lambda").isNull();
        assertThat(Setting.FUNCTION_TIMEOUT.problem("901")).contains("from 20 to 900");
    }

    /** In the streaming Lambda mode (a limit of 25) heartbeats must be on and at most 25 s apart; elsewhere there is no limit. */
    @Test
    void aHeartbeatLimitRefusesHeartbeatsOffOrFurtherApart() {
        assertThat(new GatewayConfiguration("es", "http", 25, 25, false, "text").streamHeartbeatSeconds()).isEqualTo(25);
        assertThat(new GatewayConfiguration("es", "http", 0, 0, false, "text").streamHeartbeats()).as("no limit: off is fine").isFalse();
        assertThat(new GatewayConfiguration("es", "http", 60, 0, false, "text").streamHeartbeatSeconds()).isEqualTo(60);
        assertThatThrownBy(() -> new GatewayConfiguration("es", "http", 0, 25, false, "text"))
                .hasMessage("Configuration error: STREAM_HEARTBEAT_SECONDS must be from 1 to 25 in the streaming Lambda mode: API Gateway"
                        + " closes a stream that stays silent for 30 seconds on an edge-optimised endpoint (got \"0\")");
        assertThatThrownBy(() -> new GatewayConfiguration("es", "http", 26, 25, false, "text")).hasMessageContaining("(got \"26\")");
    }

    private static SaiConfiguration sai(Integer requestTimeout, Integer functionTimeout) {
        return new SaiConfiguration("https://sai.example.com", "tpl", java.util.List.of("m"), requestTimeout, functionTimeout, 10, 3,
                java.time.Duration.ofMillis(500), 1000);
    }

    @Test
    void valuesThatMayHoldCredentialsAreNeverRepeated() {
        assertThat(Setting.SAI_URL.problem("ftp://user:s3cret@sai")).doesNotContain("s3cret");
        assertThat(Setting.REDIS_URL.problem("http://:s3cret@redis")).doesNotContain("s3cret");
        assertThat(Setting.OTEL_EXPORTER_OTLP_ENDPOINT.problem("grpc://key:s3cret@otel")).doesNotContain("s3cret");
        assertThat(Setting.PORT.problem("x".repeat(500) + "\n")).hasSizeLessThan(150).doesNotContain("\n");
    }

    @Test
    void anEmptyOtlpEndpointIsAnUnsetOne() {
        // OpenTelemetry reads OTEL_*= as unset: an .env with OTEL_EXPORTER_OTLP_ENDPOINT= must still start.
        assertThat(Setting.OTEL_EXPORTER_OTLP_ENDPOINT.problem("")).isNull();
        assertThat(Setting.OTEL_EXPORTER_OTLP_PROTOCOL.problem("")).isNull();
        assertThat(Setting.OTEL_TRACES_EXPORTER.problem("")).isNull();
        assertThat(Setting.OTEL_EXPORTER_OTLP_ENDPOINT.problem("otel-collector:4318")).isNotNull();
    }

    @Test
    void redisUrlTakesEverySchemeOfLettuceAsWrittenAndNoOther() throws IllegalAccessException {
        List<String> lettuce = new ArrayList<>();
        for (Field field : RedisURI.class.getFields()) {
            if (field.getName().startsWith("URI_SCHEME_") && Modifier.isStatic(field.getModifiers())) {
                lettuce.add((String) field.get(null));
            }
        }
        assertThat(lettuce).as("sanity").contains("redis", "rediss", "redis-sentinel");
        for (String scheme : lettuce) {
            assertThat(Setting.REDIS_URL.problem(scheme + "://redis:6379")).as(scheme).isNull();
        }
        String refused = Setting.REDIS_URL.problem("REDIS://redis:6379");
        assertThat(refused).as("Lettuce compares the scheme as written").isNotNull().contains(lettuce.stream().map(s -> s + "://").toList());
        assertThat(Setting.REDIS_URL.problem("Rediss://redis:6379")).isNotNull();
        assertThat(Setting.REDIS_URL.problem("http://redis:6379")).isEqualTo(refused);
        assertThat(refused.split("://", -1)).as("the message lists Lettuce's schemes and only those, plus the example")
                .hasSize(lettuce.size() + 2);
    }

    @Test
    void saiUrlNeedsAHostAUsablePortAndNothingAfterThePath() {
        String noHost = "Configuration error: SAI_URL must name a host (letters, digits, dots and hyphens) after the scheme, "
                + "for example https://sai.example.com";
        String badPort = "Configuration error: SAI_URL must have a port from 1 to 65535, or none, for example https://sai.example.com";
        String query = "Configuration error: SAI_URL must not have a query (?...) or a fragment (#...): /api/templates/<id>/execute "
                + "is added to its end, for example https://sai.example.com";
        assertThat(Setting.SAI_URL.problem("http:///x")).isEqualTo(noHost);
        assertThat(Setting.SAI_URL.problem("https://")).isNotNull();
        assertThat(Setting.SAI_URL.problem("https://sai_llm:8080")).isEqualTo(noHost);
        assertThat(Setting.SAI_URL.problem("https://h:99999")).isEqualTo(badPort);
        assertThat(Setting.SAI_URL.problem("https://h:0/sai")).isEqualTo(badPort);
        assertThat(Setting.SAI_URL.problem("https://h:99999999999999999999999")).isEqualTo(badPort);
        assertThat(Setting.SAI_URL.problem("https://h?token=x")).isEqualTo(query);
        assertThat(Setting.SAI_URL.problem("https://user:s3cret@h/sai#frag")).isEqualTo(query);
        assertThat(Setting.SAI_URL.problem("https://h/?")).isEqualTo(query);
        for (String fine : List.of("https://sai.example.com", "http://127.0.0.1:9/sai", "http://127.0.0.1:-1/simulator", "https://h:65535/", "http://[::1]:8080/x",
                "https://user:pw@sai.example.com:8443/base/")) {
            assertThat(Setting.SAI_URL.problem(fine)).as(fine).isNull();
        }
    }

    @Test
    void timesBeyondADayAreRefusedNamingTheMaximum() {
        assertThat(Setting.REQUEST_TIMEOUT.problem("86400")).isNull();
        assertThat(Setting.REQUEST_TIMEOUT.problem("86401"))
                .isEqualTo("Configuration error: REQUEST_TIMEOUT must be a whole number of seconds from 1 to 86400, for example 600 (got \"86401\")");
        assertThat(Setting.SAI_CONNECT_TIMEOUT.problem(String.valueOf(Integer.MAX_VALUE))).contains("from 1 to 86400");
        assertThat(Setting.SAI_BREAKER_OPEN.problem("24h")).isNull();
        // 2,600,000 h is about 297 years: Duration.toNanos() overflows at the first trip of the breaker.
        assertThat(Setting.SAI_BREAKER_OPEN.problem("2600000h")).isEqualTo("Configuration error: SAI_BREAKER_OPEN must be a duration "
                + "above zero and at most 24h, a whole number followed by ms, s, m or h, for example 30s (got \"2600000h\")");
        assertThat(Setting.SAI_BREAKER_OPEN.problem("PT24H0.001S")).isNotNull();
        for (Setting setting : List.of(Setting.CLIENT_HEADER_TIMEOUT, Setting.CLIENT_BODY_TIMEOUT)) {
            assertThat(setting.problem("25h")).as(setting.name()).contains("above zero and at most 24h");
        }
        for (Setting setting : List.of(Setting.SAI_RETRY_DELAY, Setting.SAI_SECRET_TTL)) {
            assertThat(setting.problem("0s")).as(setting.name()).isNull();
            assertThat(setting.problem("1441m")).as(setting.name()).contains("must be a duration of at most 24h");
        }
        assertThat(Setting.SAI_RETRY_DELAY.problem(java.time.Duration.ofDays(2).toString())).as("a bound Duration").isNotNull();
    }

    @Test
    void switchesTakeTrueOrFalseOnlyWhereTheFrameworkWouldGuess() {
        // Micronaut reads yes, y and on as true and any other word as false; the check takes neither guess.
        for (String word : List.of("on", "yes", "y", "1", "0", "enabled", "ture")) {
            assertThat(Setting.METRICS_ENABLED.problem(word)).as(word).isEqualTo("Configuration error: METRICS_ENABLED must be true or false (got \"" + word + "\")");
        }
        assertThat(Setting.METRICS_ENABLED.problem("TRUE")).isNull();
        assertThat(Setting.MAX_REQUEST_BYTES.problem("10MB")).isNotNull();
    }

    /** Set the way the environment sets them, so a test can still replace one by its variable's name. */
    private static Map<String, Object> valid() {
        return Map.of("SAI_URL", "https://sai.example.com", "SAI_TEMPLATE_ID", SaiFakeTest.TEMPLATE_ID, "SAI_KEY", "k");
    }
}
