package sai.gateway.cache;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.tenancy.TenantRow;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenAiErrors;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code RATE_LIMIT_RPM} with the response cache on: the limits are asked before the cache, so a hit is a request like
 * any other and the one over the limit is a 429 that reaches neither the cache nor SAI. Each test has its own keys,
 * each its own client.
 */
@MicronautTest(transactional = false)
class CacheRequestsPerMinuteTest extends CacheWire {

    @Override
    protected Map<String, String> cacheProperties() {
        return Map.of("limits.requests-per-minute", "2");
    }

    @Test
    void aHitCountsAsARequestAndTheThirdIsRefusedWithoutReachingSai() {
        stubAnswer("rate", 1, 1, "sai-model");
        TenantRow team = tenant("rpm", Optional.empty());
        String key = key(team);
        String prompt = unique("again and again");

        HttpResponse<String> miss = assertCache(ask(key, prompt), "MISS");
        HttpResponse<String> hit = assertCache(ask(key, prompt), "HIT");
        HttpResponse<String> refused = ask(key, prompt);

        assertThat(miss.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("1");
        assertThat(hit.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        OpenAiErrors.assertError(refused, 429, "requests", "rate_limit_exceeded", null);
        assertThat(refused.body()).contains("2 requests per minute");
        assertThat(refused.headers().firstValue("retry-after")).isPresent();
        assertThat(refused.headers().firstValue("x-cache")).isNotEqualTo(Optional.of("HIT"));
        assertThat(saiRequests()).hasSize(1);
        // Another key of the tenant is another client: it still gets the tenant's answer.
        assertCache(ask(key(team), prompt), "HIT");
        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void aStreamedHitCountsTooAndTheRefusedStreamIsAnHttp429() {
        stubAnswer("streamed", 1, 1, "sai-model");
        String key = key(tenant("rpm-stream", Optional.empty()));
        String prompt = unique("stream me");
        String stream = "{\"model\":\"sai-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                + Json.quote(prompt) + "}]}";

        assertCache(ask(key, prompt), "MISS");
        HttpResponse<String> hit = assertCache(postJson("/v1/chat/completions", stream, "Authorization", "Bearer " + key), "HIT");
        assertThat(hit.body()).contains("streamed").contains("[DONE]");
        HttpResponse<String> refused = postJson("/v1/chat/completions", stream, "Authorization", "Bearer " + key);

        OpenAiErrors.assertError(refused, 429, "requests", "rate_limit_exceeded", null);
        assertThat(saiRequests()).hasSize(1);
    }
}
