package sai.gateway.messages;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.InternalServerException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.OverloadedException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.SseException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.ImageBlockParam;
import com.anthropic.models.messages.Base64ImageSource;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.anthropic.models.models.ModelInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Messages API driven by Anthropic's official Java SDK, as its users run it: strict response validation and
 * no retries, so a shape the SDK cannot read fails here and each test sees exactly the exchanges it makes.
 */
@MicronautTest
class MessagesSdkTest extends SaiFakeTest {

    private static final String WEATHER_CALL = "{\"tool_calls\":[{\"id\":\"call_1\",\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}]}";

    private AnthropicClient client;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sai.request-timeout-seconds", "1");
    }

    private AnthropicClient client() {
        if (client == null) {
            client = AnthropicOkHttpClient.builder()
                    .baseUrl(baseUrl())
                    .apiKey("not-checked-without-access-keys")
                    .maxRetries(0)
                    .timeout(Duration.ofSeconds(20))
                    .responseValidation(true)
                    .build();
        }
        return client;
    }

    @AfterAll
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    private static MessageCreateParams.Builder params(String userText) {
        return MessageCreateParams.builder().model("claude-sonnet-4-5-20250929").maxTokens(1024).addUserMessage(userText);
    }

    private static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("Current weather in a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .addRequired("city").build())
                .build();
    }

    @Test
    void plainAnswerIsAMessageWithSaiTextAndUsage() {
        stubAnswer("Bonjour!", 12, 3, "claude-sonnet-4-5-20250929");

        Message message = client().messages().create(params("Say hello in French").system("You are terse.").build());

        assertThat(message.id()).startsWith("msg_");
        assertThat(message.model().asString()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(message.content()).hasSize(1);
        assertThat(message.content().get(0).asText().text()).isEqualTo("Bonjour!");
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.stopSequence()).isEmpty();
        assertThat(message.usage().inputTokens()).isEqualTo(12);
        assertThat(message.usage().outputTokens()).isEqualTo(3);
        assertThat(message.usage().cacheReadInputTokens()).contains(0L);
        assertThat(message.usage().cacheCreationInputTokens()).contains(0L);

        LoggedRequest call = SaiCalls.single(saiRequests());
        JsonNode sent = SaiCalls.body(call);
        assertThat(sent.path("inputs").path("system").asText()).isEqualTo("You are terse.");
        assertThat(sent.path("inputs").path("user").asText()).isEqualTo("Say hello in French");
        assertThat(call.queryParameter("modelOverride").firstValue()).isEqualTo("claude-sonnet-4-5-20250929");
    }

    @Test
    void streamedAnswerAccumulatesToTheSameMessage() {
        String text = "A long answer. ".repeat(100); // several text deltas
        stubAnswer(text, 30, 300, "claude-sonnet-4-5-20250929");
        MessageAccumulator accumulator = MessageAccumulator.create();
        List<String> types = new ArrayList<>();

        try (StreamResponse<RawMessageStreamEvent> stream = client().messages().createStreaming(params("Write a lot").build())) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                types.add(type(event));
            });
        }

        Message message = accumulator.message();
        assertThat(message.content()).hasSize(1);
        assertThat(message.content().get(0).asText().text()).isEqualTo(text);
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().outputTokens()).isEqualTo(300);
        assertThat(message.usage().inputTokens()).isEqualTo(30);
        assertThat(types.get(0)).isEqualTo("message_start");
        assertThat(types.get(1)).isEqualTo("content_block_start");
        assertThat(types.subList(2, types.size() - 3)).hasSizeGreaterThan(1).containsOnly("content_block_delta");
        assertThat(types.subList(types.size() - 3, types.size())).containsExactly("content_block_stop", "message_delta", "message_stop");
        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void toolUseRoundTripGoesBackToSaiAsHistoryAndEndsWithAnAnswer() {
        stubAnswer(WEATHER_CALL, 40, 10, "claude-sonnet-4-5-20250929");
        MessageCreateParams first = params("What is the weather in Paris?").addTool(weatherTool()).build();

        Message call = client().messages().create(first);

        assertThat(call.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock use = call.content().stream().filter(ContentBlock::isToolUse).map(ContentBlock::asToolUse).findFirst().orElseThrow();
        assertThat(use.id()).startsWith("toolu_");
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use._input().convert(Map.class)).isEqualTo(Map.of("city", "Paris"));
        JsonNode firstSent = SaiCalls.body(SaiCalls.single(saiRequests()));
        assertThat(firstSent.path("inputs").path("tools").asText()).contains("\"get_weather\"").contains("\"parameters\"");
        assertThat(firstSent.path("inputs").path("system").asText()).contains("get_weather");

        sai.resetRequests();
        stubAnswer("It is 18C and sunny in Paris.", 60, 9, "claude-sonnet-4-5-20250929");
        Message answer = client().messages().create(first.toBuilder()
                .addMessage(call)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(use.id()).content("18C sunny").isError(false).build())))
                .build());

        assertThat(answer.stopReason()).contains(StopReason.END_TURN);
        assertThat(answer.content().get(0).asText().text()).isEqualTo("It is 18C and sunny in Paris.");
        JsonNode history = SaiCalls.body(SaiCalls.single(saiRequests())).path("chatMessages");
        String all = history.toString();
        assertThat(all).contains(use.id()).contains("get_weather").contains("Paris").contains("18C sunny");
        assertThat(history.get(history.size() - 1).path("role").asText()).as(all).isEqualTo("tool");
    }

    @Test
    void streamedToolUseCarriesTheWholeInput() {
        stubAnswer(WEATHER_CALL, 40, 10, "claude-sonnet-4-5-20250929");
        MessageAccumulator accumulator = MessageAccumulator.create();

        try (StreamResponse<RawMessageStreamEvent> stream = client().messages().createStreaming(params("Weather?").addTool(weatherTool()).build())) {
            stream.stream().forEach(accumulator::accumulate);
        }

        Message message = accumulator.message();
        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock use = message.content().get(0).asToolUse();
        assertThat(use.id()).startsWith("toolu_");
        assertThat(use._input().convert(Map.class)).isEqualTo(Map.of("city", "Paris"));
    }

    @Test
    void countTokensAnswersTheBudgetEstimateWithoutCallingSai() {
        MessageCountTokensParams plain = MessageCountTokensParams.builder().model("claude-sonnet-4-5-20250929")
                .addUserMessage("x".repeat(400)).build();
        long withoutTools = client().messages().countTokens(plain).inputTokens();
        long withTools = client().messages().countTokens(plain.toBuilder().addTool(weatherTool()).build()).inputTokens();

        assertThat(withoutTools).isEqualTo(100); // 400 characters at the context budget's 4 per token
        assertThat(withTools).isGreaterThan(withoutTools); // the tool instruction counts, as it does toward MAX_CONTEXT_TOKENS
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void unknownModelIsNotFound() {
        assertThatThrownBy(() -> client().messages().create(params("hi").model("claude-unknown").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertAnthropicError(e, 404, "not_found_error", "claude-unknown"));
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void imageBlockIsABadRequestThatNeverReachesSai() {
        ContentBlockParam image = ContentBlockParam.ofImage(ImageBlockParam.builder()
                .source(Base64ImageSource.builder().mediaType(Base64ImageSource.MediaType.IMAGE_PNG).data("iVBORw0KGgo=").build()).build());
        MessageCreateParams request = MessageCreateParams.builder().model("sai-model").maxTokens(100)
                .addUserMessageOfContentBlockParams(List.of(image)).build();

        assertThatThrownBy(() -> client().messages().create(request))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertAnthropicError(e, 400, "invalid_request_error", "messages[0].content[0]"));
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void saiRateLimitIsARateLimitError() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7").withBody("slow down")));

        assertThatThrownBy(() -> client().messages().create(params("hi").build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertAnthropicError(e, 429, "rate_limit_error", null);
                    assertThat(e.headers().values("Retry-After")).containsExactly("7");
                });
    }

    @Test
    void saiUnavailableAfterRetriesIsOverloaded() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(503).withBody("<html>down</html>")));

        assertThatThrownBy(() -> client().messages().create(params("hi").build()))
                .isInstanceOfSatisfying(OverloadedException.class, e -> assertAnthropicError(e, 529, "overloaded_error", null));
        assertThat(saiRequests()).hasSize(3); // the first attempt and SAI_MAX_RETRIES=2
    }

    @Test
    void saiTimeoutIsAnApiError() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withFixedDelay(3_000).withBody("too late")));

        assertThatThrownBy(() -> client().messages().create(params("hi").build()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> assertAnthropicError(e, 500, "api_error", "1"));
    }

    @Test
    void failureAfterTheStreamStartedIsAnErrorEvent() {
        sai.stubFor(executeStub().willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        List<String> seen = new ArrayList<>();

        assertThatThrownBy(() -> {
            try (StreamResponse<RawMessageStreamEvent> stream = client().messages().createStreaming(params("hi").build())) {
                stream.stream().forEach(event -> seen.add(type(event)));
            }
        }).isInstanceOfSatisfying(SseException.class, e -> {
            assertThat(e.type().map(t -> t.asString())).contains("overloaded_error");
            assertThat(e.apiMessage()).isPresent();
        });
        assertThat(seen).containsExactly("message_start");
    }

    @Test
    void modelsListAndRetrieveInAnthropicShape() {
        List<ModelInfo> models = client().models().list().data();

        assertThat(models).extracting(ModelInfo::id).containsExactly("sai-model", "claude-sonnet-4-5-20250929");
        models.forEach(ModelInfo::validate);
        assertThat(client().models().retrieve("claude-sonnet-4-5-20250929").displayName()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThatThrownBy(() -> client().models().retrieve("nope"))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertAnthropicError(e, 404, "not_found_error", "nope"));
    }

    /** The SDK's own reading of the error: status, Anthropic type, message, and the request id from the request-id header. */
    static void assertAnthropicError(AnthropicServiceException e, int status, String type, String messageContains) {
        assertThat(e.statusCode()).isEqualTo(status);
        assertThat(e.type().map(t -> t.asString())).contains(type);
        assertThat(e.apiMessage()).hasValueSatisfying(m -> {
            assertThat(m).isNotBlank();
            if (messageContains != null) {
                assertThat(m).contains(messageContains);
            }
        });
        assertThat(e.requestId()).hasValueSatisfying(id -> assertThat(id).isNotBlank());
        @SuppressWarnings("unchecked")
        Map<String, Object> body = e.body().convert(Map.class);
        assertThat(body).containsEntry("type", "error").containsEntry("request_id", e.requestId().orElseThrow());
    }

    private static String type(RawMessageStreamEvent event) {
        return event.isMessageStart() ? "message_start" : event.isContentBlockStart() ? "content_block_start"
                : event.isContentBlockDelta() ? "content_block_delta" : event.isContentBlockStop() ? "content_block_stop"
                : event.isMessageDelta() ? "message_delta" : event.isMessageStop() ? "message_stop" : "other";
    }
}
