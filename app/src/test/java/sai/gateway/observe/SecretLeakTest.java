package sai.gateway.observe;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.Json;
import sai.gateway.testing.LogCapture;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.testing.SseEvents;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole credential chain with verbose logging on, every log line of the run captured from the
 * root logger (startup included): no system key, system cookie, user key, user cookie or gateway
 * access key may appear in a log line, a response body or a response header. The step lines must be
 * there, so that silently disabled logging cannot make this test pass.
 */
@MicronautTest
class SecretLeakTest extends SaiFakeTest {

    /** Attached before the application context exists, so its startup lines are captured too. */
    private static final LogCapture LOGS = LogCapture.attachToRoot();

    private static final String ACCESS_KEY = "gw-ACCESS-7c1d9e2f4a";
    private static final String WRONG_ACCESS_KEY = "gw-WRONG-3b5d7f9a1c";
    private static final String HEADER_USER_KEY = "usr-HEADER-KEY-4f6a8c0e";
    private static final String BODY_USER_KEY = "usr-BODY-KEY-2d4f6b8d";
    private static final String USER_COOKIE = "Cookies=usr-COOKIE-6e8a0c2e; theme=dark";
    private static final String CONTROL_KEY_LEFT = "ctl-LEFT-5a7c9e1b";
    private static final String CONTROL_KEY_RIGHT = "ctl-RIGHT-8d0f2b4d";

    /** Every secret, its head and its random tail, so neither the whole value nor a recognisable piece (a prefix, a suffix) may leak. */
    private static final List<String> SECRETS = List.of(
            SYSTEM_KEY, "sys-KEY-", "9f8e7d6c5b4a",
            SYSTEM_COOKIE, "sys-COOKIE-", "1a2b3c4d5e",
            ACCESS_KEY, "gw-ACCESS-", "7c1d9e2f4a",
            WRONG_ACCESS_KEY, "gw-WRONG-", "3b5d7f9a1c",
            HEADER_USER_KEY, "usr-HEADER-", "4f6a8c0e",
            BODY_USER_KEY, "usr-BODY-", "2d4f6b8d",
            USER_COOKIE, "usr-COOKIE-", "6e8a0c2e",
            CONTROL_KEY_LEFT, "ctl-LEFT-", CONTROL_KEY_RIGHT, "ctl-RIGHT-");

