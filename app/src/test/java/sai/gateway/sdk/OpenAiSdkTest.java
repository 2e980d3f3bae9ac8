package sai.gateway.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.errors.SseException;
import com.openai.errors.UnauthorizedException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.models.Model;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway driven by the real OpenAI Java SDK, as users run it: if the SDK cannot parse a
 * response, a chunk or an error, these tests fail. The SDK checks non-streaming responses against its
 * model ({@code responseValidation(true)}) and never retries, so each test sees exactly one exchange.
 * It is lenient with chunks (a chunk without {@code finish_reason} passes), so WireShapeTest checks them
 * against the spec.
 */
@MicronautTest
class OpenAiSdkTest extends SaiFakeTest {

    private final Sdk sdk = new Sdk(this::baseUrl);

    @AfterAll
    void closeSdk() {
        sdk.close();
    }

    @Test
    void completionCarriesSaiTextUsageAndModel() {
        stubAnswer("Hola desde SAI", 12, 5, "claude-sonnet-4-5-20250929");

        ChatCompletion completion = sdk.client().chat().completions().create(Sdk.ask("Hola").build());

        assertThat(completion.id()).startsWith("chatcmpl-");
        assertThat(completion.model()).as("the model asked for, not SAI's name for it").isEqualTo("sai-model");
        assertThat(completion.choices()).hasSize(1);
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.message().content()).hasValue("Hola desde SAI");
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        CompletionUsage usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(12);
        assertThat(usage.completionTokens()).isEqualTo(5);
        assertThat(usage.totalTokens()).isEqualTo(17);
        LoggedRequest call = SaiCalls.single(saiRequests());
        SaiCalls.assertApiKey(call, SYSTEM_KEY);
        SaiCalls.assertNoModelOverride(call);
        assertThat(SaiCalls.body(call).at("/inputs/user").asText()).isEqualTo("Hola");
    }

    @Test
    void completionWithoutSaiModelHeaderNamesTheRequestedModel() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withBody("ok")));

        ChatCompletion completion = sdk.client().chat().completions().create(
                ChatCompletionCreateParams.builder().model("claude-sonnet-4-5-20250929").addUserMessage("Hola").build());

        assertThat(completion.model()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(completion.choices().get(0).message().content()).hasValue("ok");
        assertThat(SaiCalls.single(saiRequests()).queryParameter("modelOverride").firstValue()).isEqualTo("claude-sonnet-4-5-20250929");
    }

    @Test
    void streamWithoutUsageDeliversTheWholeTextAndStops() {
        String text = longAnswer();
        stubAnswer(text, 40, 300, "sai-model");

        List<ChatCompletionChunk> chunks = sdk.streamAll(Sdk.ask("Cuéntame algo largo").build());

        assertThat(chunks).allSatisfy(c -> assertThat(c.usage()).isEmpty());
        assertThat(chunks.get(0).choices().get(0).delta().role()).hasValue(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT);
        assertThat(contentOf(chunks)).isEqualTo(text);
        // SAI does not stream, but the whole answer in one event would freeze a client's rendering.
        assertThat(chunks.stream().filter(c -> !c.choices().isEmpty() && c.choices().get(0).delta().content().filter(s -> !s.isEmpty()).isPresent()))
                .hasSizeGreaterThan(1);
        assertThat(lastFinishReason(chunks)).isEqualTo(ChatCompletionChunk.Choice.FinishReason.STOP);
        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(chunks.get(0).id());
        assertThat(chunks.get(0).id()).startsWith("chatcmpl-");

        ChatCompletion accumulated = accumulate(chunks);
        assertThat(accumulated.choices().get(0).message().content()).hasValue(text);
        assertThat(accumulated.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void streamWithIncludeUsageEndsWithTheUsageChunk() {
        stubAnswer("Respuesta breve", 7, 3, "sai-model");

        List<ChatCompletionChunk> chunks = sdk.streamAll(Sdk.ask("Hola")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build());

        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        CompletionUsage usage = last.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(7);
        assertThat(usage.completionTokens()).isEqualTo(3);
        assertThat(usage.totalTokens()).isEqualTo(10);
        assertThat(contentOf(chunks)).isEqualTo("Respuesta breve");
        assertThat(lastFinishReason(chunks)).isEqualTo(ChatCompletionChunk.Choice.FinishReason.STOP);
        assertThat(accumulate(chunks).usage()).hasValueSatisfying(u -> assertThat(u.totalTokens()).isEqualTo(10));
    }

    @Test
    void modelListHasTheConfiguredIdsInOrder() {
        List<Model> models = sdk.client().models().list().data();

        assertThat(models).extracting(Model::id).containsExactly("sai-model", "claude-sonnet-4-5-20250929");
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void retrievesOneConfiguredModel() {
        Model model = sdk.client().models().retrieve("claude-sonnet-4-5-20250929");

        assertThat(model.id()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(model.ownedBy()).isNotBlank();
    }

    @Test
    void retrievingAnUnknownModelIsNotFound() {
        assertThatThrownBy(() -> sdk.client().models().retrieve("gpt-4o"))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.code()).hasValue("model_not_found");
                });
    }

    @Test
    void saiUnauthorizedIsUnauthorizedException() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401).withBody("{\"message\":\"Invalid API key\"}")));

        assertThatThrownBy(() -> sdk.client().chat().completions().create(Sdk.ask("Hola").build()))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(401);
                    assertThat(e.code()).hasValue("invalid_api_key");
                    assertThat(errorMessage(e)).contains("system API key").doesNotContain(SYSTEM_KEY);
                });
        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void unknownModelIsNotFoundExceptionWithoutCallingSai() {
        assertThatThrownBy(() -> sdk.client().chat().completions().create(
                ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("Hola").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.code()).hasValue("model_not_found");
                    assertThat(e.param()).hasValue("model");
                    assertThat(errorMessage(e)).contains("gpt-4o").contains("sai-model");
                });
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void rateLimitedWithKeyAndCookieIsRateLimitException() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")
                .withBody("Test template usage limit exceeded")));

        assertThatThrownBy(() -> sdk.client().chat().completions().create(Sdk.ask("Hola").build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.code()).hasValue("rate_limit_exceeded");
                    assertThat(e.headers().values("Retry-After")).containsExactly("7");
                });
        List<LoggedRequest> calls = saiRequests();
        assertThat(calls).hasSize(2);
        SaiCalls.assertApiKey(calls.get(0), SYSTEM_KEY);
        SaiCalls.assertCookie(calls.get(1), SYSTEM_COOKIE);
    }

    @Test
    void saiPromptTooLongIsBadRequestWithContextLengthCode() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500)
                .withBody("{\"error\":\"prompt is too long: 210000 tokens > 200000 maximum\"}")));

        assertThatThrownBy(() -> sdk.client().chat().completions().create(Sdk.ask("Hola").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.code()).hasValue("context_length_exceeded");
                    assertThat(errorMessage(e)).doesNotContain("210000");
                });
        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void conversationOverTheBudgetIsBadRequestWithoutCallingSai() {
        String huge = "x".repeat(128_000 * 4 + 400);

        assertThatThrownBy(() -> sdk.client().chat().completions().create(Sdk.ask(huge).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.code()).hasValue("context_length_exceeded");
                });
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void saiInternalErrorIsBadGateway() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500).withBody("java.lang.NullPointerException at com.sai.Internal")));

        // The SDK maps every 5xx to InternalServerException and keeps the real status.
        assertThatThrownBy(() -> sdk.client().chat().completions().create(Sdk.ask("Hola").build()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(502);
                    assertThat(e.code()).hasValue("upstream_error");
                    assertThat(errorMessage(e)).doesNotContain("NullPointerException");
                });
        assertThat(saiRequests()).hasSize(1);
    }

    /**
     * Observed with openai-java 4.101.0: the status (200) and the role chunk are already out when SAI
     * fails, so the gateway sends one {@code data: {"error":{...}}} event. The SDK's iterator hands out
     * the role chunk, then throws {@code SseException} with {@code statusCode()} 200 (the stream's
     * HTTP status) and the event's error object as {@code body()}, so {@code code()} and the message
     * are the same as in the non-streaming 401.
     */
    @Test
    void failureAfterTheStreamStartedMakesTheSdkIteratorThrow() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401)));

        List<ChatCompletionChunk> received = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.client().chat().completions().createStreaming(Sdk.ask("Hola").build())) {
            Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
            assertThatThrownBy(() -> chunks.forEachRemaining(received::add))
                    .isInstanceOfSatisfying(SseException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(200);
                        assertThat(e.code()).hasValue("invalid_api_key");
                        assertThat(e.type()).hasValue("invalid_request_error");
                        assertThat(errorMessage(e)).contains("system API key");
                    });
        }
        assertThat(received).hasSize(1);
        assertThat(received.get(0).choices().get(0).delta().role()).hasValue(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT);
        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void userKeyInTheUserApiKeyHeaderReachesSai() {
        stubAnswer("ok", 1, 1, "sai-model");

        sdk.client().chat().completions().create(Sdk.ask("Hola").putAdditionalHeader("user_api_key", "  user-KEY-header-42  ").build());

        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), "user-KEY-header-42");
    }

    @Test
    void userKeyInLitellmParamsReachesSaiAndWinsOverTheHeader() {
        stubAnswer("ok", 1, 1, "sai-model");

        sdk.client().chat().completions().create(Sdk.ask("Hola")
                .putAdditionalHeader("user_api_key", "user-KEY-header-42")
                .putAdditionalBodyProperty("litellm_params",
                        JsonValue.from(Map.of("metadata", Map.of("user_api_key", "user-KEY-body-77"))))
                .build());

        LoggedRequest call = SaiCalls.single(saiRequests());
        SaiCalls.assertApiKey(call, "user-KEY-body-77");
        assertThat(call.getBodyAsString()).doesNotContain("user-KEY");
    }

    @Test
    void userSessionCookieThroughTheSdkIsSentAsCookie() {
        stubAnswer("ok", 1, 1, "sai-model");

        sdk.client().chat().completions().create(Sdk.ask("Hola")
                .putAdditionalBodyProperty("litellm_params",
                        JsonValue.from(Map.of("metadata", Map.of("user_api_key", "Cookies=abc; session=user-77"))))
                .build());

        SaiCalls.assertCookie(SaiCalls.single(saiRequests()), "Cookies=abc; session=user-77");
    }

    @Test
    void rejectedUserKeyFromTheSdkIsUnauthorizedWithoutFallback() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401)));

        assertThatThrownBy(() -> sdk.client().chat().completions().create(
                Sdk.ask("Hola").putAdditionalHeader("user_api_key", "user-KEY-expired").build()))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(401);
                    assertThat(errorMessage(e)).contains("personal API key").doesNotContain("user-KEY-expired");
                });
        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), "user-KEY-expired");
    }

    /** The error's message as the SDK parsed it: {@code body()} is the error object, for HTTP and SSE errors alike. */
    private static String errorMessage(OpenAIServiceException e) {
        JsonNode body = new ObjectMapper().valueToTree(e.body().convert(Object.class));
        String message = body.path("message").asText();
        assertThat(message).as("error message in %s", body).isNotBlank();
        return message;
    }

    private static String longAnswer() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 1500; i++) {
            text.append("Línea ").append(i).append(": ñandú, café y 🚀 en órbita.\n");
        }
        return text.toString();
    }

    private static String contentOf(List<ChatCompletionChunk> chunks) {
        StringBuilder text = new StringBuilder();
        for (ChatCompletionChunk chunk : chunks) {
            for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                choice.delta().content().ifPresent(text::append);
            }
        }
        return text.toString();
    }

    private static ChatCompletionChunk.Choice.FinishReason lastFinishReason(List<ChatCompletionChunk> chunks) {
        ChatCompletionChunk.Choice.FinishReason reason = null;
        for (ChatCompletionChunk chunk : chunks) {
            for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                if (choice.finishReason().isPresent()) {
                    assertThat(reason).as("only one chunk carries a finish reason").isNull();
                    reason = choice.finishReason().get();
                }
            }
        }
        return reason;
    }

    private static ChatCompletion accumulate(List<ChatCompletionChunk> chunks) {
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        chunks.forEach(accumulator::accumulate);
        return accumulator.chatCompletion();
    }
}

