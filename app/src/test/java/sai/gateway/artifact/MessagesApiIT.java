package sai.gateway.artifact;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import sai.gateway.testing.GatewayProcess;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Messages API of the shipped jar, in the demo environment (the built-in SAI simulator) behind an access key,
 * driven by Anthropic's official Java SDK over the {@code x-api-key} header that Anthropic's SDKs, curl and Claude
 * Code with ANTHROPIC_API_KEY use: what a user trying the demo with an Anthropic client sees.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessagesApiIT {

    private static final String ACCESS_KEY = "gw-it-messages-5d2c8b71";

    private GatewayProcess gateway;
    private AnthropicClient client;

    @BeforeAll
    void start() {
        gateway = GatewayProcess.bare()
                .env("MICRONAUT_ENVIRONMENTS", "demo")
                .env("GATEWAY_API_KEYS", ACCESS_KEY)
                .env("GATEWAY_LOCALE", "en")
                .start().awaitHealthy();
        client = clientWith(ACCESS_KEY);
    }

    @AfterAll
    void stop() {
        if (client != null) {
            client.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    /** No {@code apiKey()}: the SDK would send it as {@code Authorization: Bearer}, and this is the x-api-key path. */
    private AnthropicClient clientWith(String key) {
        AnthropicOkHttpClient.Builder builder = AnthropicOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + gateway.port())
                .putHeader("anthropic-version", "2023-06-01")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .responseValidation(true);
        if (key != null) {
            builder.putHeader("x-api-key", key);
        }
        return builder.build();
    }

    private static MessageCreateParams.Builder params(String userText) {
        return MessageCreateParams.builder().model("sai-model").maxTokens(1024).addUserMessage(userText);
    }

    private static Tool bash() {
        return Tool.builder().name("Bash").description("Runs a shell command and returns its output.")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of(
                                "command", Map.of("type", "string", "description", "The command to run"),
                                "timeout", Map.of("type", "number"))))
                        .addRequired("command").build())
                .build();
    }

    @Test
    void plainMessageIsTheSimulatorsAnswer() {
        Message message = client.messages().create(params("Capital of Ecuador?").system("You are terse.").build());

        assertThat(message.id()).startsWith("msg_");
        assertThat(message.model().asString()).isEqualTo("sai-model");
        assertThat(message.content()).hasSize(1);
        assertThat(message.content().get(0).asText().text()).isEqualTo("[SAI simulator] You said: Capital of Ecuador?");
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().outputTokens()).isPositive();
        assertThat(message.usage().inputTokens()).isPositive();
    }

    @Test
    void streamedMessageAccumulatesToTheSameAnswer() {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params("Stream this, please.").build())) {
            stream.stream().forEach(accumulator::accumulate);
        }

        Message message = accumulator.message();
        assertThat(message.content()).hasSize(1);
        assertThat(message.content().get(0).asText().text()).isEqualTo("[SAI simulator] You said: Stream this, please.");
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().outputTokens()).isPositive();
    }

    @Test
    void toolCallAndItsResultRoundTrip() {
        MessageCreateParams first = params("List the files. [sim:tool=Bash]").addTool(bash()).build();

        Message call = client.messages().create(first);

        assertThat(call.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock use = call.content().stream().filter(ContentBlock::isToolUse).map(ContentBlock::asToolUse).findFirst().orElseThrow();
        assertThat(use.id()).startsWith("toolu_");
        assertThat(use.name()).isEqualTo("Bash");
        // The simulator fills each required parameter with a placeholder of its type.
        assertThat(use._input().convert(Map.class)).isEqualTo(Map.of("command", "sim"));

        Message answer = client.messages().create(first.toBuilder()
                .addMessage(call)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(use.id()).content("README.md src").isError(false).build())))
                .build());

        assertThat(answer.stopReason()).contains(StopReason.END_TURN);
        assertThat(answer.content().get(0).asText().text())
                .startsWith("[SAI simulator] Tool result received: ")
                .contains(use.id())
                .endsWith("README.md src");
    }

    @Test
    void missingKeyIsAnAuthenticationError() {
        AnthropicClient anonymous = clientWith(null);
        try {
            assertThatThrownBy(() -> anonymous.messages().create(params("hi").build()))
                    .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(401);
                        assertThat(e.type().map(t -> t.asString())).contains("authentication_error");
                        assertThat(e.apiMessage()).hasValueSatisfying(m -> assertThat(m).isNotBlank().doesNotContain(ACCESS_KEY));
                        assertThat(e.requestId()).isPresent();
                    });
        } finally {
            anonymous.close();
        }
    }

    /** Last by name is not guaranteed, so this checks whatever has been logged by the time it runs, plus its own requests. */
    @Test
    void theLogNeverHoldsTheAccessKey() {
        client.messages().create(params("one more for the log").build());
        AnthropicClient wrong = clientWith("gw-wrong-key-0000");
        try {
            assertThatThrownBy(() -> wrong.messages().create(params("hi").build())).isInstanceOf(UnauthorizedException.class);
        } finally {
            wrong.close();
        }

        assertThat(gateway.output()).contains("[ACCESS] rejected").doesNotContain(ACCESS_KEY).doesNotContain("gw-wrong-key-0000");
        // The file appender is asynchronous: wait until the rejection is there, so the check covers this test's lines.
        String file = "";
        for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); System.nanoTime() < deadline && !file.contains("unknown key"); ) {
            file = String.join("\n", gateway.logFileLines());
            sleep(100);
        }
        assertThat(file).contains("[ACCESS] rejected").contains("unknown key").doesNotContain(ACCESS_KEY).doesNotContain("gw-wrong-key-0000");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
