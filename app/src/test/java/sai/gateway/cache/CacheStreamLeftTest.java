package sai.gateway.cache;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.observe.ExchangeFilter;
import sai.gateway.testing.LeavingClient;
import sai.gateway.testing.SaiFakeTest;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A streamed client that leaves while its cacheable call is in flight ends only its own stream: the shared call runs on
 * (ResponseCache keeps it for the retry), so a later identical request is a HIT and SAI is asked once.
 */
@MicronautTest
class CacheStreamLeftTest extends SaiFakeTest {

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("cache.ttl", "10m", "gateway.stream-heartbeat-seconds", "1");
    }

    @Test
    void aStreamThatLeavesLeavesTheSharedCallRunningAndKept() throws Exception {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withFixedDelay(2_500)
                .withHeader("prompttokens", "8").withHeader("completiontokens", "4").withBody("kept although the stream left")));
        String body = chat("stream then leave").replace("{\"model\"", "{\"stream\":true,\"model\"");
        LeavingClient.leaveAfterFirstHeartbeat(URI.create(baseUrl()), "/v1/chat/completions", body);
        Thread.sleep(3_500);
        HttpResponse<String> later = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(later.headers().firstValue(ExchangeFilter.CACHE_HEADER)).hasValue("HIT");
        assertThat(later.body()).contains("kept although the stream left");
        assertThat(saiRequests()).hasSize(1);
    }
}
