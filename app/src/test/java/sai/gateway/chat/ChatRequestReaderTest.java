package sai.gateway.chat;

import sai.gateway.conversation.ChatMessage;
import sai.gateway.conversation.ChatRequest;
import sai.gateway.conversation.Role;
import sai.gateway.conversation.ToolCall;
import sai.gateway.conversation.ToolKind;

import org.junit.jupiter.api.Test;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The lenient side of request reading: what OpenAI clients really send must be accepted and read right. */
class ChatRequestReaderTest {

    private final ChatRequestReader reader = new ChatRequestReader();

    @Test
    void stringContentIsReadAsIs() {
        ChatRequest request = read("{\"model\":\"sai-model\",\"messages\":[{\"role\":\"user\",\"content\":\"line 1\\nline 2\"}]}");

        assertThat(request.messages()).containsExactly(new ChatMessage(Role.USER, "line 1\nline 2"));
        assertThat(request.model()).isEqualTo("sai-model");
    }

    @Test
    void textPartsAreJoinedWithANewline() {
        ChatRequest request = read("{\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"first\"},"
                + "{\"type\":\"input_text\",\"text\":\"second\"},"
                + "{\"type\":\"output_text\",\"text\":\"third\"}]}]}");

        assertThat(request.messages().get(0).content()).isEqualTo("first\nsecond\nthird");
    }

    @Test
    void singleTextPartHasNoExtraNewline() {
        ChatRequest request = read("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"only\"}]}]}");

        assertThat(request.messages().get(0).content()).isEqualTo("only");
    }

    @Test
    void assistantWithNullOrMissingContentIsAnEmptyTurn() {
        ChatRequest request = read("{\"messages\":["
                + "{\"role\":\"user\",\"content\":\"call the tool\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"add\",\"arguments\":\"{\\\"a\\\":40}\"}}]},"
                + "{\"role\":\"assistant\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"42\"}]}");

        assertThat(request.messages()).containsExactly(
                new ChatMessage(Role.USER, "call the tool"),
                new ChatMessage(Role.ASSISTANT, "", List.of(new ToolCall("c1", ToolKind.FUNCTION, "add", null, "{\"a\":40}")), null),
                new ChatMessage(Role.ASSISTANT, ""),
                new ChatMessage(Role.TOOL, "42", List.of(), "c1"));
    }

    @Test
    void everyKnownRoleIsAccepted() {
        ChatRequest request = read("{\"messages\":["
                + "{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"developer\",\"content\":\"d\"},"
                + "{\"role\":\"user\",\"content\":\"u\"},{\"role\":\"assistant\",\"content\":\"a\"},{\"role\":\"tool\",\"content\":\"t\"}]}");

        assertThat(request.messages()).extracting(ChatMessage::role)
                .containsExactly(Role.SYSTEM, Role.DEVELOPER, Role.USER, Role.ASSISTANT, Role.TOOL);
    }

    @Test
    void unknownFieldsAreIgnored() {
        ChatRequest request = read("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"name\":\"ana\",\"x-extra\":{\"a\":[1,2]}}],"
                + "\"user\":\"u-1\",\"seed\":7,\"tools\":[],\"response_format\":{\"type\":\"text\"},\"logit_bias\":{},"
                + "\"metadata\":{\"k\":\"v\"},\"temperature\":0.2,\"top_p\":1,\"max_tokens\":100,\"n\":1,\"presence_penalty\":0}");

        assertThat(request.messages()).containsExactly(new ChatMessage(Role.USER, "hi"));
        assertThat(request.stream()).isFalse();
        assertThat(request.bodyUserKey()).isNull();
    }

    @Test
    void streamAndIncludeUsageAreRead() {
        ChatRequest withUsage = read("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true}}");
        ChatRequest withoutUsage = read("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":false}}");
        ChatRequest noOptions = read("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true,\"stream_options\":null}");
        ChatRequest plain = read("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":false}");

