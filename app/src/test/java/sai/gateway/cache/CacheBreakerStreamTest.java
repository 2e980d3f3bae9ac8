package sai.gateway.cache;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.observe.ExchangeFilter;
import sai.gateway.testing.Json;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream that SAI's open circuit refuses before it starts makes no call and leaves nothing behind: once SAI is back,
 * the same request is a miss answered by SAI (it once "joined" the refused request's call, started it late under the
 * old request's name and said HIT).
 */
@MicronautTest
class CacheBreakerStreamTest extends SaiFakeTest {

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("cache.ttl", "10m", "sai.breaker.failures", "2", "sai.breaker.open", "1s", "sai.max-retries", "0");
    }

    @Test
    void aStreamRefusedByTheOpenCircuitLeavesNoCallBehind() throws InterruptedException {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(503)));
        for (int i = 0; i < 2; i++) {
            postJson("/v1/chat/completions", chat("during the outage " + i));
        }
        int callsWhenOpen = saiRequests().size();
        String streamed = chat("streamed while the circuit is open").replace("{\"model\"", "{\"stream\":true,\"model\"");
        for (int i = 0; i < 3; i++) {
            assertThat(postJson("/v1/chat/completions", streamed).statusCode()).isEqualTo(503);
        }
        assertThat(saiRequests()).as("refused streams call nobody").hasSize(callsWhenOpen);
        Thread.sleep(1_500);
        sai.resetAll();
        stubAnswer("fresh from SAI", 5, 7, "sai-model");

        HttpResponse<String> again = postJson("/v1/chat/completions", chat("streamed while the circuit is open"));

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue(ExchangeFilter.CACHE_HEADER)).hasValue("MISS");
        assertThat(Json.parse(again.body()).at("/choices/0/message/content").asText()).isEqualTo("fresh from SAI");
        assertThat(saiRequests()).hasSize(1);
    }
}
