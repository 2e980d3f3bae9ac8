package sai.gateway.cache;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import sai.gateway.observe.ExchangeFilter;
import sai.gateway.testing.LogCapture;
import sai.gateway.testing.RedisProcess;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis that answers but will not keep anything (full, under Redis's default {@code noeviction} policy) is not an
 * outage: requests are answered from SAI, and the operator gets one warning naming Redis's refusal, not an
 * ERROR/INFO pair for every request.
 */
@MicronautTest
class CacheRedisFullTest extends SaiFakeTest {

    private final LogCapture logs = LogCapture.attachToRoot();
    private Optional<RedisProcess> redis;

    @Override
    protected Map<String, String> extraProperties() {
        redis = RedisProcess.start("--maxmemory", "1", "--maxmemory-policy", "noeviction");
        return Map.of("cache.ttl", "10m", "limits.redis-url", redis.map(RedisProcess::url).orElseGet(RedisProcess::unreachableUrl));
    }

    @AfterAll
    void stop() {
        logs.detach();
        redis.ifPresent(RedisProcess::close);
    }

    @Test
    void aFullRedisIsOneWarningAndRequestsGoOnToSai() {
        Assumptions.assumeTrue(redis.isPresent(), RedisProcess.MISSING);
        stubAnswer("from SAI every time", 2, 2, "sai-model");

        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = postJson("/v1/chat/completions", chat("Redis is full"));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue(ExchangeFilter.CACHE_HEADER)).hasValue("MISS");
        }

        assertThat(saiRequests()).hasSize(6);
        List<LogCapture.Line> cacheLines = logs.lines().stream().filter(l -> l.message().startsWith("[CACHE] Redis")).toList();
        assertThat(cacheLines).hasSize(1);
        assertThat(cacheLines.get(0).level()).isEqualTo("WARN");
        assertThat(cacheLines.get(0).message()).contains("Redis refuses to keep answers (OOM)");
    }
}
