package sai.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.testing.SseEvents;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static sai.gateway.testing.OpenAiErrors.assertError;

/**
 * When the gateway tries SAI again and when it gives up: transient failures are retried
 * {@code MAX_RETRIES} times, nothing else is; a 429 with no SAI_COOKIE to fall back on fails at once;
 * a slow SAI is cut off at {@code REQUEST_TIMEOUT}.
 */
@MicronautTest
class TimeoutAndRetryTest extends SaiFakeTest {

    private static final int MAX_RETRIES = 3;
    private static final int TIMEOUT_SECONDS = 1;
    /** Well past the timeout, so only the gateway's budget can end the call early. */
    private static final int SLOW_MS = 4000;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of(
                "sai.max-retries", Integer.toString(MAX_RETRIES),
                "sai.request-timeout-seconds", Integer.toString(TIMEOUT_SECONDS),
                "secrets.sai-cookie", "");
    }

    @ParameterizedTest
    @ValueSource(ints = {502, 503, 504})
    void unavailableSaiIsRetriedThenReportedAs502(int saiStatus) {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(saiStatus).withBody("<html>gateway error</html>")));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        JsonNode error = assertError(response, 502, "server_error", "upstream_unavailable", null);
        assertThat(error.path("message").asText()).contains(Integer.toString(saiStatus));
        assertThat(response.body()).doesNotContain("<html>");
        assertSameCallRepeated(1 + MAX_RETRIES);
    }

    @Test
    void connectionResetIsRetriedThenReportedAs502() {
        sai.stubFor(executeStub().willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        assertError(response, 502, "server_error", "upstream_unavailable", null);
        assertSameCallRepeated(1 + MAX_RETRIES);
    }

    @Test
    void transientFailureFollowedBySuccessAnswers() {
        sai.stubFor(executeStub().inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("recovered"));
        sai.stubFor(executeStub().inScenario("flaky").whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200).withBody("Back again")));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.parse(response.body()).at("/choices/0/message/content").asText()).isEqualTo("Back again");
        assertSameCallRepeated(2);
    }

    @Test
    void connectionResetFollowedBySuccessAnswers() {
        sai.stubFor(executeStub().inScenario("reset").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("recovered"));
        sai.stubFor(executeStub().inScenario("reset").whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200).withBody("Back again")));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertSameCallRepeated(2);
    }

    @Test
    void otherClientErrorsFromSaiAreNotRetried() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(400).withBody("bad template input at com.sai.internal")));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        assertError(response, 502, "server_error", "upstream_error", null);
        assertThat(response.body()).doesNotContain("com.sai.internal");
        SaiCalls.single(saiRequests());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Test template usage limit exceeded", "Too Many Requests"})
    void rateLimitWithoutACookieToFallBackOnFailsAfterOneCall(String saiBody) {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7").withBody(saiBody)));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        assertError(response, 429, "requests", "rate_limit_exceeded", null);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), SYSTEM_KEY);
    }

    @Test
    void slowSaiIsCutOffAtTheRequestTimeout() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withFixedDelay(SLOW_MS).withBody("too late")));

        // If the gateway waited for SAI, this client would give up first and the test would fail.
        HttpResponse<String> response = send(patientClientRequest(chat("hi")));

        JsonNode error = assertError(response, 504, "server_error", "upstream_timeout", null);
        assertThat(error.path("message").asText()).contains(TIMEOUT_SECONDS + " seconds");
        assertThat(saiRequests()).isNotEmpty();
        saiRequests().forEach(SaiCalls::assertContractShape);
    }

    @Test
    void slowSaiDuringAStreamEndsWithATimeoutErrorEvent() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withFixedDelay(SLOW_MS).withBody("too late")));

        HttpResponse<String> response = send(patientClientRequest(
                "{\"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"));

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> data = SseEvents.parse(response.body()).data();
        assertThat(data).hasSize(2).doesNotContain(SseEvents.DONE);
        OpenAiErrors.assertErrorObject(Json.parse(data.get(1)), "server_error", "upstream_timeout", null);
        assertThat(response.body()).doesNotContain("too late");
    }

    private HttpRequest patientClientRequest(String json) {
        return HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofMillis(SLOW_MS - 1000))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    /** Retries repeat the first call exactly: same credential, same body. */
    private void assertSameCallRepeated(int times) {
        List<LoggedRequest> calls = saiRequests();
        assertThat(calls).hasSize(times);
        for (LoggedRequest call : calls) {
            SaiCalls.assertApiKey(call, SYSTEM_KEY);
            assertThat(call.getBodyAsString()).isEqualTo(calls.get(0).getBodyAsString());
        }
    }
}
