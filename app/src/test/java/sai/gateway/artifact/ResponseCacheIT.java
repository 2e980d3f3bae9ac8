package sai.gateway.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import sai.gateway.testing.GatewayProcess;
import sai.gateway.testing.Json;
import sai.gateway.testing.PrometheusScrape;
import sai.gateway.testing.RedisProcess;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.testing.SseEvents;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The response cache's switches (CACHE_TTL, CACHE_MAX_ENTRIES, CACHE_MAX_BYTES, CACHE_HITS_COUNT_TOKENS, REDIS_URL) on
 * the shipped jar, as OperatorSwitchesIT does for the others: what a client sees (x-cache, the content, the limits'
 * answers), what SAI sees (how often it is called), and with Redis what two replicas share and what happens when it goes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResponseCacheIT {

    private static final String ACCESS_KEY = "gw-key-cache-it-31337";
    private static final String CACHE_LOG = "[SERVER -> CLIENT] answered from the cache";
    private static final String REDIS_DOWN_LOG = "[CACHE] Redis cannot be reached";
    /** prompttokens + completiontokens of every stubbed answer. */
    private static final int TOKENS_PER_ANSWER = 9;

    private WireMockServer sai;

    @BeforeAll
    void startSai() {
        sai = new WireMockServer(options().dynamicPort());
        sai.start();
    }

    @BeforeEach
    void resetSai() {
        sai.resetAll();
    }

    @AfterAll
    void stopSai() {
        sai.stop();
    }

    @Test
    void withCacheTtlEverySurfaceAnswersARepeatedRequestWithoutCallingSai() throws Exception {
        stubAnswer("Capital of Ecuador?", "Quito");
        stubAnswer("Capital of Peru?", "Lima");
        stubAnswer("Capital of Chile?", "Santiago");
        stubAnswer("Capital of Bolivia?", "Sucre");
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl()).env("CACHE_TTL", "10m").start().awaitHealthy()) {
            List<Surface> surfaces = List.of(
                    new Surface("/v1/chat/completions", chatBody("Capital of Ecuador?", false), "Quito",
                            answer -> answer.at("/choices/0/message/content").asText()),
                    new Surface("/v1/completions", "{\"model\":\"sai-model\",\"prompt\":\"Capital of Peru?\"}", "Lima",
                            answer -> answer.at("/choices/0/text").asText()),
                    new Surface("/v1/responses", "{\"model\":\"sai-model\",\"input\":\"Capital of Chile?\"}", "Santiago",
                            answer -> answer.at("/output/0/content/0/text").asText()),
                    new Surface("/v1/messages", "{\"model\":\"sai-model\",\"max_tokens\":64,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"Capital of Bolivia?\"}]}", "Sucre",
                            answer -> answer.at("/content/0/text").asText()));
            for (Surface surface : surfaces) {
                HttpResponse<String> first = send(gateway, surface.path(), surface.body());
                HttpResponse<String> second = send(gateway, surface.path(), surface.body());

                assertThat(first.statusCode()).as(surface.path() + " " + first.body()).isEqualTo(200);
                assertThat(second.statusCode()).as(surface.path() + " " + second.body()).isEqualTo(200);
                assertThat(first.headers().firstValue("x-cache")).as(surface.path()).contains("MISS");
                assertThat(second.headers().firstValue("x-cache")).as(surface.path()).contains("HIT");
                assertThat(surface.content().read(Json.parse(first.body()))).as(surface.path()).isEqualTo(surface.expected());
                assertThat(surface.content().read(Json.parse(second.body()))).as(surface.path()).isEqualTo(surface.expected());
            }
            // One call per surface: every second request was the cache's.
            assertThat(saiCalls()).isEqualTo(surfaces.size());
            gateway.awaitStdout(line -> line.contains(CACHE_LOG), Duration.ofSeconds(5));
            assertThat(gateway.stdoutLines().stream().filter(line -> line.contains(CACHE_LOG))).hasSize(surfaces.size());
            assertThat(gateway.output()).contains("[CACHE] response cache on: TTL");
        }
    }

    @Test
    void anAnswerPaidWithOneUsersSaiKeyIsNeverServedToAnother() throws Exception {
        stubAnswer("Capital of Ecuador?", "Quito");
        String ana = "sk-user-ana-cache-1111";
        String ben = "sk-user-ben-cache-2222";
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl()).env("CACHE_TTL", "10m").start().awaitHealthy()) {
            assertThat(cacheVerdict(chat(gateway, "Capital of Ecuador?", "user_api_key", ana))).isEqualTo("MISS");
            assertThat(cacheVerdict(chat(gateway, "Capital of Ecuador?", "user_api_key", ben))).isEqualTo("MISS");
            assertThat(cacheVerdict(chat(gateway, "Capital of Ecuador?"))).as("the system's key").isEqualTo("MISS");
            assertThat(cacheVerdict(chat(gateway, "Capital of Ecuador?", "user_api_key", ana))).isEqualTo("HIT");
            assertThat(sai.findAll(postRequestedFor(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH))).stream()
                    .map(call -> call.getHeader("X-Api-Key"))).containsExactly(ana, ben, SaiFakeTest.SYSTEM_KEY);
            assertThat(gateway.output()).doesNotContain(ana).doesNotContain(ben);
        }
    }

    @Test
    void anEntryOlderThanCacheTtlIsAskedAgain() throws Exception {
        stubAnswer("Capital of Ecuador?", "Quito");
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl()).env("CACHE_TTL", "2s").start().awaitHealthy()) {
            assertThat(cacheVerdict(chat(gateway, "Capital of Ecuador?"))).isEqualTo("MISS");
            assertThat(cacheVerdict(chat(gateway, "Capital of Ecuador?"))).isEqualTo("HIT");
            Thread.sleep(2_500);
            assertThat(cacheVerdict(chat(gateway, "Capital of Ecuador?"))).isEqualTo("MISS");
            assertThat(saiCalls()).isEqualTo(2);
        }
    }

    @Test
    void cacheControlNoStoreKeepsNothingAndNoCacheRefreshesTheEntry() throws Exception {
        stubAnswer("Capital of Ecuador?", "Quito");
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl()).env("CACHE_TTL", "10m").start().awaitHealthy()) {
            assertThat(chatContent(chat(gateway, "Capital of Ecuador?"))).isEqualTo("Quito");
            // SAI now answers otherwise: whichever answer a request gets shows where it came from.
            stubAnswer("Capital of Ecuador?", "San Francisco de Quito");

            HttpResponse<String> noStore = chat(gateway, "Capital of Ecuador?", "Cache-Control", "no-store");
            assertThat(cacheVerdict(noStore)).isEqualTo("MISS");
            assertThat(chatContent(noStore)).isEqualTo("San Francisco de Quito");
            HttpResponse<String> afterNoStore = chat(gateway, "Capital of Ecuador?");
            assertThat(cacheVerdict(afterNoStore)).isEqualTo("HIT");
            assertThat(chatContent(afterNoStore)).as("no-store did not replace the entry").isEqualTo("Quito");

            HttpResponse<String> noCache = chat(gateway, "Capital of Ecuador?", "Cache-Control", "no-cache");
            assertThat(cacheVerdict(noCache)).isEqualTo("MISS");
            assertThat(chatContent(noCache)).isEqualTo("San Francisco de Quito");
            HttpResponse<String> afterNoCache = chat(gateway, "Capital of Ecuador?");
            assertThat(cacheVerdict(afterNoCache)).isEqualTo("HIT");
            assertThat(chatContent(afterNoCache)).as("no-cache replaced the entry").isEqualTo("San Francisco de Quito");

            assertThat(saiCalls()).isEqualTo(3);
        }
    }

    @Test
    void cacheMaxEntriesOfOneKeepsOneAnswerAtATime() throws Exception {
        stubAnswer("Question A", "Answer A");
        stubAnswer("Question B", "Answer B");
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl()).env("CACHE_TTL", "10m").env("CACHE_MAX_ENTRIES", "1")
                .env("METRICS_ENABLED", "true").start().awaitHealthy()) {
            assertThat(cacheVerdict(chat(gateway, "Question A"))).isEqualTo("MISS");
            assertThat(cacheVerdict(chat(gateway, "Question A"))).as("one answer fits").isEqualTo("HIT");
            List<String> verdicts = new ArrayList<>();
            for (String question : List.of("Question B", "Question A", "Question B")) {
                HttpResponse<String> answer = chat(gateway, question);
                assertThat(chatContent(answer)).isEqualTo(question.replace("Question", "Answer"));
                verdicts.add(cacheVerdict(answer));
            }
            // With both kept, A and B would each have been asked once (2 calls); with one at most, A and B cannot both hit.
            assertThat(saiCalls()).as(verdicts.toString()).isGreaterThanOrEqualTo(3);
            assertThat(verdicts).as(verdicts.toString()).first().isEqualTo("MISS");
            assertThat(scrape(gateway).sum("sai_gateway_cache_evictions_total")).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void cacheMaxBytesBoundsTheSizeOfWhatIsKeptNotTheNumberOfAnswers() throws Exception {
        // 20,000 characters weigh 200 + 2 * 20,000 = 40,200 bytes: one fits in 65,536 bytes, two do not.
        String answerA = longAnswer("A", 20_000);
        String answerB = longAnswer("B", 20_000);
        stubAnswer("Long question A", answerA);
        stubAnswer("Long question B", answerB);
        List<String> small = List.of("Small 1", "Small 2", "Small 3", "Small 4", "Small 5");
        for (String question : small) {
            stubAnswer(question, "Answer to " + question);
        }
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl()).env("CACHE_TTL", "10m").env("CACHE_MAX_BYTES", "65536")
                .env("CACHE_MAX_ENTRIES", "100000").start().awaitHealthy()) {
            // Small answers weigh their size, not CACHE_MAX_BYTES / CACHE_MAX_ENTRIES rounded up to anything big: all five stay.
            for (String question : small) {
                assertThat(cacheVerdict(chat(gateway, question))).isEqualTo("MISS");
            }
            for (String question : small) {
                assertThat(cacheVerdict(chat(gateway, question))).as(question).isEqualTo("HIT");
            }
            assertThat(saiCalls()).isEqualTo(small.size());
            sai.resetRequests();

            assertThat(cacheVerdict(chat(gateway, "Long question A"))).isEqualTo("MISS");
            assertThat(cacheVerdict(chat(gateway, "Long question A"))).as("one long answer fits").isEqualTo("HIT");
            List<String> verdicts = new ArrayList<>();
            for (String question : List.of("Long question B", "Long question A", "Long question B")) {
                HttpResponse<String> answer = chat(gateway, question);
                assertThat(chatContent(answer)).isEqualTo(question.endsWith("A") ? answerA : answerB);
                verdicts.add(cacheVerdict(answer));
            }
            // Both kept (80,400 bytes) would mean 2 calls; the bound leaves room for one, so A and B cannot both hit.
            assertThat(saiCalls()).as(verdicts.toString()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void byDefaultHitsDoNotSpendTheDailyTokenQuota() throws Exception {
        stubAnswer("Capital of Ecuador?", "Quito");
        try (GatewayProcess gateway = quotaGateway(null)) {
            List<HttpResponse<String>> answers = repeatedChats(gateway, 5);

            assertThat(answers).allSatisfy(answer -> assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200));
            assertThat(answers.stream().map(ResponseCacheIT::cacheVerdict)).containsExactly("MISS", "HIT", "HIT", "HIT", "HIT");
            // Only SAI's answer was spent: 20 - 9, however many hits followed.
            assertThat(answers.get(4).headers().firstValue("x-ratelimit-remaining-tokens")).contains(Integer.toString(20 - TOKENS_PER_ANSWER));
            assertThat(saiCalls()).isEqualTo(1);
        }
    }

    @Test
    void withCacheHitsCountTokensHitsSpendTheDailyTokenQuotaUntilItRefuses() throws Exception {
        stubAnswer("Capital of Ecuador?", "Quito");
        try (GatewayProcess gateway = quotaGateway("true")) {
            List<HttpResponse<String>> answers = repeatedChats(gateway, 5);

            // 20 tokens a day, 9 an answer: SAI's (11 left), a hit (2 left), a hit that overdraws, then refusals.
            assertThat(answers.stream().map(HttpResponse::statusCode)).containsExactly(200, 200, 200, 429, 429);
            assertThat(answers.stream().map(ResponseCacheIT::cacheVerdict)).containsExactly("MISS", "HIT", "HIT", "MISS", "MISS");
            JsonNode error = Json.parse(answers.get(3).body()).path("error");
            assertThat(error.path("type").asText()).isEqualTo("tokens");
            assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(answers.get(3).headers().firstValue("Retry-After")).isPresent();
            assertThat(saiCalls()).isEqualTo(1);
        }
    }

    @Test
    void aHitStillCountsAsARequestForRateLimitRpm() throws Exception {
        stubAnswer("Capital of Ecuador?", "Quito");
        try (GatewayProcess gateway = GatewayProcess.configured(sai.baseUrl()).env("CACHE_TTL", "10m").env("RATE_LIMIT_RPM", "2")
                .env("GATEWAY_API_KEYS", ACCESS_KEY).start().awaitHealthy()) {
            List<HttpResponse<String>> answers = repeatedChats(gateway, 3);

            assertThat(answers.stream().map(HttpResponse::statusCode)).containsExactly(200, 200, 429);
            assertThat(answers.stream().map(ResponseCacheIT::cacheVerdict)).containsExactly("MISS", "HIT", "MISS");
            assertThat(Json.parse(answers.get(2).body()).at("/error/type").asText()).isEqualTo("requests");
            assertThat(saiCalls()).isEqualTo(1);
        }
    }

    @Test
    void twoReplicasShareTheirCacheThroughRedisForPlainAndStreamedAnswers() throws Exception {
        Optional<RedisProcess> started = RedisProcess.start();
        Assumptions.assumeTrue(started.isPresent(), RedisProcess.MISSING);
        String longAnswer = longAnswer("Quito", 20_000);
        stubAnswer("Capital of Ecuador?", longAnswer);
        stubAnswer("Capital of Peru?", "Lima, on the coast");
        try (RedisProcess redis = started.get();
             GatewayProcess first = redisGateway(redis.url()).start();
             GatewayProcess second = redisGateway(redis.url()).start();
             RedisClient client = RedisClient.create(redis.url());
             StatefulRedisConnection<String, byte[]> redisView = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
            first.awaitHealthy();
            second.awaitHealthy();

            HttpResponse<String> onFirst = chat(first, "Capital of Ecuador?", "Authorization", "Bearer " + ACCESS_KEY);
            assertThat(cacheVerdict(onFirst)).isEqualTo("MISS");
            // Kept after the answer left, so wait for Redis to have it before asking the other replica.
            List<String> keys = awaitKeys(redisView, 1);
            assertThat(keys).singleElement().asString().matches("sai-gateway:cache:[0-9a-f]{64}");
            byte[] stored = redisView.sync().get(keys.get(0));
            assertThat(stored.length).as("compressed").isLessThan(longAnswer.length() / 4);
            assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("Quito Quito");
            assertThat(redisView.sync().pttl(keys.get(0))).isBetween(1L, Duration.ofMinutes(10).toMillis());

            HttpResponse<String> onSecond = chat(second, "Capital of Ecuador?", "Authorization", "Bearer " + ACCESS_KEY);
            assertThat(cacheVerdict(onSecond)).isEqualTo("HIT");
            assertThat(chatContent(onSecond)).isEqualTo(chatContent(onFirst)).isEqualTo(longAnswer);
            assertThat(saiCalls()).isEqualTo(1);

            // A plain answer on one replica, replayed as a stream on the other.
            HttpResponse<String> plain = chat(first, "Capital of Peru?", "Authorization", "Bearer " + ACCESS_KEY);
            assertThat(cacheVerdict(plain)).isEqualTo("MISS");
            awaitKeys(redisView, 2);
            HttpResponse<String> streamed = send(second, "/v1/chat/completions", chatBody("Capital of Peru?", true),
                    "Authorization", "Bearer " + ACCESS_KEY);
            assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
            assertThat(cacheVerdict(streamed)).isEqualTo("HIT");
            assertThat(streamed.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            SseEvents events = SseEvents.parse(streamed.body());
            assertThat(events.data()).last().isEqualTo(SseEvents.DONE);
            List<JsonNode> chunks = events.chunks();
            assertThat(SseEvents.content(chunks)).isEqualTo(chatContent(plain)).isEqualTo("Lima, on the coast");
            assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk"));
            assertThat(chunks.stream().map(chunk -> chunk.at("/choices/0/finish_reason").asText(""))).contains("stop");
            assertThat(saiCalls()).isEqualTo(2);

            second.awaitStdout(line -> line.contains(CACHE_LOG), Duration.ofSeconds(5));
            assertNoSecretLogged(first, second);
        }
    }

    @Test
    void whenRedisStopsBothReplicasAnswerFromSaiAndSayItOnce() throws Exception {
        Optional<RedisProcess> started = RedisProcess.start();
        Assumptions.assumeTrue(started.isPresent(), RedisProcess.MISSING);
        stubAnswer("Capital of Ecuador?", "Quito");
        RedisProcess redis = started.get();
        try (redis;
             GatewayProcess first = redisGateway(redis.url()).start();
             GatewayProcess second = redisGateway(redis.url()).start()) {
            first.awaitHealthy();
            second.awaitHealthy();
            assertThat(cacheVerdict(chat(first, "Capital of Ecuador?", "Authorization", "Bearer " + ACCESS_KEY))).isEqualTo("MISS");
            try (RedisClient client = RedisClient.create(redis.url());
                 StatefulRedisConnection<String, byte[]> redisView = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
                awaitKeys(redisView, 1);
            }
            // Both replicas use Redis before it goes: the outage is one each meets, not a connection never made.
            assertThat(cacheVerdict(chat(second, "Capital of Ecuador?", "Authorization", "Bearer " + ACCESS_KEY))).isEqualTo("HIT");

            redis.close();
            sai.resetRequests();
            for (int i = 0; i < 6; i++) {
                GatewayProcess replica = i % 2 == 0 ? first : second;
                long sent = System.nanoTime();
                HttpResponse<String> answer = chat(replica, "Capital of Ecuador?", "Authorization", "Bearer " + ACCESS_KEY);
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(cacheVerdict(answer)).isEqualTo("MISS");
                assertThat(chatContent(answer)).isEqualTo("Quito");
                // Redis's absence costs at most its timeout, never the client's patience.
                assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(5));
            }
            assertThat(saiCalls()).isEqualTo(6);
            for (GatewayProcess replica : List.of(first, second)) {
                replica.awaitStdout(line -> line.contains(REDIS_DOWN_LOG), Duration.ofSeconds(5));
                assertThat(replica.stdoutLines().stream().filter(line -> line.contains(REDIS_DOWN_LOG))).as(replica.output()).hasSize(1);
            }
            assertNoSecretLogged(first, second);
        }
    }

    @Test
    void aRedisThatIsNeverThereLeavesTheCacheSkippedAndTheGatewayServing() throws Exception {
        stubAnswer("Capital of Ecuador?", "Quito");
        try (GatewayProcess gateway = redisGateway(RedisProcess.unreachableUrl()).start().awaitHealthy()) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> answer = chat(gateway, "Capital of Ecuador?", "Authorization", "Bearer " + ACCESS_KEY);
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(cacheVerdict(answer)).isEqualTo("MISS");
            }
            assertThat(saiCalls()).isEqualTo(3);
            gateway.awaitStdout(line -> line.contains(REDIS_DOWN_LOG), Duration.ofSeconds(5));
            assertThat(gateway.stdoutLines().stream().filter(line -> line.contains(REDIS_DOWN_LOG))).as(gateway.output()).hasSize(1);
            assertNoSecretLogged(gateway);
        }
    }

    private record Surface(String path, String body, String expected, Content content) {
    }

    @FunctionalInterface
    private interface Content {
        String read(JsonNode answer);
    }

    private GatewayProcess.Builder redisGateway(String redisUrl) {
        return GatewayProcess.configured(sai.baseUrl()).env("REDIS_URL", redisUrl).env("CACHE_TTL", "10m")
                .env("GATEWAY_API_KEYS", ACCESS_KEY);
    }

    /** One client (the access key), 20 tokens a day; {@code hitsCount} null leaves CACHE_HITS_COUNT_TOKENS at its default. */
    private GatewayProcess quotaGateway(String hitsCount) {
        GatewayProcess.Builder builder = GatewayProcess.configured(sai.baseUrl()).env("CACHE_TTL", "10m").env("TOKEN_QUOTA_DAILY", "20")
                .env("GATEWAY_API_KEYS", ACCESS_KEY);
        if (hitsCount != null) {
            builder.env("CACHE_HITS_COUNT_TOKENS", hitsCount);
        }
        return builder.start().awaitHealthy();
    }

    private static List<HttpResponse<String>> repeatedChats(GatewayProcess gateway, int times) throws IOException, InterruptedException {
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            answers.add(chat(gateway, "Capital of Ecuador?", "Authorization", "Bearer " + ACCESS_KEY));
        }
        return answers;
    }

    private void stubAnswer(String question, String answer) {
        sai.stubFor(post(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)).withRequestBody(containing(question)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain; charset=utf-8")
                .withHeader("prompttokens", "7").withHeader("completiontokens", "2").withHeader("model", "sai-model")
                .withBody(answer)));
    }

    private int saiCalls() {
        return sai.findAll(postRequestedFor(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH))).size();
    }

    /** Words, so the text is what an answer looks like (and what DEFLATE shrinks), {@code length} characters. */
    private static String longAnswer(String word, int length) {
        StringBuilder text = new StringBuilder(length);
        while (text.length() < length) {
            text.append(word).append(' ');
        }
        return text.substring(0, length);
    }

    private static List<String> awaitKeys(StatefulRedisConnection<String, byte[]> redis, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<String> keys = redis.sync().keys("sai-gateway:cache:*");
        while (keys.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
            keys = redis.sync().keys("sai-gateway:cache:*");
        }
        assertThat(keys).as("cache entries in Redis").hasSize(count);
        return keys;
    }

    private static void assertNoSecretLogged(GatewayProcess... gateways) {
        for (GatewayProcess gateway : gateways) {
            List<String> all = Stream.of(gateway.stdoutLines(), gateway.stderrLines(), gateway.logFileLines()).flatMap(List::stream).toList();
            assertThat(all).as(gateway.output()).isNotEmpty()
                    .noneMatch(line -> line.contains(SaiFakeTest.SYSTEM_KEY) || line.contains(ACCESS_KEY));
        }
    }

    private static String cacheVerdict(HttpResponse<String> answer) {
        return answer.headers().firstValue("x-cache").orElse("(none)");
    }

    private static String chatContent(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return Json.parse(answer.body()).at("/choices/0/message/content").asText();
    }

    private static String chatBody(String question, boolean stream) {
        return "{\"model\":\"sai-model\"," + (stream ? "\"stream\":true," : "") + "\"messages\":[{\"role\":\"user\",\"content\":"
                + Json.quote(question) + "}]}";
    }

    private static HttpResponse<String> chat(GatewayProcess gateway, String question, String... headers)
            throws IOException, InterruptedException {
        return send(gateway, "/v1/chat/completions", chatBody(question, false), headers);
    }

    private static HttpResponse<String> send(GatewayProcess gateway, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return gateway.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static PrometheusScrape scrape(GatewayProcess gateway) throws IOException, InterruptedException {
        HttpResponse<String> scrape = gateway.http().send(HttpRequest.newBuilder(gateway.uri("/prometheus")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        return PrometheusScrape.parse(scrape.body());
    }
}