    private final List<HttpResponse<String>> responses = new CopyOnWriteArrayList<>();

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("gateway.verbose-logging", "true",
                "secrets.gateway-api-keys", ACCESS_KEY);
    }

    @Test
    void startupLogSaysTheGatewayIsProtectedWithoutNamingTheKey() {
        assertThat(LOGS.lines()).anySatisfy(line -> assertThat(line.message()).contains("Gateway access: PROTECTED by 1 access key"));
        assertNoSecretLogged();
    }

    @Test
    void systemKeyNonStreaming() {
        stubAnswer("Hello from SAI", 10, 4, "sai-model");

        HttpResponse<String> response = post(chat("What is the capital of Ecuador?"));

        assertThat(response.statusCode()).isEqualTo(200);
        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), SYSTEM_KEY);
        String id = requestId(response);
        assertStepLines(id, "[CLIENT -> SERVER]", "[AUTH] no user key: using the system key", "[SERVER -> SAI]",
                "auth=system key", "[SAI -> SERVER] HTTP 200", "[SERVER -> CLIENT] answered");
        assertThat(LOGS.linesOf(id)).anySatisfy(line -> {
            assertThat(line.level()).isEqualTo("DEBUG");
            assertThat(line.message()).contains("[VERBOSE]", "preview='What is the capital of Ecuador?'");
        });
        assertNothingLeaked();
    }

    @Test
    void systemKeyStreaming() {
        stubAnswer("Quito", 10, 1, "sai-model");

        HttpResponse<String> response = post("{\"messages\":[{\"role\":\"user\",\"content\":\"Capital?\"}],"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(SseEvents.parse(response.body()).data()).contains(SseEvents.DONE);
        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), SYSTEM_KEY);
        assertStepLines(requestId(response), "[AUTH] no user key", "[VERBOSE]", "stream=true", "[SERVER -> SAI]", "[SERVER -> CLIENT] answered");
        assertNothingLeaked();
    }

    @Test
    void userKeyFromHeaderRejectedBySaiWhoEchoesIt() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401)
                .withBody("{\"detail\":\"Invalid API key {{request.headers.X-Api-Key}}\"}")
                .withTransformers("response-template")));

        HttpResponse<String> response = post(chat("hi"), "user_api_key", HEADER_USER_KEY);

        OpenAiErrors.assertError(response, 401, "invalid_request_error", "invalid_api_key", null);
        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), HEADER_USER_KEY);
        String id = requestId(response);
        assertStepLines(id, "[AUTH] user key accepted | source=user_api_key | length=" + HEADER_USER_KEY.length(),
                "auth=user key", "[SAI -> SERVER] HTTP 401", "body preview: {\"detail\":\"Invalid API key [redacted]\"}");
        assertNothingLeaked();
    }

    @Test
    void userKeyFromBodyMeetsSai500ThatEchoesIt() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500)
                .withBody("Internal error\nrequest headers: X-Api-Key={{request.headers.X-Api-Key}}")
                .withTransformers("response-template")));

        HttpResponse<String> response = post(bodyWithUserKey(BODY_USER_KEY, false));

        OpenAiErrors.assertError(response, 502, "server_error", "upstream_error", null);
        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), BODY_USER_KEY);
        assertStepLines(requestId(response), "[AUTH] user key accepted | source=litellm_params.metadata.user_api_key | length="
                + BODY_USER_KEY.length(), "[SAI -> SERVER] HTTP 500", "X-Api-Key=[redacted]");
        assertNothingLeaked();
    }

    @Test
    void userCookieFromBodyIsSentAsCookieStreaming() {
        stubAnswer("cookie answer", 3, 2, "sai-model");

        HttpResponse<String> response = post(bodyWithUserKey(USER_COOKIE, true));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("cookie answer");
        SaiCalls.assertCookie(SaiCalls.single(saiRequests()), USER_COOKIE);
        assertStepLines(requestId(response), "[AUTH] user key accepted", "[AUTH] user value is a session cookie", "auth=user cookie");
        assertNothingLeaked();
    }

    @Test
    void userKeyWithControlCharactersIsRejectedAndNotLogged() {
        HttpResponse<String> response = post(bodyWithUserKey(CONTROL_KEY_LEFT + "\r\n" + CONTROL_KEY_RIGHT, false));

        OpenAiErrors.assertError(response, 400, "invalid_request_error", "invalid_user_api_key", "litellm_params.metadata.user_api_key");
        assertThat(saiRequests()).isEmpty();
        assertStepLines(requestId(response), "[AUTH] user key rejected | source=litellm_params.metadata.user_api_key", "reason=control characters");
        assertNothingLeaked();
    }

    @Test
    void systemKeyRejectedBySaiWhoEchoesIt() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401)
                .withBody("key {{request.headers.X-Api-Key}} expired")
                .withTransformers("response-template")));

        HttpResponse<String> response = post(chat("hi"));

        OpenAiErrors.assertError(response, 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(Json.parse(response.body()).at("/error/message").asText()).contains("SAI_KEY");
        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), SYSTEM_KEY);
        assertStepLines(requestId(response), "[SAI -> SERVER] HTTP 401", "body preview: key [redacted] expired");
        assertNothingLeaked();
    }

    @Test
    void sai500WithTheSystemKeyInItsBodyIsMaskedInThePreview() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500)
                .withBody("java.lang.IllegalStateException: template failed for apiKey=" + SYSTEM_KEY + "\n\tat com.sai.Templates.run")));

        HttpResponse<String> response = post(chat("hi"));

        OpenAiErrors.assertError(response, 502, "server_error", "upstream_error", null);
        // Upstream internals stay in the (masked) log preview, never in what the client reads.
        assertThat(response.body()).doesNotContain("IllegalStateException", "com.sai");
        assertStepLines(requestId(response), "[SAI -> SERVER] HTTP 500", "apiKey=[redacted]");
        assertNothingLeaked();
    }

    @Test
    void systemKeyQuotaSpentFallsBackToSystemCookie() {
        sai.stubFor(executeStub().withHeader("X-Api-Key", equalTo(SYSTEM_KEY)).willReturn(aResponse().withStatus(429)
                .withBody("Test template usage limit exceeded for key {{request.headers.X-Api-Key}}")
                .withTransformers("response-template")));
        sai.stubFor(executeStub().withHeader("Cookie", equalTo(SYSTEM_COOKIE)).willReturn(aResponse().withStatus(200)
                .withHeader("prompttokens", "5").withHeader("completiontokens", "2").withBody("answered with the cookie")));

        HttpResponse<String> response = post(chat("hi"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.parse(response.body()).at("/choices/0/message/content").asText()).isEqualTo("answered with the cookie");
        List<LoggedRequest> calls = saiRequests();
        assertThat(calls).hasSize(2);
        SaiCalls.assertApiKey(calls.get(0), SYSTEM_KEY);
        SaiCalls.assertCookie(calls.get(1), SYSTEM_COOKIE);
        assertStepLines(requestId(response), "[SAI -> SERVER] HTTP 429", "limit exceeded for key [redacted]",
                "[AUTH] SAI answered 429 with the system key: retrying once with the system cookie", "auth=system cookie",
                "[SERVER -> CLIENT] answered");
        assertNothingLeaked();
    }

    @Test
    void cookieFallbackFailingMidStreamEchoesNothing() {
        sai.stubFor(executeStub().withHeader("X-Api-Key", equalTo(HEADER_USER_KEY)).willReturn(aResponse().withStatus(429)
                .withBody("Too many requests for {{request.headers.X-Api-Key}}")
                .withTransformers("response-template")));
        sai.stubFor(executeStub().withHeader("Cookie", equalTo(SYSTEM_COOKIE)).willReturn(aResponse().withStatus(500)
                .withBody("session {{request.headers.Cookie}} broke the template")
                .withTransformers("response-template")));

        HttpResponse<String> response = post("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}",
                "user_api_key", HEADER_USER_KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = SseEvents.parse(response.body()).data();
        assertThat(events).anySatisfy(event -> OpenAiErrors.assertErrorObject(Json.parse(event), "server_error", "upstream_error", null));
        List<LoggedRequest> calls = saiRequests();
        assertThat(calls).hasSize(2);
        SaiCalls.assertApiKey(calls.get(0), HEADER_USER_KEY);
        SaiCalls.assertCookie(calls.get(1), SYSTEM_COOKIE);
        assertStepLines(requestId(response), "requests for [redacted]", "retrying once with the system cookie",
                "session [redacted] broke the template", "[SERVER -> CLIENT] failed");
        assertNothingLeaked();
    }

    @Test
    void wrongOrMissingGatewayAccessKeyIsRejectedWithoutNamingIt() {
        HttpResponse<String> wrong = record(postJson("/v1/chat/completions", chat("hi"), "Authorization", "Bearer " + WRONG_ACCESS_KEY));
        HttpResponse<String> missing = record(postJson("/v1/chat/completions", chat("hi")));

        OpenAiErrors.assertError(wrong, 401, "invalid_request_error", "invalid_api_key", null);
        OpenAiErrors.assertError(missing, 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(saiRequests()).isEmpty();
        assertStepLines(requestId(wrong), "[ACCESS] rejected", "unknown key");
        assertStepLines(requestId(missing), "[ACCESS] rejected", "no bearer token");
        assertNothingLeaked();
    }

    @Test
    void messagesApiStreamWithKeysInXApiKeyAndUserKeyHeadersMeetsSai401ThatEchoesIt() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401)
                .withBody("{\"detail\":\"Invalid API key {{request.headers.X-Api-Key}}\"}")
                .withTransformers("response-template")));
        String body = "{\"model\":\"sai-model\",\"max_tokens\":64,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        HttpResponse<String> response = record(postJson("/v1/messages", body, "x-api-key", ACCESS_KEY, "user_api_key", HEADER_USER_KEY,
                "anthropic-version", "2023-06-01"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("event: error").contains("authentication_error");
        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), HEADER_USER_KEY);
        assertStepLines(requestId(response), "[AUTH] user key accepted", "[SAI -> SERVER] HTTP 401", "Invalid API key [redacted]");
        assertNothingLeaked();
    }

    @Test
    void wrongXApiKeyOnTheMessagesApiIsRejectedWithoutNamingIt() {
        String body = "{\"model\":\"sai-model\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> wrong = record(postJson("/v1/messages", body, "x-api-key", WRONG_ACCESS_KEY));
        HttpResponse<String> counted = record(postJson("/v1/messages/count_tokens", body, "x-api-key", ACCESS_KEY));

        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("authentication_error");
        assertThat(counted.statusCode()).isEqualTo(200);
        assertThat(saiRequests()).isEmpty();
        assertStepLines(requestId(wrong), "[ACCESS] rejected", "unknown key");
        assertNothingLeaked();
    }

    /** The per-test checks only see their own run; this one sees the whole class, shutdown of the requests included. */
    @AfterAll
    void noSecretAnywhereInTheWholeRun() {
        try {
            assertNothingLeaked();
            assertThat(LOGS.lines()).as("log lines captured").hasSizeGreaterThan(20);
        } finally {
            LOGS.detach();
        }
    }

    private HttpResponse<String> post(String json, String... headers) {
        List<String> all = new ArrayList<>(List.of("Authorization", "Bearer " + ACCESS_KEY));
        all.addAll(List.of(headers));
        return record(postJson("/v1/chat/completions", json, all.toArray(String[]::new)));
    }

    private HttpResponse<String> record(HttpResponse<String> response) {
        responses.add(response);
        return response;
    }

    private static String bodyWithUserKey(String key, boolean stream) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":" + stream
                + ",\"litellm_params\":{\"metadata\":{\"user_api_key\":" + Json.quote(key) + "}}}";
    }

    private static String requestId(HttpResponse<String> response) {
        String id = response.headers().firstValue("x-request-id").orElseThrow();
        assertThat(id).hasSize(8);
        return id;
    }

    /** Each fragment appears on some line logged under this request's id. */
    private static void assertStepLines(String requestId, String... fragments) {
        List<String> lines = LOGS.linesOf(requestId).stream().map(LogCapture.Line::message).toList();
        assertThat(lines).as("log lines of request %s", requestId).isNotEmpty();
        for (String fragment : fragments) {
            assertThat(lines).as("a line of request %s containing '%s'", requestId, fragment)
                    .anySatisfy(line -> assertThat(line).contains(fragment));
        }
    }

    private void assertNothingLeaked() {
        assertNoSecretLogged();
        for (HttpResponse<String> response : responses) {
            assertNoSecretIn("response body of " + response.uri(), response.body());
            response.headers().map().forEach((name, values) ->
                    values.forEach(value -> assertNoSecretIn("response header " + name, value)));
        }
    }

    private static void assertNoSecretLogged() {
        for (LogCapture.Line line : LOGS.lines()) {
            if (isFakeSai(line.logger())) {
                continue;
            }
            assertNoSecretIn("log line", line.text());
        }
    }

    /** WireMock's own logs describe what the fake received, credentials included; they are not the gateway's. */
    private static boolean isFakeSai(String logger) {
        String name = logger.toLowerCase(Locale.ROOT);
        return name.contains("wiremock") || name.contains("tomakehurst");
    }

    private static void assertNoSecretIn(String where, String text) {
        for (String secret : SECRETS) {
            assertThat(text).as("%s must not contain a secret", where).doesNotContain(secret);
        }
    }
}
