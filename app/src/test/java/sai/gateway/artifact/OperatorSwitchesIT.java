package sai.gateway.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import sai.gateway.testing.GatewayProcess;
import sai.gateway.testing.Json;
import sai.gateway.testing.PrometheusScrape;
import sai.gateway.testing.RawHttp;
import sai.gateway.testing.RedisProcess;
import sai.gateway.testing.SaiFakeTest;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each switch an operator flips, on the shipped jar started as users start it: what turns on is there,
 * through the shaded jar's own classpath (service files, optional dependencies), and what is off stays off.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorSwitchesIT {

    private static final String CHAT = "{\"model\":\"sai-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Capital of Ecuador?\"}]}";
    private static final String USER_KEY = "sk-user-switches-4711";

    private WireMockServer sai;

    @BeforeAll
    void startSai() {
        sai = new WireMockServer(options().dynamicPort());
        sai.start();
    }

    @BeforeEach
    void stubSai() {
        sai.resetAll();
        sai.stubFor(post(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain; charset=utf-8")
                .withHeader("prompttokens", "7").withHeader("completiontokens", "2").withHeader("model", "sai-model")
                .withBody("Quito")));
        // The same server stands in for the OTLP/HTTP collector of the tracing test.
        sai.stubFor(post(urlPathEqualTo("/v1/traces")).willReturn(ok()));
    }

    @AfterAll
    void stopSai() {
        sai.stop();
    }

    @Test
    void metricsOnServesPrometheusWithTheGatewaysMetersAndNoSecret() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl()).env("METRICS_ENABLED", "true").start().awaitHealthy()) {
            assertThat(chat(gateway, "user_api_key", USER_KEY).statusCode()).isEqualTo(200);
            HttpResponse<String> scrape = get(gateway, "/prometheus");
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            assertThat(scrape.body())
                    .contains("sai_gateway_requests_total")
                    .contains("sai_gateway_tokens_total")
                    .contains("sai_gateway_sai_latency_seconds_count")
                    .contains("jvm_memory_used_bytes")
                    .doesNotContain(SaiFakeTest.SYSTEM_KEY)
                    .doesNotContain(USER_KEY);
        }
    }

    @Test
    void metricsOnCountTheResponseCachesHitsAndMissesAndTheTokensItSaved() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl()).env("METRICS_ENABLED", "true").env("CACHE_TTL", "10m")
                .start().awaitHealthy()) {
            assertThat(chat(gateway, "user_api_key", USER_KEY).headers().firstValue("x-cache")).contains("MISS");
            assertThat(chat(gateway, "user_api_key", USER_KEY).headers().firstValue("x-cache")).contains("HIT");
            assertThat(chat(gateway, "user_api_key", USER_KEY, "Cache-Control", "no-cache").headers().firstValue("x-cache")).contains("MISS");
            HttpResponse<String> scrape = get(gateway, "/prometheus");
            assertThat(scrape.statusCode()).isEqualTo(200);
            PrometheusScrape metrics = PrometheusScrape.parse(scrape.body());
            assertThat(metrics.sum("sai_gateway_cache_hits_total")).isEqualTo(1);
            assertThat(metrics.sum("sai_gateway_cache_misses_total")).isEqualTo(2);
            // The hit's 7 + 2 tokens, which SAI did not have to produce again.
            assertThat(metrics.sum("sai_gateway_cache_tokens_saved_total")).isEqualTo(9);
            assertThat(metrics.find("sai_gateway_cache_evictions_total")).isNotEmpty();
            assertThat(metrics.sum("sai_gateway_cache_evictions_total")).isZero();
            assertThat(scrape.body()).doesNotContain(SaiFakeTest.SYSTEM_KEY).doesNotContain(USER_KEY);
            assertThat(sai.findAll(postRequestedFor(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)))).hasSize(2);
        }
    }

    @Test
    void theResponseCacheIsOffByDefaultAndWithAnEmptyTtl() throws Exception {
        // Unset, what an .env with "CACHE_TTL=" gives, and a zero duration.
        for (Optional<String> ttl : List.of(Optional.<String>empty(), Optional.of(""), Optional.of("0s"))) {
            assertCacheOff(ttl);
        }
    }

    @Test
    void aCacheTtlOfZeroTurnsTheCacheOff() throws Exception {
        // Setting.CACHE_TTL: "Empty or 0: no cache", what operators write to switch it off.
        assertCacheOff(Optional.of("0"));
    }

    @Test
    void nettysNativeTransportCanBeTurnedOffWithMicronautsOwnVariable() throws Exception {
        // application.yml prefers epoll for the default event loops and makes the acceptor follow them: turning off only the
        // default loops' setting, the variable an operator would find, once stopped the start ("incompatible event loop type").
        for (String prefer : List.of("false", "true")) {
            try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl())
                    .env("MICRONAUT_NETTY_EVENT_LOOPS_DEFAULT_PREFER_NATIVE_TRANSPORT", prefer).start().awaitHealthy()) {
                assertThat(chat(gateway, "user_api_key", USER_KEY).statusCode()).as("prefer native transport: %s", prefer).isEqualTo(200);
            }
        }
    }

    @Test
    void metricsOffByDefaultExposeNothing() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl()).start().awaitHealthy()) {
            HttpResponse<String> scrape = get(gateway, "/prometheus");
            assertThat(scrape.statusCode()).isEqualTo(404);
            assertThat(Json.parse(scrape.body()).path("error").path("type").asText()).isNotBlank();
        }
    }

    @Test
    void tracingOnExportsSpansOverOtlpAndSendsTraceparentToSai() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl())
                .env("OTEL_SDK_DISABLED", "false")
                .env("OTEL_EXPORTER_OTLP_ENDPOINT", sai.baseUrl())
                .env("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
                .env("OTEL_TRACES_SAMPLER_ARG", "1.0")
                .env("OTEL_BSP_SCHEDULE_DELAY", "100")
                .start().awaitHealthy()) {
            assertThat(chat(gateway).statusCode()).isEqualTo(200);
            LoggedRequest call = sai.findAll(postRequestedFor(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH))).get(0);
            assertThat(call.getHeader("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
            List<LoggedRequest> exports = awaitExports();
            assertThat(exports).as(gateway.output()).isNotEmpty();
            assertThat(exports.get(0).getHeader("Content-Type")).isEqualTo("application/x-protobuf");
            String traceId = call.getHeader("traceparent").substring(3, 35);
            assertThat(exports.stream().map(r -> hex(r.getBody()))).anySatisfy(body -> assertThat(body).contains(traceId));
        }
    }

    @Test
    void tracingOffByDefaultSendsNothing() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl())
                .env("OTEL_EXPORTER_OTLP_ENDPOINT", sai.baseUrl()).start().awaitHealthy()) {
            assertThat(chat(gateway).statusCode()).isEqualTo(200);
            Thread.sleep(500);
            assertThat(sai.findAll(postRequestedFor(urlPathEqualTo("/v1/traces")))).isEmpty();
            assertThat(sai.findAll(postRequestedFor(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH))).get(0).getHeader("traceparent")).isNull();
        }
    }

    @Test
    void anEmptyOtlpEndpointInTheEnvironmentIsAnUnsetOne() throws Exception {
        // What an .env with "OTEL_EXPORTER_OTLP_ENDPOINT=" gives: the variable set, to nothing.
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl()).env("OTEL_EXPORTER_OTLP_ENDPOINT", "").start().awaitHealthy()) {
            assertThat(chat(gateway).statusCode()).isEqualTo(200);
        }
        sai.resetRequests();
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl())
                .env("OTEL_SDK_DISABLED", "false")
                .env("OTEL_EXPORTER_OTLP_ENDPOINT", "")
                .env("OTEL_EXPORTER_OTLP_PROTOCOL", "")
                .start().awaitHealthy()) {
            assertThat(chat(gateway).statusCode()).isEqualTo(200);
            gateway.awaitStdout(line -> line.contains("[TRACING] OpenTelemetry on: spans exported to http://localhost:4318 (http/protobuf)"),
                    Duration.ofSeconds(5));
            assertThat(sai.findAll(postRequestedFor(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH))).get(0).getHeader("traceparent"))
                    .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        }
    }

    @Test
    void redisSharesOneRateLimitBetweenTwoReplicas() throws Exception {
        Optional<RedisProcess> started = RedisProcess.start();
        Assumptions.assumeTrue(started.isPresent(), RedisProcess.MISSING);
        try (RedisProcess redis = started.get();
             GatewayProcess first = GatewayProcess.configured(sai.baseUrl()).env("REDIS_URL", redis.url()).env("RATE_LIMIT_RPM", "3")
                     .start();
             GatewayProcess second = GatewayProcess.configured(sai.baseUrl()).env("REDIS_URL", redis.url()).env("RATE_LIMIT_RPM", "3")
                     .start()) {
            first.awaitHealthy();
            second.awaitHealthy();
            List<Integer> statuses = new ArrayList<>();
            HttpResponse<String> refused = null;
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> answer = chat(i % 2 == 0 ? first : second);
                statuses.add(answer.statusCode());
                if (answer.statusCode() == 429) {
                    refused = answer;
                }
            }
            // One client (same address, no key) over both replicas: three accepted in all, not three each.
            assertThat(statuses).as(statuses.toString()).containsExactly(200, 200, 200, 429, 429, 429);
            JsonNode error = Json.parse(refused.body()).path("error");
            // OpenAI's own rate-limit errors: type names the limit, code says what happened.
            assertThat(error.path("type").asText()).isEqualTo("requests");
            assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.headers().firstValue("x-ratelimit-limit-requests")).contains("3");
            assertThat(sai.findAll(postRequestedFor(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)))).hasSize(3);
        }
    }

    @Test
    void accessKeysProtectTheApiAndStayOutOfTheLogs() throws Exception {
        String key = "gw-key-switches-0815";
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl()).env("GATEWAY_API_KEYS", "gw-other," + key).start().awaitHealthy()) {
            HttpResponse<String> refused = chat(gateway);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(Json.parse(refused.body()).path("error").path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(chat(gateway, "Authorization", "Bearer wrong-key").statusCode()).isEqualTo(401);
            assertThat(chat(gateway, "Authorization", "Bearer " + key).statusCode()).isEqualTo(200);
            assertThat(get(gateway, "/health").statusCode()).isEqualTo(200);
            assertThat(sai.findAll(postRequestedFor(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)))).hasSize(1);
            gateway.awaitStdout(line -> line.contains("answered"), Duration.ofSeconds(10));
            assertThat(gateway.output()).contains("PROTECTED by 2 access key(s)").doesNotContain(key).doesNotContain("gw-other")
                    .doesNotContain(SaiFakeTest.SYSTEM_KEY);
        }
    }

    @Test
    void theCircuitBreakerOpensAfterItsFailuresAndAnswersWithoutCallingSai() throws Exception {
        sai.stubFor(post(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)).willReturn(aResponse().withStatus(503)));
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl()).env("MAX_RETRIES", "0")
                .env("SAI_BREAKER_FAILURES", "2").env("SAI_BREAKER_OPEN", "45s").start().awaitHealthy()) {
            assertThat(chat(gateway).statusCode()).isEqualTo(502);
            assertThat(chat(gateway).statusCode()).isEqualTo(502);
            HttpResponse<String> refused = chat(gateway);

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(Json.parse(refused.body()).path("error").path("code").asText()).isEqualTo("upstream_unavailable");
            assertThat(Integer.parseInt(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 45);
            assertThat(sai.findAll(postRequestedFor(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)))).hasSize(2);
            assertThat(gateway.output()).contains("circuit OPEN");
        }
    }

    @Test
    void theBreakerOffCallsSaiEveryTime() throws Exception {
        sai.stubFor(post(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)).willReturn(aResponse().withStatus(503)));
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl()).env("MAX_RETRIES", "0")
                .env("SAI_BREAKER_FAILURES", "0").start().awaitHealthy()) {
            // More failures in a row than the default SAI_BREAKER_FAILURES (5) would allow.
            for (int i = 0; i < 7; i++) {
                assertThat(chat(gateway).statusCode()).isEqualTo(502);
            }
            assertThat(sai.findAll(postRequestedFor(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)))).hasSize(7);
        }
    }

    @Test
    void aClientSlowToSendItsHeadersGetsA408AfterClientHeaderTimeout() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl()).env("CLIENT_HEADER_TIMEOUT", "1s").start().awaitHealthy();
             RawHttp raw = new RawHttp("127.0.0.1", gateway.port())) {
            long started = System.nanoTime();
            raw.send("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n");
            RawHttp.Response response = raw.response(5_000);

            // The setting, not the default of 10 s, cut it.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));

            assertThat(response.status()).isEqualTo(408);
            assertThat(Json.parse(response.body()).path("error").path("code").asText()).isEqualTo("request_timeout");
            assertThat(response.closed()).isTrue();
            assertThat(sai.findAll(postRequestedFor(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)))).isEmpty();
        }
    }

    @Test
    void tenancyOffByDefaultHasNoAdminApiNoDatabaseAndNeedsNoKey() throws Exception {
        Path dataDir = Files.createTempDirectory("tenancy-off-").resolve("data");
        // DATABASE_URL alone does not turn tenancy on: nothing listens there, and the gateway starts all the same.
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl()).env("DATA_DIR", dataDir.toString())
                .env("DATABASE_URL", "postgres://u:p@127.0.0.1:9/gateway").start().awaitHealthy()) {
            assertThat(chat(gateway).statusCode()).isEqualTo(200);
            assertThat(chat(gateway, "Authorization", "Bearer sk-sai-" + "x".repeat(43)).statusCode()).isEqualTo(200);
            for (String path : List.of("/admin/tenants", "/admin/keys", "/admin/openapi.yml", "/v1/me", "/ui", "/ui/", "/ui/sign-in",
                    "/ui/static/ui.css", "/ui/vendor/uplot/uPlot.iife.min.js")) {
                HttpResponse<String> answer = get(gateway, path, "Authorization", "Bearer whatever-admin-key-0000");
                assertThat(answer.statusCode()).as(path + " " + answer.body()).isEqualTo(404);
                assertThat(Json.parse(answer.body()).path("error").path("type").asText()).as(path).isNotBlank();
            }
            HttpResponse<String> create = gateway.http().send(HttpRequest.newBuilder(gateway.uri("/admin/tenants"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"t\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(create.statusCode()).as(create.body()).isEqualTo(404);
            assertThat(gateway.output()).doesNotContain("[KEYS]").doesNotContain("Hikari").doesNotContain("Flyway");
            assertThat(dataDir).doesNotExist();
            // Nor anything under the default DATA_DIR (data, in the working directory).
            assertThat(gateway.logDir().resolve("data")).doesNotExist();
        }
    }

    @Test
    void theDemoAnswersFromTheBuiltInSimulatorWithoutAnySetting() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.bare().env("MICRONAUT_ENVIRONMENTS", "demo").start().awaitHealthy()) {
            HttpResponse<String> answer = chat(gateway);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(Json.parse(answer.body()).path("choices").get(0).path("message").path("content").asText())
                    .isEqualTo("[SAI simulator] You said: Capital of Ecuador?");
            assertThat(gateway.output()).contains("SIMULATOR");
            // The line operators' scripts and .ci/run's smoke test wait for, in Micronaut's wording.
            gateway.awaitStdout(line -> line.contains("Server Running: http://localhost:" + gateway.port()), Duration.ofSeconds(5));
        }
    }

    /** Two identical requests both reach SAI and neither answer says x-cache. */
    private void assertCacheOff(Optional<String> ttl) throws Exception {
        sai.resetRequests();
        GatewayProcess.Builder builder = GatewayProcess.configured(sai.baseUrl());
        ttl.ifPresent(value -> builder.env("CACHE_TTL", value));
        try (GatewayProcess gateway = builder.start().awaitHealthy()) {
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> answer = chat(gateway);
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(answer.headers().firstValue("x-cache")).as("CACHE_TTL=" + ttl).isEmpty();
            }
            assertThat(sai.findAll(postRequestedFor(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)))).as("CACHE_TTL=" + ttl).hasSize(2);
            assertThat(gateway.output()).doesNotContain("[CACHE]").doesNotContain("answered from the cache");
        }
    }

    private List<LoggedRequest> awaitExports() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        List<LoggedRequest> exports = List.of();
        while (exports.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            exports = sai.findAll(postRequestedFor(urlPathEqualTo("/v1/traces")));
        }
        return exports;
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return out.toString();
    }

    private static HttpResponse<String> chat(GatewayProcess gateway, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHAT));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return gateway.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(GatewayProcess gateway, String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(10)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return gateway.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
