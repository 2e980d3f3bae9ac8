package sai.gateway.cache;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.observe.ExchangeFilter;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code CACHE_TTL}: an answer is served from the cache until it is older than the TTL, then SAI is asked again. */
@MicronautTest
class CacheTtlTest extends SaiFakeTest {

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("cache.ttl", "1s");
    }

    @Test
    void anEntryExpiresAfterItsTtl() throws InterruptedException {
        stubAnswer("short-lived", 2, 2, "sai-model");
        String body = chat("How long do you last?");

        assertThat(cache(postJson("/v1/chat/completions", body))).isEqualTo("MISS");
        assertThat(cache(postJson("/v1/chat/completions", body))).isEqualTo("HIT");
        Thread.sleep(1_500);
        assertThat(cache(postJson("/v1/chat/completions", body))).isEqualTo("MISS");
        assertThat(cache(postJson("/v1/chat/completions", body))).isEqualTo("HIT");

        assertThat(saiRequests()).hasSize(2);
    }

    private static String cache(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue(ExchangeFilter.CACHE_HEADER).orElse("(none)");
    }
}
