package sai.gateway.cache;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.observe.ExchangeFilter;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.testing.SseEvents;

import java.net.http.HttpResponse;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

/** While SAI is down and its circuit breaker open, what the cache kept is still answered, plain and streamed; the rest is refused. */
@MicronautTest
class CacheBreakerTest extends SaiFakeTest {

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("cache.ttl", "10m", "sai.breaker.failures", "2", "sai.breaker.open", "60s", "sai.max-retries", "0");
    }

    @Test
    void keptAnswersOutliveAnSaiOutage() {
        stubAnswer("kept before the outage", 4, 4, "sai-model");
        String kept = chat("asked before the outage");
        assertThat(postJson("/v1/chat/completions", kept).statusCode()).isEqualTo(200);
        sai.resetAll();
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(503)));
        for (int i = 0; i < 2; i++) {
            assertThat(postJson("/v1/chat/completions", chat("asked during the outage " + i)).statusCode()).isGreaterThanOrEqualTo(500);
        }
        int callsWhenOpen = saiRequests().size();

        HttpResponse<String> refused = postJson("/v1/chat/completions", chat("a new question"));
        HttpResponse<String> plain = postJson("/v1/chat/completions", kept);
        HttpResponse<String> streamed = postJson("/v1/chat/completions", kept.replace("{\"model\"", "{\"stream\":true,\"model\""));

        OpenAiErrors.assertError(refused, 503, "server_error", "upstream_unavailable", null);
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue(ExchangeFilter.CACHE_HEADER)).hasValue("HIT");
        assertThat(plain.body()).contains("kept before the outage");
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(SseEvents.content(SseEvents.parse(streamed.body()).chunks())).isEqualTo("kept before the outage");
        assertThat(saiRequests()).as("the open breaker called SAI for none of them").hasSize(callsWhenOpen);
    }
}