        assertThat(withUsage.stream()).isTrue();
        assertThat(withUsage.includeUsage()).isTrue();
        assertThat(withoutUsage.stream()).isTrue();
        assertThat(withoutUsage.includeUsage()).isFalse();
        assertThat(noOptions.stream()).isTrue();
        assertThat(noOptions.includeUsage()).isFalse();
        assertThat(plain.stream()).isFalse();
    }

    @Test
    void bodyUserKeyIsRead() {
        ChatRequest request = read("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"litellm_params\":{\"metadata\":{\"user_api_key\":\" usr-key-1 \",\"other\":1}}}");

        // Trimming and placeholder handling belong to the credential chain, which needs the raw value.
        assertThat(request.bodyUserKey()).isEqualTo(" usr-key-1 ");
        assertThat(request.toString()).doesNotContain("usr-key-1");
    }

    @Test
    void bodyUserKeyIsAbsentWhenAnyLevelIsMissingOrNull() {
        assertThat(read("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"litellm_params\":null}").bodyUserKey()).isNull();
        assertThat(read("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"litellm_params\":{}}").bodyUserKey()).isNull();
        assertThat(read("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"litellm_params\":{\"metadata\":{}}}").bodyUserKey()).isNull();
        assertThat(read("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"litellm_params\":{\"metadata\":{\"user_api_key\":null}}}").bodyUserKey()).isNull();
    }

    @Test
    void blankOrMissingModelMeansTheDefault() {
        assertThat(read("{\"model\":\"  \",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").model()).isNull();
        assertThat(read("{\"model\":\"\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").model()).isNull();
        assertThat(read("{\"model\":null,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").model()).isNull();
        assertThat(read("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").requestedModel()).isEmpty();
        assertThat(read("{\"model\":\" claude-sonnet-4-5-20250929 \",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").model())
                .isEqualTo("claude-sonnet-4-5-20250929");
    }

    @Test
    void aPastedModelIdsNewlineIsTrimmedButANulIsNot() {
        assertThat(read("{\"model\":\"sai-model\\n\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").model()).isEqualTo("sai-model");
        assertThatThrownBy(() -> read("{\"model\":\"sai-model\\u0000\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE);
                    assertThat(e.param()).isEqualTo("model");
                });
    }

    @Test
    void wholeNumbersWrittenAsDecimalsAreCounts() {
        // JSON Schema's integer includes 2.0 and 1e2; only a fractional part is refused.
        read("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2.0,\"max_completion_tokens\":1e2}");
    }

    @Test
    void textInEveryScriptPassesTheUtf8Check() {
        String text = "¿Qué tal? 你好 😀 \u2028";
        ChatRequest request = reader.read(("{\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}").getBytes(StandardCharsets.UTF_8));

        assertThat(request.messages().get(0).content()).isEqualTo(text);
    }

    @Test
    void stringPartsAreTakenAsText() {
        ChatRequest request = read("{\"messages\":[{\"role\":\"user\",\"content\":[\"a\",{\"type\":\"text\",\"text\":\"b\"}]}]}");

        assertThat(request.messages().get(0).content()).isEqualTo("a\nb");
    }

    @Test
    void imagePartIsRefusedNamingThePart() {
        assertThatThrownBy(() -> read("{\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"look\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/y.png\"}}]}]}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_CONTENT);
                    assertThat(e.param()).isEqualTo("messages[0].content[1]");
                });
    }

    @Test
    void trailingContentAfterTheObjectIsRefused() {
        assertThatThrownBy(() -> read("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} {}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_JSON));
        // Trailing whitespace is not content.
        assertThat(read("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}\n\n ").messages()).hasSize(1);
    }

    @Test
    void escapedSurrogatePairsAndEscapedBackslashesAreReadAsText() {
        ChatRequest request = read("{\"messages\":[{\"role\":\"user\",\"content\":\"\\ud83d\\ude00 \\\\ud800\"}]}");

        assertThat(request.messages().get(0).content()).isEqualTo("\uD83D\uDE00 \\ud800");
    }

    @Test
    void aLoneSurrogateEscapeIsInvalidJsonSaidAsSuch() {
        assertThatThrownBy(() -> read("{\"messages\":[{\"role\":\"user\",\"content\":\"\\ud800\"}]}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_JSON);
                    assertThat(e.messageKey()).isEqualTo("invalid_json_surrogate");
                });
    }

    private ChatRequest read(String json) {
        return reader.read(json.getBytes(StandardCharsets.UTF_8));
    }
}
