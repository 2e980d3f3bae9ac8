package sai.gateway.sai;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenApiSchemas;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static sai.gateway.testing.OpenAiErrors.assertError;

/**
 * CONTRACT.md sections 1-3 against WireMock standing in for SAI: each test checks what the client
 * got AND what reached SAI (path, query, headers, body, number of calls).
 */
@MicronautTest
class SaiContractTest extends SaiFakeTest {

    /** A listed model whose id needs escaping in a query string. */
    private static final String ODD_MODEL = "team/model:v2+fast";

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sai.models", "sai-model,claude-sonnet-4-5-20250929," + ODD_MODEL);
    }

    // ---- Section 1: the call -------------------------------------------------------------------

    @Test
    void sendsTheContractBodyWithInstructionsHistoryAndLastUserMessage() {
        stubAnswer("4", 20, 1, "sai-model");
        long before = System.currentTimeMillis();

        HttpResponse<String> response = postJson("/v1/chat/completions", """
                {"model": "sai-model", "messages": [
                  {"role": "system", "content": "Be brief."},
                  {"role": "developer", "content": "Answer in English."},
                  {"role": "user", "content": "2+2?"},
                  {"role": "assistant", "content": "4"},
                  {"role": "user", "content": [{"type": "text", "text": "And 3+3?"}, {"type": "text", "text": "Only the number."}]}
                ]}""");
        long after = System.currentTimeMillis();

        assertThat(response.statusCode()).isEqualTo(200);
        LoggedRequest call = SaiCalls.single(saiRequests());
        SaiCalls.assertApiKey(call, SYSTEM_KEY);
        SaiCalls.assertNoModelOverride(call);
        JsonNode body = SaiCalls.body(call);
        long firstId = body.at("/chatMessages/0/id").asLong();
        assertThat(firstId).as("epoch millis of the request").isBetween(before, after);
        // Exact equality: no extra field (no inputs.tools without client tools, no stream flag, no model).
        assertThat(body).isEqualTo(Json.parse("""
                {"inputs": {"system": "Be brief.\\n\\nAnswer in English.", "user": "And 3+3?\\nOnly the number."},
                 "chatMessages": [
                   {"content": "2+2?", "role": "user", "id": %d},
                   {"content": "4", "role": "assistant", "id": %d},
                   {"content": "And 3+3?\\nOnly the number.", "role": "user", "id": %d}
                 ]}""".formatted(firstId, firstId + 1, firstId + 2)));
    }

    @Test
    void withoutInstructionsSystemIsEmptyAndEveryMessageIsHistory() {
        stubAnswer("ok", 1, 1, "sai-model");

        postJson("/chat/completions", """
                {"messages": [
                  {"role": "user", "content": "What is the weather?"},
                  {"role": "assistant", "content": "Let me check."},
                  {"role": "tool", "tool_call_id": "call_1", "content": "Sunny, 21C"},
                  {"role": "user", "content": "Summarise it."}
                ]}""");

        JsonNode body = SaiCalls.body(SaiCalls.single(saiRequests()));
        long firstId = body.at("/chatMessages/0/id").asLong();
        assertThat(body).isEqualTo(Json.parse("""
                {"inputs": {"system": "", "user": "Summarise it."},
                 "chatMessages": [
                   {"content": "What is the weather?", "role": "user", "id": %d},
                   {"content": "Let me check.", "role": "assistant", "id": %d},
                   {"content": "[tool result for call_1]\\nSunny, 21C", "role": "tool", "id": %d},
                   {"content": "Summarise it.", "role": "user", "id": %d}
                 ]}""".formatted(firstId, firstId + 1, firstId + 2, firstId + 3)));
    }

    @Test
    void chatMessagesAreOmittedWhenOnlyInstructionsWereSent() {
        stubAnswer("Ready.", 5, 1, "sai-model");

        HttpResponse<String> response = postJson("/v1/chat/completions", """
                {"messages": [{"role": "system", "content": "You are a poet."}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(SaiCalls.body(SaiCalls.single(saiRequests())))
                .isEqualTo(Json.parse("{\"inputs\": {\"system\": \"You are a poet.\", \"user\": \"\"}}"));
    }

    @Test
    void ideWrappedMessageReachesSaiUnwrapped() {
        stubAnswer("Use a HashMap.", 10, 3, "sai-model");
        String wrapped = "Determine if the following context is required to solve the task in the user's input in the chat session: "
                + "\"How do I count words in Java?\"\nContext: file Main.java\nclass Main {}";

        HttpResponse<String> response = postJson("/v1/chat/completions", chat(wrapped));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = SaiCalls.body(SaiCalls.single(saiRequests()));
        assertThat(body.at("/inputs/user").asText()).isEqualTo("How do I count words in Java?");
        assertThat(body.at("/chatMessages/0/content").asText()).isEqualTo("How do I count words in Java?");
        assertThat(body.get("chatMessages")).hasSize(1);
    }

    @Test
    void messageMerelyMentioningThePluginPrefixIsSentAsIs() {
        stubAnswer("ok", 1, 1, "sai-model");
        // The prefix without the closing "\nContext: marker is not the plugin's wrapper.
        String text = "Determine if the following context is required to solve the task in the user's input in the chat session: \"x\"";

        postJson("/v1/chat/completions", chat(text));

        assertThat(SaiCalls.body(SaiCalls.single(saiRequests())).at("/inputs/user").asText()).isEqualTo(text);
    }

    // ---- Section 2: the answer -----------------------------------------------------------------

    @Test
    void answerBecomesAChatCompletionWithUsageAndSaisModelInAHeader() {
        stubAnswer("Hola, mundo", 12, 3, "claude-x");

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("Hola"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).hasSize(8));
        OpenApiSchemas.assertValidIfSpecPresent("CreateChatCompletionResponse", response.body());
        JsonNode completion = Json.parse(response.body());
        assertThat(completion.path("id").asText()).startsWith("chatcmpl-");
        assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
        // The body names the catalog model the request resolved to; SAI's own name for it is in a header.
        assertThat(completion.path("model").asText()).isEqualTo("sai-model");
        assertThat(response.headers().firstValue("x-sai-model")).hasValue("claude-x");
        assertThat(completion.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Hola, mundo");
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(completion.path("usage")).isEqualTo(Json.parse(
                "{\"prompt_tokens\": 12, \"completion_tokens\": 3, \"total_tokens\": 15}"));
        SaiCalls.single(saiRequests());
    }

    @Test
    void missingOrNonNumericUsageCountsAsZeroAndModelFallsBackToTheRequestedOne() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200)
                .withHeader("prompttokens", "many")
                .withBody("Answer without headers")));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\": \"claude-sonnet-4-5-20250929\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        OpenApiSchemas.assertValidIfSpecPresent("CreateChatCompletionResponse", response.body());
        JsonNode completion = Json.parse(response.body());
        assertThat(completion.path("model").asText()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Answer without headers");
        assertThat(completion.path("usage")).isEqualTo(Json.parse(
                "{\"prompt_tokens\": 0, \"completion_tokens\": 0, \"total_tokens\": 0}"));
    }

    @Test
    void answerThatLooksLikeJsonIsReturnedAsText() {
        String text = "{\"answer\": 42, \"unit\": \"none\"}";
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(text)));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("Give me JSON"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.parse(response.body()).at("/choices/0/message/content").asText()).isEqualTo(text);
    }

    @Test
    void emptyAnswerIsAnUpstreamErrorNotAnEmptySuccess() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withHeader("model", "sai-model")));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        assertError(response, 502, "server_error", "upstream_empty_response", null);
        SaiCalls.single(saiRequests());
    }

    // ---- Section 3: failures -------------------------------------------------------------------

    @Test
    void unauthorizedSystemKeyFailsNamingItWithoutRetryOrFallback() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401).withBody("{\"error\":\"Invalid API key\"}")));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        JsonNode error = assertError(response, 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(error.path("message").asText()).contains("system API key (SAI_KEY)");
        assertThat(response.body()).doesNotContain(SYSTEM_KEY).doesNotContain(SYSTEM_COOKIE);
        // No second call: neither a retry nor the cookie that is configured as 429 fallback.
        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), SYSTEM_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Test template usage limit exceeded", "Too Many Requests"})
    void rateLimitedSystemKeyIsRetriedOnceWithTheSystemCookie(String saiBody) {
        sai.stubFor(executeStub().withHeader("X-Api-Key", equalTo(SYSTEM_KEY))
                .willReturn(aResponse().withStatus(429).withBody(saiBody)));
        sai.stubFor(executeStub().withHeader("Cookie", equalTo(SYSTEM_COOKIE)).withHeader("X-Api-Key", absent())
                .willReturn(aResponse().withStatus(200).withHeader("model", "sai-model").withBody("Answered with the cookie")));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.parse(response.body()).at("/choices/0/message/content").asText()).isEqualTo("Answered with the cookie");
        List<LoggedRequest> calls = saiRequests();
        assertThat(calls).hasSize(2);
        SaiCalls.assertApiKey(calls.get(0), SYSTEM_KEY);
        SaiCalls.assertCookie(calls.get(1), SYSTEM_COOKIE);
        assertThat(calls.get(1).getBodyAsString()).isEqualTo(calls.get(0).getBodyAsString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Test template usage limit exceeded", "Too Many Requests"})
    void rateLimitedAfterTheCookieRetryIs429WithSaisRetryAfter(String saiBody) {
        sai.stubFor(executeStub().withHeader("X-Api-Key", equalTo(SYSTEM_KEY))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "5").withBody(saiBody)));
        sai.stubFor(executeStub().withHeader("Cookie", equalTo(SYSTEM_COOKIE))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30").withBody(saiBody)));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        assertError(response, 429, "requests", "rate_limit_exceeded", null);
        // The last answer is the one that tells when to come back.
        assertThat(response.headers().firstValue("Retry-After")).hasValue("30");
        assertThat(response.body()).doesNotContain(saiBody);
        List<LoggedRequest> calls = saiRequests();
        assertThat(calls).hasSize(2);
        SaiCalls.assertApiKey(calls.get(0), SYSTEM_KEY);
        SaiCalls.assertCookie(calls.get(1), SYSTEM_COOKIE);
    }

    @Test
    void rateLimitWithoutRetryAfterSendsNone() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(429).withBody("Too Many Requests")));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        assertError(response, 429, "requests", "rate_limit_exceeded", null);
        assertThat(response.headers().firstValue("Retry-After")).isEmpty();
        assertThat(saiRequests()).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"message\":\"prompt is too long: 210000 tokens > 200000 maximum\"}",
            "Prompt Is Too Long",
            "AI_APICallError: OpenAICompatible provider returned 400",
            "openaicompatible error"})
    void saiTooLongIsContextLengthExceededWithoutRetry(String saiBody) {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500).withBody(saiBody)));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("a long conversation"));

        JsonNode error = assertError(response, 400, "invalid_request_error", "context_length_exceeded", "messages");
        assertThat(error.path("message").asText())
                .contains("Shorten the history", "start a new conversation", "summarise");
        assertThat(response.body()).doesNotContain(saiBody);
        SaiCalls.single(saiRequests());
    }

    @Test
    void saiInternalErrorIs502WithoutItsDetailsOrRetry() {
        String internals = "java.lang.IllegalStateException: pool exhausted\n\tat com.sai.internal.TemplateRunner.run(TemplateRunner.java:42)";
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500).withBody(internals)));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        JsonNode error = assertError(response, 502, "server_error", "upstream_error", null);
        assertThat(error.path("message").asText()).contains("Retry");
        assertThat(response.body()).doesNotContain("com.sai.internal").doesNotContain("pool exhausted");
        SaiCalls.single(saiRequests());
    }

    // ---- Models --------------------------------------------------------------------------------

    @Test
    void secondListedModelIsSentAsModelOverride() {
        stubAnswer("hi", 1, 1, "claude-sonnet-4-5-20250929");

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\": \"claude-sonnet-4-5-20250929\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        LoggedRequest call = SaiCalls.single(saiRequests());
        assertThat(call.getUrl()).isEqualTo(EXECUTE_PATH + "?modelOverride=claude-sonnet-4-5-20250929");
        assertThat(Json.parse(response.body()).path("model").asText()).isEqualTo("claude-sonnet-4-5-20250929");
    }

    @Test
    void modelOverrideIsUrlEncoded() {
        stubAnswer("hi", 1, 1, ODD_MODEL);

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\": " + Json.quote(ODD_MODEL) + ", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        LoggedRequest call = SaiCalls.single(saiRequests());
        // An unencoded '+' would reach SAI as a space.
        assertThat(call.queryParameter("modelOverride").firstValue()).isEqualTo(ODD_MODEL);
        assertThat(call.getUrl()).contains("%2B").doesNotContain("+");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"model\": \"sai-model\", ", "{"})
    void defaultModelOrNoModelSendsNoOverride(String start) {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withBody("hi")));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                start + "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.parse(response.body()).path("model").asText()).isEqualTo("sai-model");
        SaiCalls.assertNoModelOverride(SaiCalls.single(saiRequests()));
    }

    @Test
    void unknownModelIs404NamingTheAvailableOnesWithoutCallingSai() {
        stubAnswer("never", 1, 1, "sai-model");

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\": \"gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");

        JsonNode error = assertError(response, 404, "invalid_request_error", "model_not_found", "model");
        assertThat(error.path("message").asText()).contains("gpt-4o", "sai-model", "claude-sonnet-4-5-20250929");
        assertThat(saiRequests()).isEmpty();
    }

    // ---- Context budget (default 128,000 tokens = 512,000 characters) ----------------------------

    @Test
    void conversationAtTheBudgetIsSent() {
        stubAnswer("ok", 1, 1, "sai-model");

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("x".repeat(512_000)));

        assertThat(response.statusCode()).isEqualTo(200);
        SaiCalls.single(saiRequests());
    }

    @Test
    void conversationOverTheBudgetIsRefusedWithoutCallingSai() {
        stubAnswer("never", 1, 1, "sai-model");

        HttpResponse<String> response = postJson("/v1/chat/completions", """
                {"messages": [{"role": "system", "content": "%s"}, {"role": "user", "content": "%s"}]}"""
                .formatted("s".repeat(256_000), "u".repeat(256_001)));

        JsonNode error = assertError(response, 400, "invalid_request_error", "context_length_exceeded", "messages");
        assertThat(error.path("message").asText()).contains("128000");
        assertThat(saiRequests()).isEmpty();
    }

    // ---- Message language ----------------------------------------------------------------------

    @Test
    void acceptLanguageSpanishGivesSpanishMessages() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401)));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hola"), "Accept-Language", "es-EC,es;q=0.9");

        JsonNode error = assertError(response, 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(error.path("message").asText()).startsWith("SAI rechazó la API Key del sistema del gateway (SAI_KEY)");
    }
}