/** A short SAI budget, so "SAI too slow" is reached in about a second. */
@MicronautTest
class OpenAiSdkTimeoutTest extends SaiFakeTest {

    private final Sdk sdk = new Sdk(this::baseUrl);

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sai.request-timeout-seconds", "1");
    }

    @AfterAll
    void closeSdk() {
        sdk.close();
    }

    @Test
    void saiSlowerThanTheBudgetIsGatewayTimeout() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withBody("too late").withFixedDelay(4_000)));

        assertThatThrownBy(() -> sdk.client().chat().completions().create(Sdk.ask("Hola").build()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(504);
                    assertThat(e.code()).hasValue("upstream_timeout");
                });
        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void saiSlowerThanTheBudgetEndsTheStreamWithATimeoutError() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withBody("too late").withFixedDelay(4_000)));

        try (StreamResponse<ChatCompletionChunk> stream = sdk.client().chat().completions().createStreaming(Sdk.ask("Hola").build())) {
            Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
            assertThatThrownBy(() -> chunks.forEachRemaining(c -> { }))
                    .isInstanceOfSatisfying(SseException.class, e -> assertThat(e.code()).hasValue("upstream_timeout"));
        }
    }
}

/** Gateway access keys on: the SDK's {@code apiKey} is what opens the gateway. */
@MicronautTest
class OpenAiSdkAccessKeyTest extends SaiFakeTest {

