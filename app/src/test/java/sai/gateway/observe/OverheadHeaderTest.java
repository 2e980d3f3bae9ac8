package sai.gateway.observe;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.testing.SseEvents;

import java.net.http.HttpResponse;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code x-gateway-overhead-ms}: what the gateway itself added, without the wait for SAI. SAI is made slow
 * (2 s) so that a header which counted the wait could not pass; with metrics off (the default), the header is
 * still sent.
 */
@MicronautTest
class OverheadHeaderTest extends SaiFakeTest {

    private static final int SAI_DELAY_MS = 2000;
    /** Far above what the gateway adds on a loaded test machine, far below the SAI delay. */
    private static final double BOUND_MS = 1000;

    @Test
    void plainAnswerReportsItsOverheadWithoutTheWaitForSai() {
        slowSai();

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(overhead(response)).isBetween(0.0, BOUND_MS);
    }

    @Test
    void retriesAndTheirBackoffCountAsWaitingForSai() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(503).withFixedDelay(SAI_DELAY_MS / 2)));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        OpenAiErrors.assertError(response, 502, "server_error", "upstream_unavailable", null);
        assertThat(overhead(response)).isBetween(0.0, BOUND_MS);
    }

    @Test
    void streamReportsTheTimeToItsFirstByte() {
        slowSai();

        HttpResponse<String> response = postJson("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}");

        assertThat(SseEvents.parse(response.body()).data()).endsWith(SseEvents.DONE);
        assertThat(overhead(response)).isBetween(0.0, BOUND_MS);
    }

    @Test
    void refusedRequestsReportTheirOverheadToo() {
        HttpResponse<String> response = postJson("/v1/responses", "{\"input\":42}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(overhead(response)).isBetween(0.0, BOUND_MS);
        assertThat(saiRequests()).isEmpty();
    }

    private void slowSai() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withFixedDelay(SAI_DELAY_MS)
                .withHeader("prompttokens", "1").withHeader("completiontokens", "1").withBody("Quito")));
    }

    /** Exactly one header, milliseconds with three decimals. */
    private static double overhead(HttpResponse<String> response) {
        assertThat(response.headers().allValues("x-gateway-overhead-ms")).hasSize(1);
        String value = response.headers().firstValue("x-gateway-overhead-ms").orElseThrow();
        assertThat(value).matches("\\d+\\.\\d{3}");
        return Double.parseDouble(value);
    }
}
