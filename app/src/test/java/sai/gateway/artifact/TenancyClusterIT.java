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
import java.util.concurrent.TimeUnit;
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


    @Test
    void everyRequestIsAnsweredWhileTheDatabaseIsAwayAndItsUsageIsWrittenWhenItReturns() throws Exception {
        Issued issued = createKey(createTenant("{}"), "");
        String key = issued.secret();
        String keyId = issued.id();
        awaitKnown(second, key);
        randomTokens(Duration.ZERO);
        int firstMark = first.stdoutLines().size();
        int secondMark = second.stdoutLines().size();
        int total = 200;

        // The outage must outlast the pool's connection timeout (3 s): a shorter one is waited out inside getConnection.
        Load load = Load.start(List.of(first, second), key, total, Duration.ofSeconds(9));
        load.awaitSubmitted(total / 4);
        postgres.stop();
        long downFrom = System.nanoTime();
        load.awaitSubmitted(total * 4 / 5);
        long downUntil = System.nanoTime();
        postgres.restart();
        List<Outcome> outcomes = load.await(Duration.ofSeconds(60));
        assertThat(outcomes).hasSize(total);
        assertThat(outcomes).as(Outcome.describe(outcomes)).allMatch(o -> o.status() == 200);
        long duringOutage = outcomes.stream().filter(o -> o.startNanos() >= downFrom && o.endNanos() <= downUntil).count();
        System.out.println("TenancyClusterIT: " + duringOutage + " of " + total + " requests answered entirely while PostgreSQL was down ("
                + TimeUnit.NANOSECONDS.toMillis(downUntil - downFrom) + " ms)");
        assertThat(duringOutage).as("requests answered while the database was down").isGreaterThanOrEqualTo(total / 5);

        String rows = awaitRows(keyId, total, Duration.ofSeconds(30));
        assertThat(rows).as("count|prompt|completion of usage_record").isEqualTo(total + "|" + Outcome.promptSum(outcomes) + "|"
                + Outcome.completionSum(outcomes));
        assertThat(requestIds(keyId)).containsExactlyInAnyOrderElementsOf(outcomes.stream().map(Outcome::requestId).toList());
        assertThat(postgres.execute("SELECT count(*) FROM usage_record WHERE key_id = '" + keyId + "' AND status <> 200")).isEqualTo("0");
        assertThat(daily(keyId)).as("requests|errors|prompt|completion of usage_daily")
                .isEqualTo(total + "|0|" + Outcome.promptSum(outcomes) + "|" + Outcome.completionSum(outcomes));

        for (GatewayProcess replica : List.of(first, second)) {
            int mark = replica == first ? firstMark : secondMark;
            awaitLine(replica, mark, line -> line.contains("[USAGE] database answers again"), Duration.ofSeconds(15));
            List<String> usage = since(replica, mark).stream().filter(l -> l.contains("[USAGE]")).toList();
            // Once per outage, not per request: the warning, then the line that it is over.
            assertThat(usage).as(replica.output()).hasSize(2);
            assertThat(usage.get(0)).contains("[USAGE] database unreachable");
            assertThat(usage.get(1)).contains("[USAGE] database answers again");
            List<String> events = since(replica, mark).stream().filter(l -> l.matches("^\\d{4}-\\d\\d-\\d\\d .*"))
                    .filter(TenancyClusterIT::aboutTheDatabase).toList();
            assertThat(events).as("log events about the database while %d requests were answered without it", duringOutage)
                    .hasSizeLessThanOrEqualTo(12);
        }
        for (GatewayProcess replica : List.of(first, second)) {
            int mark = replica == first ? firstMark : secondMark;
            // What the usage writer promises for its own lines holds for the pool's too: an outage is no reason to
            // print a usage row (its ids and tokens, quoted by the driver's batch exception) or a stack trace.
            assertThat(since(replica, mark)).as("the outage as logged on port " + replica.port())
                    .noneMatch(l -> l.contains("INSERT INTO usage_record"))
                    .noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by:"));
        }
    }

    @Test
    void aReplicaStoppedMidLoadAnswersWhatItAcceptedAndHasWrittenTheirRowsWhenItExits() throws Exception {
        Issued issued = createKey(createTenant("{}"), "");
        String key = issued.secret();
        // Slow answers, so requests are in flight when the signal comes.
        randomTokens(Duration.ofMillis(300));
        List<Outcome> outcomes;
        long terminatedAt;
        try (GatewayProcess leaving = replica(newDataDir()).start().awaitHealthy()) {
            awaitKnown(leaving, key);
            Load load = Load.start(List.of(first, leaving), key, 120, Duration.ofSeconds(4));
            load.awaitSubmitted(50);
            leaving.terminate();
            terminatedAt = System.nanoTime();
            outcomes = load.await(Duration.ofSeconds(60));
            assertThat(leaving.awaitExit(Duration.ofSeconds(45))).as(leaving.output()).isEqualTo(143);
            assertThat(String.join("\n", leaving.stdoutLines())).contains("[SHUTDOWN] draining");

            List<Outcome> fromLeaving = outcomes.stream().filter(o -> o.port() == leaving.port()).toList();
            List<Outcome> fromStaying = outcomes.stream().filter(o -> o.port() == first.port()).toList();
            long inFlight = fromLeaving.stream().filter(o -> o.status() == 200 && o.startNanos() < terminatedAt && o.endNanos() > terminatedAt).count();
            System.out.println("TenancyClusterIT: SIGTERM mid-load: " + Outcome.describe(fromLeaving) + "; " + inFlight
                    + " answered after the signal");
            assertThat(fromStaying).as(Outcome.describe(fromStaying)).allMatch(o -> o.status() == 200);
            // Answers are 200s or the drain's own refusal. Without an answer: new connections refused, and a request sent on
            // a kept-alive connection the drain was closing (HTTP's own race, which is why clients retry): the replica
            // never read those, as its log says.
            assertThat(fromLeaving).as(Outcome.describe(fromLeaving)).allMatch(o -> o.status() == 200
                    || (o.status() == 503 && o.body().contains("gateway_shutting_down"))
                    || (!o.answered() && o.failure() instanceof IOException));
            List<Outcome> answered = fromLeaving.stream().filter(Outcome::answered).toList();
            assertThat(leaving.stdoutLines()).as("requests the replica read").filteredOn(l -> l.contains("[CLIENT -> SERVER]"))
                    .hasSize(answered.size());
            assertThat(inFlight).as("requests in flight at SIGTERM, answered by the drain").isPositive();

            // Its rows are in before it exits: no waiting here.
            Map<String, Integer> rows = rowStatuses(issued.id());
            for (Outcome o : answered) {
                assertThat(rows.get(o.requestId())).as("the row of request " + o.requestId() + " answered " + o.status()).isEqualTo(o.status());
            }
            List<Outcome> allAnswered = outcomes.stream().filter(Outcome::answered).toList();
            String sums = awaitRows(issued.id(), allAnswered.size(), Duration.ofSeconds(15));
            // Nothing more than the answers: a request cut without an answer would have left a row of its own.
            assertThat(sums).isEqualTo(allAnswered.size() + "|" + Outcome.promptSum(allAnswered) + "|" + Outcome.completionSum(allAnswered));
            assertThat(requestIds(issued.id())).containsExactlyInAnyOrderElementsOf(allAnswered.stream().map(Outcome::requestId).toList());
            // A clean stop logs no failure: closing the pool must not be one (docker stop on every replica, every deploy).
            assertThat(leaving.stdoutLines()).as(leaving.output()).noneMatch(l -> l.contains("Error disposing bean"))
                    .noneMatch(l -> l.startsWith("java.lang.ClassCastException"));
        }
    }

    @Test
    void recordsOfAReplicaStoppedWhileTheDatabaseIsAwayAreSpooledAndWrittenByItsNextStart() throws Exception {
        Issued issued = createKey(createTenant("{}"), "");
        String key = issued.secret();
        randomTokens(Duration.ZERO);
        Path dataDir = newDataDir();
        List<Outcome> whileDown = new ArrayList<>();
        Outcome before;
        try (GatewayProcess leaving = replica(dataDir).start().awaitHealthy()) {
            before = send(leaving, key, "before");
            assertThat(before.status()).isEqualTo(200);
            assertThat(awaitRows(issued.id(), 1, Duration.ofSeconds(15))).startsWith("1|");
            postgres.stop();
            try {
                for (int i = 0; i < 10; i++) {
                    whileDown.add(send(leaving, key, "while down " + i));
                }
                assertThat(whileDown).as(Outcome.describe(whileDown)).allMatch(o -> o.status() == 200);
                leaving.terminate();
                assertThat(leaving.awaitExit(Duration.ofSeconds(45))).as(leaving.output()).isEqualTo(143);
            } finally {
                postgres.restart();
            }
            assertThat(leaving.stdoutLines()).as(leaving.output())
                    .anyMatch(l -> l.contains("[USAGE] 10 usage records not written before shutdown: kept in"));
        }
        Path spool = dataDir.resolve("usage-spool");
        assertThat(spoolBytes(spool)).as("bytes spooled in " + spool).isPositive();
        assertThat(requestIds(issued.id())).hasSize(1);

        try (GatewayProcess next = replica(dataDir).start().awaitHealthy()) {
            String rows = awaitRows(issued.id(), 11, Duration.ofSeconds(30));
            assertThat(next.stdoutLines()).anyMatch(l -> l.contains("from an earlier run: they are written first"));
            assertThat(requestIds(issued.id())).containsAll(whileDown.stream().map(Outcome::requestId).toList()).hasSize(11);
            assertThat(postgres.execute("SELECT coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0) FROM usage_record "
                    + "WHERE key_id = '" + issued.id() + "' AND request_id <> '" + before.requestId() + "'"))
                    .isEqualTo(Outcome.promptSum(whileDown) + "|" + Outcome.completionSum(whileDown));
            assertThat(rows).startsWith("11|");
            assertThat(daily(issued.id())).startsWith("11|0|");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (spoolBytes(spool) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(spoolBytes(spool)).as("the spool once written").isZero();
        }
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


    /** SAI reports different tokens on every answer, so sums prove each row carries its own request's. */
    private void randomTokens(Duration delay) {
        sai.resetAll();
        sai.stubFor(post(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)).willReturn(answer()
                .withHeader("prompttokens", "{{randomInt lower=1 upper=90}}")
                .withHeader("completiontokens", "{{randomInt lower=1 upper=40}}")
                .withFixedDelay((int) delay.toMillis())
                .withTransformers("response-template")));
    }

    /** {@code count|prompt|completion} of the key's usage rows once there are {@code expected}, or what there is after {@code within}. */
    private String awaitRows(String keyId, int expected, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        String rows;
        do {
            rows = postgres.execute("SELECT count(*), coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0) "
                    + "FROM usage_record WHERE key_id = '" + keyId + "'");
            if (rows.startsWith(expected + "|")) {
                return rows;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return rows;
    }

    private static Outcome send(GatewayProcess gateway, String key, String prompt) {
        long start = System.nanoTime();
        try {
            return Outcome.of(gateway.port(), chat(gateway, key, prompt), null, start);
        } catch (Exception e) {
            return Outcome.of(gateway.port(), null, e, start);
        }
    }

    private Map<String, Integer> rowStatuses(String keyId) {
        Map<String, Integer> rows = new HashMap<>();
        String text = postgres.execute("SELECT request_id, status FROM usage_record WHERE key_id = '" + keyId + "'");
        for (String line : text.isEmpty() ? new String[0] : text.split("\n")) {
            String[] columns = line.split("\\|");
            rows.put(columns[0], Integer.parseInt(columns[1]));
        }
        return rows;
    }

    private static long spoolBytes(Path spool) throws IOException {
        if (!Files.isDirectory(spool)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(spool)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private List<String> requestIds(String keyId) {
        String ids = postgres.execute("SELECT request_id FROM usage_record WHERE key_id = '" + keyId + "'");
        return ids.isEmpty() ? List.of() : List.of(ids.split("\n"));
    }

    private String daily(String keyId) {
        return postgres.execute("SELECT coalesce(sum(requests), 0), coalesce(sum(errors), 0), coalesce(sum(prompt_tokens), 0), "
                + "coalesce(sum(completion_tokens), 0) FROM usage_daily WHERE key_id = '" + keyId + "'");
    }

    private static List<String> since(GatewayProcess gateway, int mark) {
        List<String> lines = gateway.stdoutLines();
        return lines.subList(Math.min(mark, lines.size()), lines.size());
    }

    private static void awaitLine(GatewayProcess gateway, int mark, Predicate<String> line, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (since(gateway, mark).stream().noneMatch(line)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no such line within " + within.toSeconds() + " s\n" + gateway.output());
            }
            Thread.sleep(50);
        }
    }

    private static boolean aboutTheDatabase(String line) {
        return line.contains("[USAGE]") || line.contains("[KEYS]") || line.contains("Hikari") || line.contains("SQL")
                || line.contains("PSQLException") || line.contains("database");
    }

    /** What one request got: its answer (status, x-request-id, the tokens in its usage) or the exception that stood for it. */
    record Outcome(int port, int status, String requestId, long promptTokens, long completionTokens, String body, Throwable failure,
                   long startNanos, long endNanos) {

        static Outcome of(int port, HttpResponse<String> response, Throwable failure, long start) {
            long end = System.nanoTime();
            if (response == null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                return new Outcome(port, -1, null, 0, 0, null, cause, start, end);
            }
            long prompt = 0;
            long completion = 0;
            if (response.statusCode() == 200) {
                JsonNode usage = Json.parse(response.body()).path("usage");
                prompt = usage.path("prompt_tokens").asLong();
                completion = usage.path("completion_tokens").asLong();
            }
            return new Outcome(port, response.statusCode(), response.headers().firstValue("x-request-id").orElse(null), prompt, completion,
                    response.body(), null, start, end);
        }

        boolean answered() {
            return failure == null;
        }

        static long promptSum(List<Outcome> outcomes) {
            return outcomes.stream().mapToLong(Outcome::promptTokens).sum();
        }

        static long completionSum(List<Outcome> outcomes) {
            return outcomes.stream().mapToLong(Outcome::completionTokens).sum();
        }

        static String describe(List<Outcome> outcomes) {
            Map<String, Long> kinds = outcomes.stream().collect(Collectors.groupingBy(o -> o.answered()
                    ? o.port + " HTTP " + o.status + (o.status == 200 ? "" : " " + o.body)
                    : o.port + " " + o.failure, Collectors.counting()));
            return kinds.toString();
        }
    }

    /** {@code count} chat requests spread evenly over {@code over}, round robin over the replicas, each sent without waiting for the last. */
    static final class Load {

        private final ConcurrentLinkedQueue<CompletableFuture<Outcome>> sent = new ConcurrentLinkedQueue<>();
        private final Thread pacer;
        private volatile int submitted;

        private Load(List<GatewayProcess> targets, String key, int count, Duration over) {
            long interval = over.toNanos() / count;
            pacer = new Thread(() -> {
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    long wait = start + i * interval - System.nanoTime();
                    if (wait > 0) {
                        try {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    GatewayProcess target = targets.get(i % targets.size());
                    long begun = System.nanoTime();
                    sent.add(chatAsync(target, key, "load " + i).handle((r, e) -> Outcome.of(target.port(), r, e, begun)));
                    submitted = i + 1;
                }
            }, "cluster-load");
            pacer.setDaemon(true);
            pacer.start();
        }

        static Load start(List<GatewayProcess> targets, String key, int count, Duration over) {
            return new Load(targets, key, count, over);
        }

        void awaitSubmitted(int count) throws InterruptedException {
            while (submitted < count && pacer.isAlive()) {
                Thread.sleep(5);
            }
        }

        List<Outcome> await(Duration within) throws Exception {
            pacer.join(within.toMillis());
            List<Outcome> outcomes = new ArrayList<>();
            for (CompletableFuture<Outcome> outcome : sent) {
                outcomes.add(outcome.get(within.toMillis(), TimeUnit.MILLISECONDS));
            }
            return outcomes;
        }
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
