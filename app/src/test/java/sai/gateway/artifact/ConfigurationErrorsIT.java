package sai.gateway.artifact;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sai.gateway.testing.GatewayProcess;
import sai.gateway.testing.Json;
import sai.gateway.testing.PostgresProcess;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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

    private static final String CACHE_TTL_LINE = "Configuration error: CACHE_TTL must be a duration of at most 168h, "
            + "a whole number followed by ms, s, m or h, for example 10m";

    private static final String DATABASE_URL_FORM_LINE = "Configuration error: DATABASE_URL must be "
            + "postgres://user:password@host:5432/database, or a jdbc:postgresql: or jdbc:h2: URL";

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
                        "Configuration error: RATE_LIMIT_RPM must be a whole number of requests per minute from 0 to 60000000000 (0 turns the limit off), for example 60 (got \"-5\")"),
                arguments("TOKEN_QUOTA_DAILY", "lots",
                        "Configuration error: TOKEN_QUOTA_DAILY must be a whole number of tokens per day from 0 to 86400000000000 (0 turns the quota off), for example 200000 (got \"lots\")"),
                // Above Bucket4j's one token per nanosecond the limit could not be built: it stopped the start with a stack trace.
                arguments("TOKEN_QUOTA_DAILY", "1000000000000000",
                        "Configuration error: TOKEN_QUOTA_DAILY must be a whole number of tokens per day from 0 to 86400000000000 (0 turns the quota off), for example 200000 (got \"1000000000000000\")"),
                arguments("RATE_LIMIT_RPM", "60000000001",
                        "Configuration error: RATE_LIMIT_RPM must be a whole number of requests per minute from 0 to 60000000000 (0 turns the limit off), for example 60 (got \"60000000001\")"),
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
                arguments("USAGE_RETENTION_DAYS", "0",
                        "Configuration error: USAGE_RETENTION_DAYS must be a whole number of days from 1 to 36500, for example 90 (got \"0\")"),
                arguments("USAGE_RETENTION_DAYS", "abc",
                        "Configuration error: USAGE_RETENTION_DAYS must be a whole number of days from 1 to 36500, for example 90 (got \"abc\")"),
                // Not repeated: a database URL can hold a password.
                arguments("DATABASE_URL", "mysql://u:hunter2@db/gateway", DATABASE_URL_FORM_LINE),
                arguments("UI_SESSION_TTL", "forever",
                        "Configuration error: UI_SESSION_TTL must be a duration above zero and at most 24h, a whole number followed by ms, s, m or h, for example 8h (got \"forever\")"),
                arguments("UI_SESSION_TTL", "0s",
                        "Configuration error: UI_SESSION_TTL must be a duration above zero and at most 24h, a whole number followed by ms, s, m or h, for example 8h (got \"0s\")"),
                arguments("UI_SIGN_IN_ATTEMPTS_PER_MINUTE", "0",
                        "Configuration error: UI_SIGN_IN_ATTEMPTS_PER_MINUTE must be a whole number of attempts per minute from 1 to 1000, for example 5 (got \"0\")"),
                arguments("SAI_MODELS", " , ",
                        "Configuration error: SAI_MODELS must list at least one model id (comma-separated), for example sai-model,claude-sonnet-4-5-20250929 (got \" , \")"),
                arguments("CACHE_TTL", "abc", CACHE_TTL_LINE + " (got \"abc\")"),
                arguments("CACHE_TTL", "-1s", CACHE_TTL_LINE + " (got \"-1s\")"),
                // Micronaut reads a day suffix too: 8d is a duration, but beyond the week.
                arguments("CACHE_TTL", "8d", CACHE_TTL_LINE + " (got \"8d\")"),
                arguments("CACHE_TTL", "169h", CACHE_TTL_LINE + " (got \"169h\")"),
                arguments("CACHE_TTL", "1.5s", CACHE_TTL_LINE + " (got \"1.5s\")"),
                arguments("CACHE_MAX_ENTRIES", "0",
                        "Configuration error: CACHE_MAX_ENTRIES must be a whole number of answers from 1 to 100000000, for example 10000 (got \"0\")"),
                arguments("CACHE_MAX_ENTRIES", "100000001",
                        "Configuration error: CACHE_MAX_ENTRIES must be a whole number of answers from 1 to 100000000, for example 10000 (got \"100000001\")"),
                arguments("CACHE_MAX_ENTRIES", "10k",
                        "Configuration error: CACHE_MAX_ENTRIES must be a whole number of answers from 1 to 100000000, for example 10000 (got \"10k\")"),
                arguments("CACHE_MAX_BYTES", "65535",
                        "Configuration error: CACHE_MAX_BYTES must be a whole number of bytes, at least 65536, for example 33554432 (got \"65535\")"),
                arguments("CACHE_MAX_BYTES", "32MB",
                        "Configuration error: CACHE_MAX_BYTES must be a whole number of bytes, at least 65536, for example 33554432 (got \"32MB\")"),
                arguments("CACHE_HITS_COUNT_TOKENS", "yes", "Configuration error: CACHE_HITS_COUNT_TOKENS must be true or false (got \"yes\")"));
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

    // Tenancy (on with GATEWAY_ADMIN_KEY): its settings, its database and its encryption key are checked before
    // the gateway serves, each problem one line naming the variable, and no secret of the setting is ever repeated.

    private static final String ADMIN_KEY = "admin-key-ConfigErrors-7c1d9e";
    private static final String ENCRYPTION_KEY = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";
    private static final String OTHER_ENCRYPTION_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String TENANT_SAI_KEY = "tenant-SAI-key-ConfigErrors-5150";

    @TempDir
    Path temp;

    private GatewayProcess.Builder tenancy() {
        return GatewayProcess.configured(SAI_URL).env("GATEWAY_ADMIN_KEY", ADMIN_KEY).env("DATA_DIR", temp.resolve("data").toString());
    }

    @Test
    void anAdminKeyShorterThan16CharactersStopsStartupBeforeAnyDatabaseIsOpened() {
        String shortKey = "adm-Short-15chr";
        try (GatewayProcess gateway = tenancy().env("GATEWAY_ADMIN_KEY", shortKey).start()) {
            assertRefused(gateway, EXIT, "Configuration error: GATEWAY_ADMIN_KEY must be at least 16 characters (e.g. openssl rand -hex 32)",
                    shortKey);
            assertThat(temp.resolve("data")).doesNotExist();
        }
    }

    @Test
    void aDatabaseUrlOfAnUnknownFormIsRefusedWithoutRepeatingItsPassword() {
        try (GatewayProcess gateway = tenancy().env("DATABASE_URL", "mysql://u:SECRETPW@db.example.com/gateway").start()) {
            assertRefused(gateway, EXIT, DATABASE_URL_FORM_LINE, "SECRETPW", ADMIN_KEY);
        }
    }

    @Test
    void aDatabaseThatNeverAnswersStopsStartupAfterTheStartupWaitNamingDatabaseUrl() throws IOException {
        int nothingListens;
        try (ServerSocket socket = new ServerSocket(0)) {
            nothingListens = socket.getLocalPort();
        }
        long started = System.nanoTime();
        try (GatewayProcess gateway = tenancy().env("DATABASE_URL", "postgres://u:SECRETPW@127.0.0.1:" + nothingListens + "/gateway").start()) {
            assertRefused(gateway, Duration.ofSeconds(45),
                    "Configuration error: DATABASE_URL: the database cannot be used (PSQLException, SQL state 08001: cannot connect)",
                    "SECRETPW", ADMIN_KEY);
            // tenancy.pool.startup-wait (10 s): a replica started beside its database waits for it, then gives up.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(40));
        }
    }

    @Test
    void aPostgresqlThatRefusesThePasswordStopsStartupSayingSoAndNeverThePassword() {
        Optional<PostgresProcess> started = PostgresProcess.start();
        Assumptions.assumeTrue(started.isPresent(), PostgresProcess.MISSING);
        try (PostgresProcess postgres = started.get();
             GatewayProcess gateway = tenancy().env("DATABASE_URL", "postgres://" + postgres.user() + ":WRONGpw-4711@127.0.0.1:"
                     + postgres.port() + "/" + postgres.database()).start()) {
            assertRefused(gateway, Duration.ofSeconds(45), "Configuration error: DATABASE_URL: the database cannot be used "
                    + "(PSQLException, SQL state 28P01: the user or password is refused)", "WRONGpw-4711", postgres.password(), ADMIN_KEY);
        }
    }

    @Test
    void anEncryptionKeyThatIsNot32BytesOfBase64IsRefusedWithoutRepeatingIt() {
        String tenBytes = "bm90LTMyLWJ5dA==";
        try (GatewayProcess gateway = tenancy().env("GATEWAY_ENCRYPTION_KEY", tenBytes).start()) {
            assertRefused(gateway, EXIT, "Configuration error: GATEWAY_ENCRYPTION_KEY must be 32 random bytes in base64 "
                    + "(openssl rand -base64 32); it decodes to 10 bytes", tenBytes, ADMIN_KEY);
        }
        String notBase64 = "not*base64*SECRET";
        try (GatewayProcess gateway = tenancy().env("GATEWAY_ENCRYPTION_KEY", notBase64).start()) {
            assertRefused(gateway, EXIT, "Configuration error: GATEWAY_ENCRYPTION_KEY must be 32 random bytes in base64 (openssl rand -base64 32)",
                    notBase64, ADMIN_KEY);
        }
    }

    @Test
    void storedTenantSaiKeysNeedTheirEncryptionKeyAtEveryRestart() throws Exception {
        List<String> seen = new java.util.ArrayList<>();
        try (GatewayProcess gateway = tenancy().env("GATEWAY_ENCRYPTION_KEY", ENCRYPTION_KEY).start().awaitHealthy()) {
            HttpResponse<String> created = gateway.http().send(HttpRequest.newBuilder(gateway.uri("/admin/tenants"))
                    .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"sealed\",\"sai_api_key\":" + Json.quote(TENANT_SAI_KEY) + "}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(Json.parse(created.body()).path("has_sai_api_key").asBoolean()).isTrue();
            gateway.terminate();
            // 143: SIGTERM's status, as after every stop (ShutdownIT).
            assertThat(gateway.awaitExit(Duration.ofSeconds(40))).as(gateway.output()).isEqualTo(143);
            seen.addAll(everything(gateway));
        }
        try (GatewayProcess gateway = tenancy().start()) {
            assertRefused(gateway, EXIT, "Configuration error: GATEWAY_ENCRYPTION_KEY must be set: 1 tenant SAI key(s) are stored encrypted with it",
                    TENANT_SAI_KEY, ADMIN_KEY);
            seen.addAll(everything(gateway));
        }
        try (GatewayProcess gateway = tenancy().env("GATEWAY_ENCRYPTION_KEY", OTHER_ENCRYPTION_KEY).start()) {
            assertRefused(gateway, EXIT, "Configuration error: GATEWAY_ENCRYPTION_KEY is not the key the stored tenant SAI keys were encrypted with",
                    TENANT_SAI_KEY, ADMIN_KEY, OTHER_ENCRYPTION_KEY);
            seen.addAll(everything(gateway));
        }
        // The refused starts changed nothing: the right key still opens what is stored.
        try (GatewayProcess gateway = tenancy().env("GATEWAY_ENCRYPTION_KEY", ENCRYPTION_KEY).start().awaitHealthy()) {
            HttpResponse<String> tenants = gateway.http().send(HttpRequest.newBuilder(gateway.uri("/admin/tenants"))
                    .header("Authorization", "Bearer " + ADMIN_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(tenants.statusCode()).as(tenants.body()).isEqualTo(200);
            assertThat(Json.parse(tenants.body()).path("data").get(0).path("has_sai_api_key").asBoolean()).isTrue();
            assertThat(tenants.body()).doesNotContain(TENANT_SAI_KEY);
            seen.addAll(everything(gateway));
        }
        assertThat(seen).noneMatch(l -> l.contains(TENANT_SAI_KEY) || l.contains(ADMIN_KEY) || l.contains(ENCRYPTION_KEY)
                || l.contains(OTHER_ENCRYPTION_KEY));
    }

    @Test
    void aDataDirThatIsAFileIsRefusedNamingDataDir() throws IOException {
        Path file = Files.writeString(temp.resolve("not-a-directory"), "x");
        try (GatewayProcess gateway = tenancy().env("DATA_DIR", file.toString()).start()) {
            assertRefused(gateway, EXIT, "Configuration error: DATA_DIR must be a directory the gateway can create and write, "
                    + "for example /var/lib/sai-gateway (got \"" + file + "\")", ADMIN_KEY);
        }
    }

    /** Exit 1 within {@code within}, exactly {@code line} on standard error, no stack trace, and none of {@code secrets} anywhere. */
    private static void assertRefused(GatewayProcess gateway, Duration within, String line, String... secrets) {
        assertThat(gateway.awaitExit(within)).as(gateway.output()).isEqualTo(1);
        assertThat(gateway.stderrLines()).as(gateway.output()).containsExactly(line);
        // The line itself may name a driver's exception class (DatabaseFailures); nothing else may.
        List<String> rest = Stream.concat(gateway.stdoutLines().stream(), gateway.logFileLines().stream()).toList();
        assertThat(rest).as(gateway.output()).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception") || l.startsWith("Caused by"));
        List<String> all = everything(gateway);
        for (String secret : secrets) {
            assertThat(all).as("never " + secret).noneMatch(l -> l.contains(secret));
        }
    }

    private static List<String> everything(GatewayProcess gateway) {
        return Stream.of(gateway.stdoutLines(), gateway.stderrLines(), gateway.logFileLines()).flatMap(List::stream).toList();
    }

    private static void assertNoStackTrace(GatewayProcess gateway) {
        List<String> all = Stream.concat(gateway.stdoutLines().stream(), gateway.stderrLines().stream()).toList();
        assertThat(all).as(gateway.output()).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception") || l.startsWith("Caused by"));
        assertThat(gateway.logFileLines()).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"));
    }
}
