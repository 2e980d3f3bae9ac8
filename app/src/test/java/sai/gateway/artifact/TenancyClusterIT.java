package sai.gateway.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import sai.gateway.testing.GatewayProcess;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.PostgresProcess;
import sai.gateway.testing.RedisProcess;
import sai.gateway.testing.SaiFakeTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas of the shipped jar behind one PostgreSQL and one Redis, as a Swarm deployment runs them: a key's
 * and a tenant's limits hold for the pair, not for each; a revocation through one is honoured by the other within
 * the key refresh; and the usage rows add up to what SAI reported, across a database outage and across SIGTERM,
 * with the spool carrying records over a restart. Usage rows are read straight from PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenancyClusterIT {

    private static final String ADMIN_KEY = "admin-cluster-" + UUID.randomUUID();
    private static final int PROMPT_TOKENS = 7;
    private static final int COMPLETION_TOKENS = 5;

    private PostgresProcess postgres;
    private RedisProcess redis;
    private WireMockServer sai;
    private GatewayProcess first;
    private GatewayProcess second;
    private final List<Path> dataDirs = new ArrayList<>();

    @BeforeAll
    void startCluster() {
        Assumptions.assumeTrue(PostgresProcess.installed(), PostgresProcess.MISSING);
        Optional<RedisProcess> startedRedis = RedisProcess.start();
        Assumptions.assumeTrue(startedRedis.isPresent(), RedisProcess.MISSING);
        redis = startedRedis.get();
        postgres = PostgresProcess.start().orElseThrow(() -> new AssertionError("PostgreSQL is installed but did not start (see stderr)"));
        sai = new WireMockServer(options().dynamicPort().containerThreads(64));
        sai.start();
        // The first one migrates the schema; both at once would race Flyway's lock for nothing.
        first = replica(newDataDir()).start().awaitHealthy();
        second = replica(newDataDir()).start().awaitHealthy();
    }

    @AfterAll
    void stopCluster() {
        for (AutoCloseable closeable : Arrays.asList(first, second, postgres, redis)) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
        if (sai != null) {
            sai.stop();
        }
        dataDirs.forEach(TenancyClusterIT::delete);
    }

    @BeforeEach
    void fixedAnswers() {
        sai.resetAll();
        sai.stubFor(post(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)).willReturn(answer()
                .withHeader("prompttokens", Integer.toString(PROMPT_TOKENS))
                .withHeader("completiontokens", Integer.toString(COMPLETION_TOKENS))));
    }

    @Test
    void aKeysRequestsPerMinuteHoldForBothReplicasTogether() throws Exception {
        int rpm = 6;
        String tenant = createTenant("{}");
        String key = createKey(tenant, "\"requests_per_minute\":" + rpm).secret();
        awaitKnown(second, key);
        sai.resetRequests();

        List<HttpResponse<String>> answers = new ArrayList<>();
        for (int i = 0; i < rpm - 2; i++) {
            answers.add(chat(i % 2 == 0 ? first : second, key, "sequential " + i));
        }
        assertThat(answers).extracting(HttpResponse::statusCode).as("sequential, alternating").containsOnly(200);
        List<CompletableFuture<HttpResponse<String>>> together = new ArrayList<>();
        for (int i = 0; i < rpm + 2; i++) {
            together.add(chatAsync(i % 2 == 0 ? first : second, key, "together " + i));
        }
        for (CompletableFuture<HttpResponse<String>> answer : together) {
            answers.add(answer.get(30, TimeUnit.SECONDS));
        }

        assertThat(answers).hasSize(2 * rpm);
        assertThat(answers).filteredOn(a -> a.statusCode() == 200).as(statuses(answers)).hasSize(rpm);
        List<HttpResponse<String>> refused = answers.stream().filter(a -> a.statusCode() != 200).toList();
        assertThat(refused).hasSize(rpm);
        refused.forEach(a -> OpenAiErrors.assertError(a, 429, "requests", "rate_limit_exceeded", null));
        assertThat(sai.findAll(postRequestedFor(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)))).hasSize(rpm);
    }

    @Test
    void aTenantsDailyBudgetHoldsForBothReplicasTogether() throws Exception {
        int answersInBudget = 4;
        int perAnswer = PROMPT_TOKENS + COMPLETION_TOKENS;
        String tenant = createTenant("\"tokens_per_day\":" + answersInBudget * perAnswer);
        String key = createKey(tenant, "").secret();
        awaitKnown(second, key);
        sai.resetRequests();

        List<HttpResponse<String>> answers = new ArrayList<>();
        for (int i = 0; i < answersInBudget + 2; i++) {
            answers.add(chat(i % 2 == 0 ? first : second, key, "budget " + i));
        }

        assertThat(answers).extracting(HttpResponse::statusCode).as(statuses(answers)).containsExactly(200, 200, 200, 200, 429, 429);
        for (HttpResponse<String> refused : answers.subList(answersInBudget, answers.size())) {
            OpenAiErrors.assertError(refused, 429, "tokens", "budget_exceeded", null);
            assertThat(refused.body()).contains("daily budget of " + answersInBudget * perAnswer + " tokens");
        }
        assertThat(sai.findAll(postRequestedFor(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)))).hasSize(answersInBudget);
    }

    @Test
    void aKeyRevokedThroughOneReplicaIsRefusedByTheOtherWithinFiveSeconds() throws Exception {
        Issued key = createKey(createTenant("{}"), "");
        awaitKnown(second, key.secret());
        assertThat(chat(second, key.secret(), "before").statusCode()).isEqualTo(200);

        long start = System.nanoTime();
        HttpResponse<String> revoked = admin(first, "/admin/keys/" + key.id() + "/revoke", "");
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        // The replica that made the change applies it at once.
        OpenAiErrors.assertError(chat(first, key.secret(), "on the same replica"), 401, "invalid_request_error", "invalid_api_key", null);
        long refusedAfter = -1;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
            if (me(second, key.secret()).statusCode() == 401) {
                refusedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                break;
            }
            Thread.sleep(20);
        }
        System.out.println("TenancyClusterIT: the other replica refused the revoked key after " + refusedAfter + " ms");

        assertThat(refusedAfter).as("ms until the other replica refused the revoked key (-1: not within 10 s)").isBetween(0L, 4_999L);
        HttpResponse<String> refused = chat(second, key.secret(), "after");
        OpenAiErrors.assertError(refused, 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(refused.body()).contains("revoked");
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private GatewayProcess.Builder replica(Path dataDir) {
        return GatewayProcess.configured(sai.baseUrl())
                .env("GATEWAY_ADMIN_KEY", ADMIN_KEY)
                .env("DATABASE_URL", postgres.url())
                .env("REDIS_URL", redis.url())
                .env("DATA_DIR", dataDir.toString())
                .env("MAX_RETRIES", "0");
    }

    private Path newDataDir() {
        try {
            Path dir = Files.createTempDirectory("sai-cluster-data-");
            dataDirs.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ResponseDefinitionBuilder answer() {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/plain; charset=utf-8").withHeader("model", "sai-model")
                .withBody("Quito");
    }

    private String createTenant(String limits) throws Exception {
        String fields = limits.equals("{}") || limits.isEmpty() ? "" : "," + limits;
        HttpResponse<String> created = admin(first, "/admin/tenants",
                "{\"name\":\"cluster-" + UUID.randomUUID() + "\"" + fields + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Json.parse(created.body()).path("id").asText();
    }

    private Issued createKey(String tenantId, String limits) throws Exception {
        HttpResponse<String> created = admin(first, "/admin/keys",
                "{\"tenant_id\":\"" + tenantId + "\",\"name\":\"cluster\"" + (limits.isEmpty() ? "" : "," + limits) + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode key = Json.parse(created.body());
        return new Issued(key.path("id").asText(), key.path("key").asText());
    }

    private record Issued(String id, String secret) {
    }

    private static HttpResponse<String> admin(GatewayProcess gateway, String path, String body) throws Exception {
        return gateway.http().send(HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A replica learns of a key made through the other within its key refresh; /v1/me takes nothing from any limit. */
    private static void awaitKnown(GatewayProcess gateway, String key) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (me(gateway, key).statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the replica on port " + gateway.port() + " never accepted the new key\n" + gateway.output());
            }
            Thread.sleep(50);
        }
    }

    private static HttpResponse<String> me(GatewayProcess gateway, String key) throws Exception {
        return gateway.http().send(HttpRequest.newBuilder(gateway.uri("/v1/me")).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> chat(GatewayProcess gateway, String key, String prompt) throws Exception {
        return gateway.http().send(chatRequest(gateway, key, prompt), HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> chatAsync(GatewayProcess gateway, String key, String prompt) {
        return gateway.http().sendAsync(chatRequest(gateway, key, prompt), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest chatRequest(GatewayProcess gateway, String key, String prompt) {
        String body = "{\"model\":\"sai-model\",\"messages\":[{\"role\":\"user\",\"content\":" + Json.quote(prompt) + "}]}";
        return HttpRequest.newBuilder(gateway.uri("/v1/chat/completions")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String statuses(List<HttpResponse<String>> answers) {
        return answers.stream().map(a -> a.statusCode() + (a.statusCode() == 200 ? "" : " " + a.body())).collect(Collectors.joining("\n"));
    }

    private static void delete(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // a leftover temp dir is harmless
        }
    }
}
