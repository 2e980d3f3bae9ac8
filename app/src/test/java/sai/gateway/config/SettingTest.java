package sai.gateway.config;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import sai.gateway.testing.SaiFakeTest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
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
            "GATEWAY_API_KEYS", "GATEWAY_API_KEYS_FILE", "SAI_SECRET_ID", "SAI_TOOL_PROMPT_FILE", "OTEL_SERVICE_NAME");
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
                "Configuration error: REQUEST_TIMEOUT must be a whole number of seconds, at least 1, for example 600 (got \"abc\")",
                "Configuration error: SAI_KEY or SAI_COOKIE is required (or SAI_KEY_FILE / SAI_COOKIE_FILE): set at least one system "
                        + "credential for SAI, for example SAI_KEY=/run/secrets/SAI_KEY");
        assertThat(failure.getMessage()).as("the Lambda runtime reports the message").contains(invalid.lines());
    }

    @Test
    void theRecordsRefuseWhatTheCheckRefusesWithTheSameLine() {
        assertThatThrownBy(() -> new SaiConfiguration("https://sai.example.com", "tpl", java.util.List.of("m"), 600, 10, 11,
                java.time.Duration.ofMillis(500), 1000))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage(Setting.MAX_RETRIES.problem("11"));
        assertThatThrownBy(() -> new GatewayConfiguration("fr", "http", 15, false, "text"))
                .hasMessage("Configuration error: GATEWAY_LOCALE must be es or en (got \"fr\")");
        assertThat(Setting.SAI_RETRY_DELAY.problem("PT0.5S")).as("a bound Duration, as the record sees it").isNull();
    }

    @Test
    void valuesThatMayHoldCredentialsAreNeverRepeated() {
        assertThat(Setting.SAI_URL.problem("ftp://user:s3cret@sai")).doesNotContain("s3cret");
        assertThat(Setting.REDIS_URL.problem("http://:s3cret@redis")).doesNotContain("s3cret");
        assertThat(Setting.OTEL_EXPORTER_OTLP_ENDPOINT.problem("grpc://key:s3cret@otel")).doesNotContain("s3cret");
        assertThat(Setting.PORT.problem("x".repeat(500) + "\n")).hasSizeLessThan(150).doesNotContain("\n");
    }

    /** Set the way the environment sets them, so a test can still replace one by its variable's name. */
    private static Map<String, Object> valid() {
        return Map.of("SAI_URL", "https://sai.example.com", "SAI_TEMPLATE_ID", SaiFakeTest.TEMPLATE_ID, "SAI_KEY", "k");
    }
}
