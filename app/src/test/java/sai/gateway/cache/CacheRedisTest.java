package sai.gateway.cache;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sai.gateway.observe.ExchangeFilter;
import sai.gateway.testing.Json;
import sai.gateway.testing.RedisProcess;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.testing.SseEvents;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code REDIS_URL} the cache is Redis's, so two replicas (two application contexts on one real
 * {@code redis-server}) share their entries: an answer one replica got from SAI is a hit on the other, kept compressed and
 * with the TTL as Redis's own expiry. The first replica waits for Redis to confirm its writes (as on Lambda), so what it
 * answered is in Redis when the answer arrives; the second does not wait (the container's default).
 */
@MicronautTest
class CacheRedisTest extends SaiFakeTest {

    private Optional<RedisProcess> redis;
    private EmbeddedServer second;

    @Override
    protected Map<String, String> extraProperties() {
        redis = RedisProcess.start();
        // This replica waits for Redis to confirm each write, as the Lambda does: an entry is in Redis once its answer is out.
        return Map.of("cache.ttl", "10m", "cache.await-writes", "true",
                "limits.redis-url", redis.map(RedisProcess::url).orElseGet(RedisProcess::unreachableUrl));
    }

    @BeforeEach
    void secondReplica() {
        Assumptions.assumeTrue(redis.isPresent(), RedisProcess.MISSING);
        if (second == null) {
            second = replica(Map.of("cache.ttl", "10m", "limits.redis-url", redis.get().url()));
        }
    }

    @AfterAll
    void stopReplicaAndRedis() {
        if (second != null) {
            second.close();
        }
        redis.ifPresent(RedisProcess::close);
    }

    @Test
    void anAnswerOneReplicaGotIsAHitOnTheOtherPlainOrStreamed() {
        String text = "Shared through Redis, ñ 👋 ".repeat(50);
        stubAnswer(text, 11, 7, "sai-model");
        String body = chat("shared question");

        HttpResponse<String> onFirst = post(baseUrl(), body);
        HttpResponse<String> onSecond = post(second.getURL().toString(), body);
        HttpResponse<String> streamedOnSecond = post(second.getURL().toString(), body.replace("{\"model\"", "{\"stream\":true,\"model\""));

        assertThat(cache(onFirst)).isEqualTo("MISS");
        assertThat(cache(onSecond)).isEqualTo("HIT");
        assertThat(Json.parse(onSecond.body()).at("/choices/0/message/content").asText()).isEqualTo(text);
        assertThat(Json.parse(onSecond.body()).at("/usage/total_tokens").asLong()).isEqualTo(18);
        assertThat(cache(streamedOnSecond)).isEqualTo("HIT");
        assertThat(SseEvents.content(SseEvents.parse(streamedOnSecond.body()).chunks())).isEqualTo(text);
        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void entriesAreCompressedAndExpireWithTheTtl() throws Exception {
        String text = "A very repetitive answer. ".repeat(400);
        stubAnswer(text, 1, 1, "sai-model");
        post(baseUrl(), chat("compress me"));

        String keys = redis.get().cli("--scan", "--pattern", "sai-gateway:cache:*");
        assertThat(keys.lines().filter(l -> !l.isBlank())).isNotEmpty();
        String key = keys.lines().filter(l -> !l.isBlank()).findFirst().orElseThrow();
        assertThat(key).matches("sai-gateway:cache:[0-9a-f]{64}");
        long bytes = Long.parseLong(redis.get().cli("STRLEN", key).strip());
        assertThat(bytes).isPositive().isLessThan(text.getBytes(StandardCharsets.UTF_8).length / 10);
        long ttlMillis = Long.parseLong(redis.get().cli("PTTL", key).strip());
        assertThat(ttlMillis).isBetween(Duration.ofMinutes(9).toMillis(), Duration.ofMinutes(10).toMillis());
    }

    private HttpResponse<String> post(String base, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static String cache(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue(ExchangeFilter.CACHE_HEADER).orElse("(none)");
    }
}
