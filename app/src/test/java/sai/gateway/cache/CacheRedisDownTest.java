package sai.gateway.cache;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import sai.gateway.observe.ExchangeFilter;
import sai.gateway.testing.LogCapture;
import sai.gateway.testing.RedisProcess;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Redis cannot be reached: the cache is skipped, every request is answered by SAI, and the outage is logged once. */
@MicronautTest
class CacheRedisDownTest extends SaiFakeTest {

    private final LogCapture logs = LogCapture.attachToRoot();

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("cache.ttl", "10m", "limits.redis-url", RedisProcess.unreachableUrl());
    }

    @AfterAll
    void stopCapturing() {
        logs.detach();
    }

    @Test
    void requestsGoToSaiAndTheOutageIsLoggedOnce() {
        stubAnswer("answered by SAI", 3, 3, "sai-model");
        String body = chat("Is Redis there?");

        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = postJson("/v1/chat/completions", body);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue(ExchangeFilter.CACHE_HEADER)).hasValue("MISS");
            assertThat(response.body()).contains("answered by SAI");
        }
        HttpResponse<String> streamed = postJson("/v1/chat/completions", body.replace("{\"model\"", "{\"stream\":true,\"model\""));
        assertThat(streamed.body()).contains("answered by SAI").contains("[DONE]");

        assertThat(saiRequests()).hasSize(5);
        assertThat(logs.lines().stream().filter(l -> l.message().contains("[CACHE] Redis cannot be reached"))).hasSize(1)
                .allSatisfy(l -> assertThat(l.level()).isEqualTo("ERROR"));
    }
}
