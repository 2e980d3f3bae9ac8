package sai.gateway.auth;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import sai.gateway.testing.Json;
import sai.gateway.testing.LogCapture;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access key as {@code x-api-key}, the header Anthropic SDKs (and Claude Code with ANTHROPIC_API_KEY) send
 * instead of {@code Authorization: Bearer}. SAI's own credential header has the same name, so what reaches SAI
 * must still be the system key, never the caller's.
 */
@MicronautTest
class GatewayApiKeyHeaderTest extends SaiFakeTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final LogCapture LOGS = LogCapture.attachToRoot();

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("secrets.gateway-api-keys", "k1-abc,k2-def");
    }

    @AfterAll
    void detachLogs() {
        LOGS.detach();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"x-api-key, k1-abc", "x-api-key, k2-def", "X-Api-Key, k1-abc", "X-API-KEY, k2-def", "x-api-key, ' k1-abc '"})
    void aValidKeyAdmitsAndSaiGetsTheSystemKeyInstead(String header, String key) {
        stubAnswer("hello", 3, 1, "sai-model");

        HttpResponse<String> response = postJson(CHAT, chat("hi"), header, key);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(Json.parse(response.body()).at("/choices/0/message/content").asText()).isEqualTo("hello");
        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), SYSTEM_KEY);
    }

    @ParameterizedTest(name = "x-api-key: {0}")
    @ValueSource(strings = {"k3-xyz", "k1-ab", "k1-abcd", "K1-ABC", "k1-abc,k2-def", "Bearer k1-abc", SYSTEM_KEY})
    void aWrongKeyIsRefusedWithoutCallingSai(String key) {
        stubAnswer("must not be reached", 1, 1, "sai-model");

        HttpResponse<String> response = postJson(CHAT, chat("hi"), "x-api-key", key);

        var error = OpenAiErrors.assertError(response, 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(error.path("message").asText()).containsIgnoringCase("incorrect");
        assertThat(saiRequests()).isEmpty();
    }

    @ParameterizedTest(name = "x-api-key: ''{0}''")
    @ValueSource(strings = {"", "   "})
    void anEmptyKeyIsRefusedAsMissing(String key) {
        stubAnswer("must not be reached", 1, 1, "sai-model");

        HttpResponse<String> response = postJson(CHAT, chat("hi"), "x-api-key", key);

        var error = OpenAiErrors.assertError(response, 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(error.path("message").asText()).containsIgnoringCase("missing");
        assertThat(saiRequests()).isEmpty();
    }

    @ParameterizedTest(name = "{0}: Bearer k1-abc")
    @ValueSource(strings = {"Authorization", "authorization", "AUTHORIZATION"})
    void bearerStillAdmitsWhateverTheHeaderNamesCase(String header) {
        stubAnswer("hello", 3, 1, "sai-model");

        HttpResponse<String> response = postJson(CHAT, chat("hi"), header, "Bearer k1-abc");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), SYSTEM_KEY);
    }

    /** Claude Code sends one of the two; a caller sending both is admitted on either, and refused only if neither is a key. */
    @ParameterizedTest(name = "Bearer {0}, x-api-key {1} -> {2}")
    @CsvSource({"k1-abc, wrong, 200", "wrong, k2-def, 200", "k1-abc, k2-def, 200", "wrong, also-wrong, 401"})
    void withBothHeadersEitherKeyAdmits(String bearer, String apiKey, int status) {
        stubAnswer("hello", 3, 1, "sai-model");

        HttpResponse<String> response = postJson(CHAT, chat("hi"), "Authorization", "Bearer " + bearer, "x-api-key", apiKey);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(saiRequests()).hasSize(status == 200 ? 1 : 0);
        if (status == 200) {
            SaiCalls.assertApiKey(saiRequests().get(0), SYSTEM_KEY);
        }
    }

    @Test
    void theRefusalLogLineGivesTheReasonButNeverThePresentedValue() {
        String wrongApiKey = "wrong-APIKEY-5e4d3c2b";
        String wrongBearer = "wrong-BEARER-a1b2c3d4";

        HttpResponse<String> viaApiKey = postJson(CHAT, chat("hi"), "X-Api-Key", wrongApiKey);
        HttpResponse<String> viaBearer = postJson(CHAT, chat("hi"), "Authorization", "Bearer " + wrongBearer);
        HttpResponse<String> none = postJson(CHAT, chat("hi"));

        assertThat(refusal(viaApiKey)).contains("[ACCESS] rejected POST " + CHAT, "reason=unknown key");
        assertThat(refusal(viaBearer)).contains("reason=unknown key");
        assertThat(refusal(none)).contains("reason=no key");
        assertThat(LOGS.text()).doesNotContain(wrongApiKey, wrongBearer, "k1-abc", "k2-def");
        assertThat(viaApiKey.body() + viaBearer.body()).doesNotContain(wrongApiKey, wrongBearer);
    }

    /** The one line the access filter logged for this response's request. */
    private static String refusal(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(401);
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        List<String> lines = LOGS.linesOf(requestId).stream()
                .filter(l -> l.logger().endsWith("GatewayAccessFilter")).map(LogCapture.Line::text).toList();
        assertThat(lines).as("access lines of request %s", requestId).hasSize(1);
        return lines.get(0);
    }
}
