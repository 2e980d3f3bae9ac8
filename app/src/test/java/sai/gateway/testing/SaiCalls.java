package sai.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What reached the fake SAI, checked against CONTRACT.md section 1: the same checks for every call,
 * so a test only states what is special about its own call (credential, query, body).
 */
public final class SaiCalls {

    public static final String ACCEPT = "application/json, text/plain, */*";
    public static final String API_KEY = "X-Api-Key";
    public static final String COOKIE = "Cookie";

    private SaiCalls() {
    }

    /** Exactly one call reached SAI, and it had the contract's shape; returns it. */
    public static LoggedRequest single(List<LoggedRequest> calls) {
        assertThat(calls).as("calls that reached SAI").hasSize(1);
        LoggedRequest call = calls.get(0);
        assertContractShape(call);
        return call;
    }

    /** Method, path, content negotiation headers, and exactly one credential header (never both, never none). */
    public static void assertContractShape(LoggedRequest call) {
        assertThat(call.getMethod()).isEqualTo(RequestMethod.POST);
        assertThat(call.getUrl()).startsWith(SaiFakeTest.EXECUTE_PATH);
        assertThat(call.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(call.getHeader("Accept")).isEqualTo(ACCEPT);
        assertThat(call.containsHeader(API_KEY) ^ call.containsHeader(COOKIE))
                .as("exactly one of X-Api-Key and Cookie, got X-Api-Key=%s Cookie=%s",
                        call.containsHeader(API_KEY), call.containsHeader(COOKIE))
                .isTrue();
        // Client-side credentials are for the gateway, never for SAI.
        assertThat(call.containsHeader("Authorization")).isFalse();
        assertThat(call.containsHeader("user_api_key")).isFalse();
    }

    /** The call carried this API key and no cookie. */
    public static void assertApiKey(LoggedRequest call, String key) {
        assertContractShape(call);
        assertThat(call.getHeader(API_KEY)).isEqualTo(key);
        assertThat(call.containsHeader(COOKIE)).isFalse();
    }

    /** The call carried this cookie and no API key. */
    public static void assertCookie(LoggedRequest call, String cookie) {
        assertContractShape(call);
        assertThat(call.getHeader(COOKIE)).isEqualTo(cookie);
        assertThat(call.containsHeader(API_KEY)).isFalse();
    }

    /** The call selected the template's default model: no {@code modelOverride} at all. */
    public static void assertNoModelOverride(LoggedRequest call) {
        assertThat(call.getUrl()).isEqualTo(SaiFakeTest.EXECUTE_PATH);
        assertThat(call.queryParameter("modelOverride").isPresent()).isFalse();
    }

    public static JsonNode body(LoggedRequest call) {
        return Json.parse(call.getBodyAsString());
    }
}
