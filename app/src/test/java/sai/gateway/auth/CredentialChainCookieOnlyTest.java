package sai.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static sai.gateway.testing.OpenAiErrors.assertError;

/** The end of the credential chain: a gateway configured with SAI_COOKIE only (no SAI_KEY). */
@MicronautTest
class CredentialChainCookieOnlyTest extends SaiFakeTest {

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("secrets.sai-key", "");
    }

    @Test
    void withoutAnyKeyTheSystemCookieIsUsedDirectly() {
        stubAnswer("ok", 1, 1, "sai-model");

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        assertThat(response.statusCode()).isEqualTo(200);
        SaiCalls.assertCookie(SaiCalls.single(saiRequests()), SYSTEM_COOKIE);
    }

    @Test
    void rejectedSystemCookieIsNamedWithoutRevealingIt() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401)));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        JsonNode error = assertError(response, 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(error.path("message").asText()).contains("system session cookie (SAI_COOKIE)");
        assertThat(response.body()).doesNotContain(SYSTEM_COOKIE);
        SaiCalls.assertCookie(SaiCalls.single(saiRequests()), SYSTEM_COOKIE);
    }

    @Test
    void rateLimitedSystemCookieIsNotRetriedWithItself() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(429).withHeader("Retry-After", "12")
                .withBody("Test template usage limit exceeded")));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        assertError(response, 429, "requests", "rate_limit_exceeded", null);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("12");
        SaiCalls.assertCookie(SaiCalls.single(saiRequests()), SYSTEM_COOKIE);
    }

    @Test
    void aUserKeyStillComesFirstAndFallsBackToTheCookieOn429() {
        sai.stubFor(executeStub().withHeader("X-Api-Key", equalTo("user-KEY-42"))
                .willReturn(aResponse().withStatus(429).withBody("Too Many Requests")));
        sai.stubFor(executeStub().withHeader("Cookie", equalTo(SYSTEM_COOKIE)).willReturn(aResponse().withStatus(200).withBody("ok")));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"), "user_api_key", "user-KEY-42");

        assertThat(response.statusCode()).isEqualTo(200);
        List<LoggedRequest> calls = saiRequests();
        assertThat(calls).hasSize(2);
        SaiCalls.assertApiKey(calls.get(0), "user-KEY-42");
        SaiCalls.assertCookie(calls.get(1), SYSTEM_COOKIE);
    }
}
