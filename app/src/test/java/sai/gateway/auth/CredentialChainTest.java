package sai.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sai.gateway.testing.Json;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static sai.gateway.testing.OpenAiErrors.assertError;

/**
 * CONTRACT.md section 4's credential chain with both system credentials configured: which credential
 * reaches SAI for each way a client can (or cannot) send its own, and what happens on 401 and 429.
 */
@MicronautTest
class CredentialChainTest extends SaiFakeTest {

    private static final String USER_KEY = "user-KEY-5e6f7a8b";
    private static final String HEADER_KEY = "header-KEY-1c2d3e4f";
    private static final String USER_COOKIE = "acceptCookies=yes; session=user-SESSION-77aa";

    @Test
    void bodyUserKeyWinsOverHeaderUserKey() {
        stubAnswer("ok", 1, 1, "sai-model");

        HttpResponse<String> response = postJson("/v1/chat/completions", chatWithBodyKey(Json.quote(USER_KEY)),
                "user_api_key", HEADER_KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), USER_KEY);
    }

    @Test
    void headerUserKeyIsUsedWhenTheBodyHasNone() {
        stubAnswer("ok", 1, 1, "sai-model");

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"), "user_api_key", HEADER_KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), HEADER_KEY);
    }

    @Test
    void withoutAnyUserKeyTheSystemKeyIsUsed() {
        stubAnswer("ok", 1, 1, "sai-model");

        postJson("/v1/chat/completions", chat("hi"));

        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), SYSTEM_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"raspberry", "RASPBERRY", "Raspberry", " raspberry ", "", "   "})
    void placeholderOrBlankBodyKeyCountsAsAbsent(String placeholder) {
        stubAnswer("ok", 1, 1, "sai-model");

        postJson("/v1/chat/completions", chatWithBodyKey(Json.quote(placeholder)));

        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), SYSTEM_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"raspberry", "rAsPbErRy", ""})
    void placeholderOrEmptyHeaderKeyCountsAsAbsent(String placeholder) {
        stubAnswer("ok", 1, 1, "sai-model");

        postJson("/v1/chat/completions", chat("hi"), "user_api_key", placeholder);

        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), SYSTEM_KEY);
    }

    @Test
    void placeholderInTheBodyFallsThroughToTheHeaderKey() {
        stubAnswer("ok", 1, 1, "sai-model");

        postJson("/v1/chat/completions", chatWithBodyKey("\"raspberry\""), "user_api_key", HEADER_KEY);

        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), HEADER_KEY);
    }

    @Test
    void surroundingWhitespaceIsTrimmedFromTheUserKey() {
        stubAnswer("ok", 1, 1, "sai-model");

        postJson("/v1/chat/completions", chatWithBodyKey(Json.quote("  " + USER_KEY + " \t ")));

        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), USER_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"user-KEY\r\nX-Injected: 1", "user\nKEY", "user-KEY\u0000", "\u0000", "user\u0007KEY"})
    void controlCharactersInTheBodyKeyAre400WithoutCallingSai(String key) {
        stubAnswer("never", 1, 1, "sai-model");

        HttpResponse<String> response = postJson("/v1/chat/completions", chatWithBodyKey(Json.quote(key)));

        JsonNode error = assertError(response, 400, "invalid_request_error", "invalid_user_api_key",
                "litellm_params.metadata.user_api_key");
        assertThat(error.path("message").asText()).doesNotContain("user-KEY").doesNotContain("X-Injected");
        assertThat(saiRequests()).isEmpty();
    }

    // ---- A user "key" that is really a session cookie ------------------------------------------

    @Test
    void userValueContainingCookiesIsSentAsCookie() {
        stubAnswer("ok", 1, 1, "sai-model");

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"), "user_api_key", USER_COOKIE);

        assertThat(response.statusCode()).isEqualTo(200);
        SaiCalls.assertCookie(SaiCalls.single(saiRequests()), USER_COOKIE);
    }

    @Test
    void userCookieHasNoFallbackOn429() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(429).withBody("Test template usage limit exceeded")));

        HttpResponse<String> response = postJson("/v1/chat/completions", chatWithBodyKey(Json.quote(USER_COOKIE)));

        assertError(response, 429, "requests", "rate_limit_exceeded", null);
        SaiCalls.assertCookie(SaiCalls.single(saiRequests()), USER_COOKIE);
    }

    @Test
    void rejectedUserCookieIsNamedAsTheSessionCookie() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401)));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"), "user_api_key", USER_COOKIE);

        JsonNode error = assertError(response, 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(error.path("message").asText()).contains("session cookie (user_api_key)");
        assertThat(response.body()).doesNotContain("user-SESSION-77aa");
        SaiCalls.assertCookie(SaiCalls.single(saiRequests()), USER_COOKIE);
    }

    // ---- 401 and 429 with a user key -----------------------------------------------------------

    @Test
    void rejectedUserKeyFailsNamingItWithoutFallingBack() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401).withBody("expired")));

        HttpResponse<String> response = postJson("/v1/chat/completions", chatWithBodyKey(Json.quote(USER_KEY)));

        JsonNode error = assertError(response, 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(error.path("message").asText()).contains("personal API key (user_api_key)");
        assertThat(response.body()).doesNotContain(USER_KEY).doesNotContain(SYSTEM_KEY);
        // Neither the system key nor the system cookie is tried after a 401.
        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), USER_KEY);
    }

    @Test
    void rateLimitedUserKeyIsRetriedOnceWithTheSystemCookie() {
        sai.stubFor(executeStub().withHeader("X-Api-Key", equalTo(USER_KEY))
                .willReturn(aResponse().withStatus(429).withBody("Test template usage limit exceeded")));
        sai.stubFor(executeStub().withHeader("Cookie", equalTo(SYSTEM_COOKIE))
                .willReturn(aResponse().withStatus(200).withBody("via cookie")));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"), "user_api_key", USER_KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.parse(response.body()).at("/choices/0/message/content").asText()).isEqualTo("via cookie");
        List<LoggedRequest> calls = saiRequests();
        assertThat(calls).hasSize(2);
        SaiCalls.assertApiKey(calls.get(0), USER_KEY);
        // The fallback is the system cookie, not the system key.
        SaiCalls.assertCookie(calls.get(1), SYSTEM_COOKIE);
    }

    @Test
    void rejectedSystemCookieAfterA429IsNamedAsTheSystemCookie() {
        sai.stubFor(executeStub().withHeader("X-Api-Key", equalTo(SYSTEM_KEY))
                .willReturn(aResponse().withStatus(429).withBody("Test template usage limit exceeded")));
        sai.stubFor(executeStub().withHeader("Cookie", equalTo(SYSTEM_COOKIE)).willReturn(aResponse().withStatus(401)));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        JsonNode error = assertError(response, 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(error.path("message").asText()).contains("system session cookie (SAI_COOKIE)");
        assertThat(response.body()).doesNotContain(SYSTEM_COOKIE);
        assertThat(saiRequests()).hasSize(2);
    }

    private static String chatWithBodyKey(String jsonValue) {
        return """
                {"model": "sai-model", "messages": [{"role": "user", "content": "hi"}],
                 "litellm_params": {"metadata": {"user_api_key": %s}}}""".formatted(jsonValue);
    }
}