    private final Sdk sdk = new Sdk(this::baseUrl);

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("secrets.gateway-api-keys", "gw-test-key-1,gw-test-key-2");
    }

    @AfterAll
    void closeSdk() {
        sdk.close();
    }

    @Test
    void sdkWithAnAccessKeyIsServedAndTheKeyStaysAtTheGateway() {
        stubAnswer("Hola", 1, 1, "sai-model");

        OpenAIClient client = sdk.client("gw-test-key-2");
        ChatCompletion completion = client.chat().completions().create(Sdk.ask("Hola").build());
        assertThat(completion.choices().get(0).message().content()).hasValue("Hola");
        assertThat(client.models().list().data()).extracting(Model::id).contains("sai-model");
        // The access key opens the gateway only: SAI sees the system key and never the Authorization header.
        List<LoggedRequest> calls = saiRequests();
        assertThat(calls).hasSize(1);
        SaiCalls.assertApiKey(calls.get(0), SYSTEM_KEY);
        assertThat(calls.get(0).getBodyAsString()).doesNotContain("gw-test-key");
    }

    @Test
    void sdkWithAWrongKeyIsUnauthorizedAndSaiIsNeverCalled() {
        stubAnswer("Hola", 1, 1, "sai-model");

        OpenAIClient client = sdk.client("gw-test-key-3");
        assertThatThrownBy(() -> client.chat().completions().create(Sdk.ask("Hola").build()))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(401);
                    assertThat(e.code()).hasValue("invalid_api_key");
                });
        assertThatThrownBy(() -> client.models().list()).isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() -> client.chat().completions().createStreaming(Sdk.ask("Hola").build()).stream().count())
                .isInstanceOf(UnauthorizedException.class);
        assertThat(saiRequests()).isEmpty();
    }
}

