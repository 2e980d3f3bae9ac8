package sai.gateway.limits;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.RedisProcess;
import sai.gateway.testing.SaiFakeTest;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway instances (two application contexts, two ports: two replicas) with {@code REDIS_URL} pointing
 * at one real {@code redis-server}: a client's requests and tokens count once, whichever replica serves them.
 * Each test uses its own gateway access key, and so its own buckets.
 */
@MicronautTest
class SharedLimitsRedisTest extends SaiFakeTest {

    private static final int RPM = 4;
    private static final int TOKENS_PER_DAY = 30;
    private static final String ACCESS_KEYS = "gw-shared-rpm-1,gw-shared-tokens-2";

    private Optional<RedisProcess> redis;
    private EmbeddedServer second;

    @Override
    protected Map<String, String> extraProperties() {
        redis = RedisProcess.start();
        return limits(redis.map(RedisProcess::url).orElseGet(RedisProcess::unreachableUrl));
    }

    @BeforeEach
    void secondReplica() {
        Assumptions.assumeTrue(redis.isPresent(), RedisProcess.MISSING);
        if (second == null) {
            second = replica(limits(redis.get().url()));
        }
    }

    private static Map<String, String> limits(String redisUrl) {
        return Map.of("limits.requests-per-minute", Integer.toString(RPM),
                "limits.tokens-per-day", Integer.toString(TOKENS_PER_DAY),
                "limits.redis-url", redisUrl,
                "secrets.gateway-api-keys", ACCESS_KEYS);
    }

    @AfterAll
    void stopReplicaAndRedis() {
        if (second != null) {
            second.close();
        }
        redis.ifPresent(RedisProcess::close);
    }

    @Test
    void twoReplicasShareOneRequestLimit() {
        stubAnswer("ok", 1, 1, "sai-model");
        String key = "gw-shared-rpm-1";
        for (int i = 1; i <= RPM; i++) {
            HttpResponse<String> ok = chatOn(i % 2 == 0 ? secondUrl() : baseUrl(), key);
            assertThat(ok.statusCode()).as("request %d", i).isEqualTo(200);
            assertThat(ok.headers().firstValue("x-ratelimit-remaining-requests")).hasValue(Integer.toString(RPM - i));
        }

        HttpResponse<String> refusedHere = chatOn(baseUrl(), key);
        HttpResponse<String> refusedThere = chatOn(secondUrl(), key);

        OpenAiErrors.assertError(refusedHere, 429, "requests", "rate_limit_exceeded", null);
        OpenAiErrors.assertError(refusedThere, 429, "requests", "rate_limit_exceeded", null);
        assertThat(refusedThere.headers().firstValue("Retry-After")).isPresent();
        assertThat(saiRequests()).hasSize(RPM);
    }

    @Test
    void tokensSpentOnOneReplicaCountOnTheOther() {
        stubAnswer("ok", 20, 5, "sai-model");
        String key = "gw-shared-tokens-2";

        assertThat(chatOn(baseUrl(), key).statusCode()).isEqualTo(200);
        HttpResponse<String> second = chatOn(secondUrl(), key);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("5");

        HttpResponse<String> refused = chatOn(baseUrl(), key);

        OpenAiErrors.assertError(refused, 429, "tokens", "rate_limit_exceeded", null);
        assertThat(saiRequests()).hasSize(2);
    }

    private String secondUrl() {
        return second.getURL().toString();
    }

    private HttpResponse<String> chatOn(String base, String accessKey) {
        return send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + accessKey)
                .POST(HttpRequest.BodyPublishers.ofString(chat("hi"))).build());
    }
}
