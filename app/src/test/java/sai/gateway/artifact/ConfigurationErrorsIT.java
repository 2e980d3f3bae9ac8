package sai.gateway.artifact;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sai.gateway.testing.GatewayProcess;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * A configuration that cannot work never starts, as an operator meets it with {@code java -jar}: exit status 1,
 * one line per problem on standard error naming the environment variable, what is wrong and an example,
 * every problem at once, and no stack trace anywhere. SAI is never called, so none is running here.
 */
class ConfigurationErrorsIT {

    private static final Duration EXIT = Duration.ofSeconds(60);
    private static final String SAI_URL = "http://127.0.0.1:9/sai";
    private static final String REDIS_URL_LINE = "Configuration error: REDIS_URL must be a URL starting with redis://, rediss://, "
            + "redis+ssl://, redis+tls://, redis-socket://, redis+socket://, redis-sentinel://, rediss-sentinel:// (in lower case), "
            + "for example redis://redis:6379";

    @Test
    void noEnvironmentAtAllNamesSaiUrlFirst() {
        try (GatewayProcess gateway = GatewayProcess.bare().start()) {
            assertThat(gateway.awaitExit(EXIT)).as(gateway.output()).isEqualTo(1);

            assertThat(gateway.stderrLines()).as(gateway.output()).containsExactly(
                    "Configuration error: SAI_URL is required: set it to SAI's base URL, for example https://sai.example.com",
                    "Configuration error: SAI_TEMPLATE_ID is required: set it to the id of the SAI template to execute, for example my-template-id",
                    "Configuration error: SAI_KEY or SAI_COOKIE is required (or SAI_KEY_FILE / SAI_COOKIE_FILE): set at least one system "
                            + "credential for SAI, for example SAI_KEY=/run/secrets/SAI_KEY");
            assertNoStackTrace(gateway);
        }
    }