/** SDK clients pointed at the running gateway, one per API key, closed with the test class. */
final class Sdk implements AutoCloseable {

    private final Supplier<String> gatewayUrl;
    private final Map<String, OpenAIClient> clients = new HashMap<>();

    Sdk(Supplier<String> gatewayUrl) {
        this.gatewayUrl = gatewayUrl;
    }

    /** A client whose API key the gateway ignores unless access keys are configured. */
    OpenAIClient client() {
        return client("sk-anything");
    }

    /** Created on first use: the gateway's port is known only once Micronaut has started it. */
    OpenAIClient client(String apiKey) {
        return clients.computeIfAbsent(apiKey, key -> OpenAIOkHttpClient.builder()
                .baseUrl(gatewayUrl.get() + "/v1")
                .apiKey(key)
                .maxRetries(0)
                .responseValidation(true)
                .timeout(Duration.ofSeconds(30))
                .build());
    }

    static ChatCompletionCreateParams.Builder ask(String text) {
        return ChatCompletionCreateParams.builder().model("sai-model").addUserMessage(text);
    }

    /** Reads the stream to its end: the SDK throws here if a chunk or the end of the stream is malformed. */
    List<ChatCompletionChunk> streamAll(ChatCompletionCreateParams params) {
        try (StreamResponse<ChatCompletionChunk> stream = client().chat().completions().createStreaming(params)) {
            return stream.stream().toList();
        }
    }

    @Override
    public void close() {
        clients.values().forEach(OpenAIClient::close);
        clients.clear();
    }
}