    static Stream<Arguments> brokenSettings() {
        return Stream.of(
                arguments("SAI_URL", "notaurl",
                        "Configuration error: SAI_URL must be an http:// or https:// URL, for example https://sai.example.com"),
                arguments("SAI_URL", "",
                        "Configuration error: SAI_URL is required: set it to SAI's base URL, for example https://sai.example.com"),
                arguments("SAI_TEMPLATE_ID", "",
                        "Configuration error: SAI_TEMPLATE_ID is required: set it to the id of the SAI template to execute, for example my-template-id"),
                arguments("REQUEST_TIMEOUT", "abc",
                        "Configuration error: REQUEST_TIMEOUT must be a whole number of seconds from 1 to 86400, for example 600 (got \"abc\")"),
                arguments("MAX_RETRIES", "-1",
                        "Configuration error: MAX_RETRIES must be a whole number from 0 to 10, for example 3 (got \"-1\")"),
                arguments("SAI_RETRY_DELAY", "abc",
                        "Configuration error: SAI_RETRY_DELAY must be a duration of at most 24h, a whole number followed by ms, s, m or h, for example 500ms (got \"abc\")"),
                arguments("PORT", "abc",
                        "Configuration error: PORT must be a whole number from 1 to 65535, for example 4000 (got \"abc\")"),
                arguments("STREAM_HEARTBEAT_SECONDS", "abc",
                        "Configuration error: STREAM_HEARTBEAT_SECONDS must be a whole number of seconds, at least 0 (0 turns heartbeats off), for example 15 (got \"abc\")"),
                arguments("SAI_BREAKER_FAILURES", "-2",
                        "Configuration error: SAI_BREAKER_FAILURES must be a whole number of requests, at least 0 (0 turns the circuit breaker off), for example 5 (got \"-2\")"),
                arguments("SAI_BREAKER_OPEN", "abc",
                        "Configuration error: SAI_BREAKER_OPEN must be a duration above zero and at most 24h, a whole number followed by ms, s, m or h, for example 30s (got \"abc\")"),
                arguments("CLIENT_HEADER_TIMEOUT", "0s",
                        "Configuration error: CLIENT_HEADER_TIMEOUT must be a duration above zero and at most 24h, a whole number followed by ms, s, m or h, for example 10s (got \"0s\")"),
                arguments("CLIENT_BODY_TIMEOUT", "1 minute",
                        "Configuration error: CLIENT_BODY_TIMEOUT must be a duration above zero and at most 24h, a whole number followed by ms, s, m or h, for example 60s (got \"1 minute\")"),
                arguments("GATEWAY_LOCALE", "fr", "Configuration error: GATEWAY_LOCALE must be es or en (got \"fr\")"),
                arguments("SAI_ERROR_STYLE", "json", "Configuration error: SAI_ERROR_STYLE must be http or message (got \"json\")"),
                arguments("LOG_FORMAT", "JSON", "Configuration error: LOG_FORMAT must be text or json (got \"JSON\")"),
                arguments("SHUTDOWN_GRACE_SECONDS", "soon",
                        "Configuration error: SHUTDOWN_GRACE_SECONDS must be a whole number of seconds, at least 0, for example 30 (got \"soon\")"),
                arguments("MAX_REQUEST_BYTES", "10MB",
                        "Configuration error: MAX_REQUEST_BYTES must be a whole number of bytes, at least 1, for example 10485760 (got \"10MB\")"),
                arguments("RATE_LIMIT_RPM", "-5",
                        "Configuration error: RATE_LIMIT_RPM must be a whole number of requests per minute, at least 0 (0 turns the limit off), for example 60 (got \"-5\")"),
                arguments("TOKEN_QUOTA_DAILY", "lots",
                        "Configuration error: TOKEN_QUOTA_DAILY must be a whole number of tokens per day, at least 0 (0 turns the quota off), for example 200000 (got \"lots\")"),
                arguments("SAI_CONNECT_TIMEOUT", "0",
                        "Configuration error: SAI_CONNECT_TIMEOUT must be a whole number of seconds from 1 to 86400, for example 10 (got \"0\")"),
                arguments("SAI_MAX_CONTEXT_TOKENS", "1.5",
                        "Configuration error: SAI_MAX_CONTEXT_TOKENS must be a whole number of tokens, at least 1, for example 128000 (got \"1.5\")"),
                arguments("METRICS_ENABLED", "yes", "Configuration error: METRICS_ENABLED must be true or false (got \"yes\")"),
                arguments("VERBOSE_LOGGING", "1", "Configuration error: VERBOSE_LOGGING must be true or false (got \"1\")"),
                // The URL is not repeated: a Redis URL can hold a password.
                arguments("REDIS_URL", "http://:hunter2@redis:6379", REDIS_URL_LINE),
                // Lettuce compares the scheme as written: REDIS:// would pass a lower-cased check and fail at the first request.
                arguments("REDIS_URL", "REDIS://:hunter2@redis:6379", REDIS_URL_LINE),
                // Not repeated either: SAI_URL can carry user info.
                arguments("SAI_URL", "http:///sai", "Configuration error: SAI_URL must name a host (letters, digits, dots and hyphens) "
                        + "after the scheme, for example https://sai.example.com"),
                arguments("SAI_URL", "https://sai.example.com:99999",
                        "Configuration error: SAI_URL must have a port from 1 to 65535, or none, for example https://sai.example.com"),
                arguments("SAI_URL", "https://sai.example.com/base?token=s3cret", "Configuration error: SAI_URL must not have a query (?...) "
                        + "or a fragment (#...): /api/templates/<id>/execute is added to its end, for example https://sai.example.com"),
                arguments("REQUEST_TIMEOUT", "2147483647",
                        "Configuration error: REQUEST_TIMEOUT must be a whole number of seconds from 1 to 86400, for example 600 (got \"2147483647\")"),
                arguments("SAI_BREAKER_OPEN", "2600000h",
                        "Configuration error: SAI_BREAKER_OPEN must be a duration above zero and at most 24h, a whole number followed by ms, s, m or h, for example 30s (got \"2600000h\")"),
                arguments("SAI_SECRET_TTL", "48h",
                        "Configuration error: SAI_SECRET_TTL must be a duration of at most 24h, a whole number followed by ms, s, m or h, for example 5m (got \"48h\")"),
                arguments("GATEWAY_REQUIRE_API_KEYS", "on", "Configuration error: GATEWAY_REQUIRE_API_KEYS must be true or false (got \"on\")"),
                arguments("SAI_MODELS", " , ",
                        "Configuration error: SAI_MODELS must list at least one model id (comma-separated), for example sai-model,claude-sonnet-4-5-20250929 (got \" , \")"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("brokenSettings")
    void aBrokenSettingStopsStartupWithOneLineNamingIt(String variable, String value, String line) {
        try (GatewayProcess gateway = GatewayProcess.configured(SAI_URL).env(variable, value).start()) {
            assertThat(gateway.awaitExit(EXIT)).as(gateway.output()).isEqualTo(1);

            assertThat(gateway.stderrLines()).as(gateway.output()).containsExactly(line);
            assertThat(gateway.output() + gateway.logFileLines()).doesNotContain("hunter2", "s3cret");
            assertNoStackTrace(gateway);
        }
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        try (GatewayProcess gateway = GatewayProcess.configured(SAI_URL)
                .without("SAI_TEMPLATE_ID")
                .env("REQUEST_TIMEOUT", "abc")
                .env("MAX_RETRIES", "-1")
                .env("PORT", "abc")
                .start()) {
            assertThat(gateway.awaitExit(EXIT)).as(gateway.output()).isEqualTo(1);

            assertThat(gateway.stderrLines()).as(gateway.output()).hasSize(4).allSatisfy(l -> assertThat(l).startsWith("Configuration error: "));
            assertThat(String.join("\n", gateway.stderrLines()))
                    .contains("SAI_TEMPLATE_ID is required", "REQUEST_TIMEOUT must be", "MAX_RETRIES must be", "PORT must be");
            assertNoStackTrace(gateway);
        }
    }

    @Test
    void theDemoNeedsNoSettingsButIsCheckedToo() throws Exception {
        try (GatewayProcess demo = GatewayProcess.bare().env("MICRONAUT_ENVIRONMENTS", "demo").start().awaitHealthy()) {
            HttpResponse<String> answer = demo.http().send(HttpRequest.newBuilder(demo.uri("/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"sai-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hola\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains("[SAI simulator]");
        }
        try (GatewayProcess demo = GatewayProcess.bare().env("MICRONAUT_ENVIRONMENTS", "demo").env("REQUEST_TIMEOUT", "abc").start()) {
            assertThat(demo.awaitExit(EXIT)).as(demo.output()).isEqualTo(1);
            assertThat(demo.stderrLines()).singleElement().asString().startsWith("Configuration error: REQUEST_TIMEOUT must be");
        }
    }

    private static void assertNoStackTrace(GatewayProcess gateway) {
        List<String> all = Stream.concat(gateway.stdoutLines().stream(), gateway.stderrLines().stream()).toList();
        assertThat(all).as(gateway.output()).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception") || l.startsWith("Caused by"));
        assertThat(gateway.logFileLines()).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"));
    }
}
