package sai.gateway.messages;

import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sai.gateway.conversation.ChatMessage;
import sai.gateway.conversation.ChatRequest;
import sai.gateway.conversation.Role;
import sai.gateway.conversation.ToolCall;
import sai.gateway.conversation.ToolChoice;
import sai.gateway.conversation.ToolKind;
import sai.gateway.conversation.ToolRequest;
import sai.gateway.conversation.ToolSpec;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.ErrorMessages;
import sai.gateway.error.InvalidRequestException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What Anthropic clients send to /v1/messages, read into the neutral conversation, and every refusal a 400 naming the parameter. */
class MessagesRequestReaderTest {

    private static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    private final JsonMapper json = JsonMapper.createDefault();
    private final MessagesRequestReader reader = new MessagesRequestReader(json);
    private final ErrorMessages errorMessages = new ErrorMessages();

    @Test
    void stringContentAndTheRequestFieldsAreRead() {
        MessagesRequest request = read("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"line 1\\nline 2\"}]}");

        ChatRequest chat = request.chat();
        assertThat(chat.messages()).containsExactly(new ChatMessage(Role.USER, "line 1\nline 2"));
        assertThat(chat.model()).isEqualTo("claude-sonnet-4-5");
        assertThat(chat.stream()).isTrue();
        assertThat(chat.includeUsage()).isFalse();
        assertThat(chat.bodyUserKey()).isNull();
        assertThat(chat.tools().tools()).isEmpty();
        assertThat(request.maxTokens()).isEqualTo(1024);
        assertThat(request.stopSequences()).isEmpty();
    }

    @Test
    void modelIsOptionalAndStreamDefaultsToFalse() {
        ChatRequest chat = read("{\"max_tokens\":5," + HI + "}").chat();

        assertThat(chat.model()).isNull();
        assertThat(chat.stream()).isFalse();
    }

    @Test
    void textBlocksAreJoinedWithANewlineAndTheirExtrasIgnored() {
        ChatRequest chat = read("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"first\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}},"
                + "{\"type\":\"text\",\"text\":\"second\",\"citations\":[{\"type\":\"char_location\"}]}]},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"answer\"}]}]}").chat();

        assertThat(chat.messages()).containsExactly(new ChatMessage(Role.USER, "first\nsecond"), new ChatMessage(Role.ASSISTANT, "answer"));
    }

    @Test
    void systemStringComesFirst() {
        ChatRequest chat = read("{\"max_tokens\":5,\"system\":\"Be brief.\"," + HI + "}").chat();

        assertThat(chat.messages()).containsExactly(new ChatMessage(Role.SYSTEM, "Be brief."), new ChatMessage(Role.USER, "hi"));
    }

    @Test
    void systemBlocksAreOneSystemMessageEach() {
        ChatRequest chat = read("{\"max_tokens\":5,\"system\":[{\"type\":\"text\",\"text\":\"one\"},"
                + "{\"type\":\"text\",\"text\":\"two\",\"cache_control\":{\"type\":\"ephemeral\"}}]," + HI + "}").chat();

        assertThat(chat.messages()).containsExactly(new ChatMessage(Role.SYSTEM, "one"), new ChatMessage(Role.SYSTEM, "two"),
                new ChatMessage(Role.USER, "hi"));
    }

    @Test
    void systemRoleMessagesAreHoistedAfterTheSystemFieldInOrder() {
        ChatRequest chat = read("{\"max_tokens\":5,\"system\":\"top\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"the prompt\"},"
                + "{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"env 1\",\"cache_control\":{\"type\":\"ephemeral\"}},"
                + "{\"type\":\"text\",\"text\":\"env 2\"}]},"
                + "{\"role\":\"assistant\",\"content\":\"ok\"},"
                + "{\"role\":\"system\",\"content\":\"later\"},"
                + "{\"role\":\"user\",\"content\":\"go on\"}]}").chat();

        // SAI's inputs.system is the leading instructions; inputs.user the last user message.
        assertThat(chat.messages()).containsExactly(
                new ChatMessage(Role.SYSTEM, "top"),
                new ChatMessage(Role.SYSTEM, "env 1\nenv 2"),
                new ChatMessage(Role.SYSTEM, "later"),
                new ChatMessage(Role.USER, "the prompt"),
                new ChatMessage(Role.ASSISTANT, "ok"),
                new ChatMessage(Role.USER, "go on"));
    }

    @Test
    void emptySystemTextAddsNoSystemMessage() {
        ChatRequest chat = read("{\"max_tokens\":5,\"system\":\"\",\"messages\":[{\"role\":\"system\",\"content\":\"\"},"
                + "{\"role\":\"user\",\"content\":\"hi\"}]}").chat();

        assertThat(chat.messages()).containsExactly(new ChatMessage(Role.USER, "hi"));
    }

    @Test
    void toolUseAndToolResultRoundTripIntoTheHistory() {
        ChatRequest chat = read("{\"max_tokens\":5,\"messages\":["
                + "{\"role\":\"user\",\"content\":\"weather in Quito and Lima?\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Checking.\"},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Quito\",\"days\":[1,2]}},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_2\",\"name\":\"get_weather\",\"input\":{}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"21C\","
                + "\"is_error\":false,\"cache_control\":{\"type\":\"ephemeral\"}},"
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_2\",\"content\":[{\"type\":\"text\",\"text\":\"no city\"},"
                + "{\"type\":\"text\",\"text\":\"given\"}],\"is_error\":true},"
                + "{\"type\":\"text\",\"text\":\"and tomorrow?\"}]}]}").chat();

        assertThat(chat.messages()).containsExactly(
                new ChatMessage(Role.USER, "weather in Quito and Lima?"),
                new ChatMessage(Role.ASSISTANT, "Checking.", List.of(
                        new ToolCall("toolu_1", ToolKind.FUNCTION, "get_weather", null, "{\"city\":\"Quito\",\"days\":[1,2]}"),
                        new ToolCall("toolu_2", ToolKind.FUNCTION, "get_weather", null, "{}")), null),
                new ChatMessage(Role.TOOL, "21C", List.of(), "toolu_1"),
                new ChatMessage(Role.TOOL, MessagesRequestReader.TOOL_ERROR_MARKER + "\nno city\ngiven", List.of(), "toolu_2"),
                new ChatMessage(Role.USER, "and tomorrow?"));
    }

    @Test
    void toolOnlyTurnsHaveNoEmptyTextMessages() {
        ChatRequest chat = read("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"run it\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"Bash\",\"input\":{\"command\":\"true\"}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t1\"}]},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t2\",\"name\":\"Bash\",\"input\":{\"command\":\"false\"}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t2\",\"is_error\":true}]}]}").chat();

        assertThat(chat.messages()).containsExactly(
                new ChatMessage(Role.USER, "run it"),
                new ChatMessage(Role.ASSISTANT, "", List.of(new ToolCall("t1", ToolKind.FUNCTION, "Bash", null, "{\"command\":\"true\"}")), null),
                new ChatMessage(Role.TOOL, "", List.of(), "t1"),
                new ChatMessage(Role.ASSISTANT, "", List.of(new ToolCall("t2", ToolKind.FUNCTION, "Bash", null, "{\"command\":\"false\"}")), null),
                new ChatMessage(Role.TOOL, MessagesRequestReader.TOOL_ERROR_MARKER, List.of(), "t2"));
    }

    @Test
    void thinkingAndServerToolBlocksAreSkipped() {
        ChatRequest chat = read("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"search\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"hmm\",\"signature\":\"sig\"},"
                + "{\"type\":\"redacted_thinking\",\"data\":\"xyz\"},"
                + "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{\"query\":\"q\"}},"
                + "{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"srvtoolu_1\",\"content\":[]},"
                + "{\"type\":\"code_execution_tool_result\",\"tool_use_id\":\"srvtoolu_2\",\"content\":{}},"
                + "{\"type\":\"text\",\"text\":\"found\"}]}]}").chat();

        assertThat(chat.messages()).containsExactly(new ChatMessage(Role.USER, "search"), new ChatMessage(Role.ASSISTANT, "found"));
    }

    @Test
    void imagesAndDocumentsAreRefusedNamingTheBlock() {
        assertInvalid("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"look\"},"
                + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"AA==\"}}]}]}",
                ErrorCode.UNSUPPORTED_CONTENT, "messages[0].content[1]");
        assertInvalid("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"document\",\"source\":"
                + "{\"type\":\"text\",\"media_type\":\"text/plain\",\"data\":\"x\"}}]}]}", ErrorCode.UNSUPPORTED_CONTENT, "messages[0].content[0]");
        assertInvalid("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"image\",\"source\":{}}]}]}]}",
                ErrorCode.UNSUPPORTED_CONTENT, "messages[0].content[0].content[1]");
        assertThat(messageKey("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{}}]}]}"))
                .isEqualTo("image_not_supported");
    }

    @Test
    void anUnknownBlockTypeIsRefusedNamingIt() {
        InvalidRequestException e = assertInvalid("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"hologram\"}]}]}", ErrorCode.UNSUPPORTED_CONTENT, "messages[0].content[1].type");
        assertThat(english(e)).contains("'hologram'").contains("messages[0].content[1]");
        assertInvalid("{\"max_tokens\":5,\"system\":[{\"type\":\"tool_use\",\"id\":\"x\"}]," + HI + "}", ErrorCode.UNSUPPORTED_CONTENT,
                "system[0].type");
        assertInvalid("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"a\"}]}]}", ErrorCode.MISSING_PARAMETER,
                "messages[0].content[0].type");
    }

    @Test
    void toolBlocksOnlyStandInTheirOwnRole() {
        InvalidRequestException e = assertInvalid("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{}}]}]}", ErrorCode.INVALID_VALUE, "messages[0].content[0].type");
        assertThat(english(e)).contains("tool_use").contains("'assistant'");
        assertInvalid("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":["
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"t\"}]}]}", ErrorCode.INVALID_VALUE, "messages[1].content[0].type");
        assertInvalid("{\"max_tokens\":5,\"messages\":[{\"role\":\"system\",\"content\":["
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"t\"}]}]}", ErrorCode.INVALID_VALUE, "messages[0].content[0].type");
    }

    @Test
    void toolBlocksNeedTheirFields() {
        String prefix = "{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":[";
        assertInvalid(prefix + "{\"type\":\"tool_use\",\"name\":\"f\",\"input\":{}}]}]}", ErrorCode.MISSING_PARAMETER, "messages[1].content[0].id");
        assertInvalid(prefix + "{\"type\":\"tool_use\",\"id\":\"t\",\"input\":{}}]}]}", ErrorCode.MISSING_PARAMETER, "messages[1].content[0].name");
        assertInvalid(prefix + "{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\"}]}]}", ErrorCode.MISSING_PARAMETER, "messages[1].content[0].input");
        // Claude Code cannot run a call whose input is a string; neither is it history SAI should learn from.
        assertInvalid(prefix + "{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":\"{}\"}]}]}", ErrorCode.INVALID_TYPE,
                "messages[1].content[0].input");
        String user = "{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[";
        assertInvalid(user + "{\"type\":\"tool_result\",\"content\":\"x\"}]}]}", ErrorCode.MISSING_PARAMETER, "messages[0].content[0].tool_use_id");
        assertInvalid(user + "{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":7}]}]}", ErrorCode.INVALID_TYPE,
                "messages[0].content[0].content");
        assertInvalid(user + "{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"is_error\":\"yes\"}]}]}", ErrorCode.INVALID_TYPE,
                "messages[0].content[0].is_error");
        assertInvalid(user + "{\"type\":\"text\"}]}]}", ErrorCode.MISSING_PARAMETER, "messages[0].content[0].text");
        assertInvalid(user + "{\"type\":\"text\",\"text\":3}]}]}", ErrorCode.INVALID_TYPE, "messages[0].content[0].text");
    }

    @Test
    void messagesAndRolesAreChecked() {
        assertInvalid("{\"max_tokens\":5}", ErrorCode.MISSING_PARAMETER, "messages");
        assertInvalid("{\"max_tokens\":5,\"messages\":[]}", ErrorCode.INVALID_VALUE, "messages");
        assertInvalid("{\"max_tokens\":5,\"messages\":{}}", ErrorCode.INVALID_TYPE, "messages");
        assertInvalid("{\"max_tokens\":5,\"messages\":[\"hi\"]}", ErrorCode.INVALID_TYPE, "messages[0]");
        assertInvalid("{\"max_tokens\":5,\"messages\":[{\"content\":\"hi\"}]}", ErrorCode.MISSING_PARAMETER, "messages[0].role");
        InvalidRequestException e = assertInvalid("{\"max_tokens\":5,\"messages\":[{\"role\":\"tool\",\"content\":\"hi\"}]}",
                ErrorCode.INVALID_VALUE, "messages[0].role");
        assertThat(english(e)).contains("'tool'").contains("user, assistant and system");
        assertInvalid("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\"}]}", ErrorCode.MISSING_PARAMETER, "messages[0].content");
        assertInvalid("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[]}]}", ErrorCode.INVALID_VALUE, "messages[0].content");
        assertInvalid("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":5}]}", ErrorCode.INVALID_TYPE, "messages[0].content");
        assertInvalid("[1]", ErrorCode.INVALID_JSON, null);
        assertInvalid("{\"max_tokens\":5," + HI + "} {}", ErrorCode.INVALID_JSON, null);
    }

    @Test
    void systemIsAStringOrTextBlocks() {
        assertInvalid("{\"max_tokens\":5,\"system\":7," + HI + "}", ErrorCode.INVALID_TYPE, "system");
        assertInvalid("{\"max_tokens\":5,\"system\":[\"plain\"]," + HI + "}", ErrorCode.INVALID_TYPE, "system[0]");
        assertInvalid("{\"max_tokens\":5,\"system\":[{\"type\":\"text\"}]," + HI + "}", ErrorCode.MISSING_PARAMETER, "system[0].text");
    }

    @Test
    void clientToolsAreOfferedInTheFunctionShapeAndServerToolsLeftOut() throws IOException {
        ToolRequest tools = read("{\"max_tokens\":5," + HI + ",\"tools\":["
                + "{\"name\":\"get_weather\",\"description\":\"Weather now\",\"input_schema\":{\"type\":\"object\",\"properties\":"
                + "{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]},\"cache_control\":{\"type\":\"ephemeral\"},\"strict\":true},"
                + "{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":2},"
                + "{\"type\":\"bash_20250124\",\"name\":\"bash\"},"
                + "{\"type\":\"text_editor_20250728\",\"name\":\"str_replace_based_edit_tool\"},"
                + "{\"type\":\"mcp_toolset\",\"mcp_server_name\":\"srv\"},"
                + "{\"type\":\"custom\",\"name\":\"lookup\",\"input_schema\":{\"type\":\"object\"},\"defer_loading\":true,"
                + "\"input_examples\":[{\"q\":\"x\"}]}]}").chat().tools();

        assertThat(tools.tools()).extracting(ToolSpec::name).containsExactly("get_weather", "lookup");
        assertThat(tools.tools()).extracting(ToolSpec::kind).containsOnly(ToolKind.FUNCTION);
        assertThat(tools.choice()).isEqualTo(ToolChoice.AUTO);
        assertThat(tools.parallel()).isTrue();
        assertThat(json.writeValueAsString(tools.tools().get(0).wire())).isEqualTo("{\"type\":\"function\",\"function\":{"
                + "\"name\":\"get_weather\",\"description\":\"Weather now\",\"parameters\":{\"type\":\"object\",\"properties\":"
                + "{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}");
        assertThat(json.writeValueAsString(tools.tools().get(1).wire()))
                .isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\"}}}");
    }

    @Test
    void clientToolsAreChecked() {
        String prefix = "{\"max_tokens\":5," + HI + ",\"tools\":";
        assertInvalid(prefix + "{}}", ErrorCode.INVALID_TYPE, "tools");
        assertInvalid(prefix + "[{\"name\":\"f\"}]}", ErrorCode.MISSING_PARAMETER, "tools[0].input_schema");
        assertInvalid(prefix + "[{\"name\":\"f\",\"input_schema\":\"{}\"}]}", ErrorCode.INVALID_TYPE, "tools[0].input_schema");
        assertInvalid(prefix + "[{\"name\":\"bad name\",\"input_schema\":{}}]}", ErrorCode.INVALID_VALUE, "tools[0].name");
        assertInvalid(prefix + "[{\"input_schema\":{}}]}", ErrorCode.MISSING_PARAMETER, "tools[0].name");
        assertInvalid(prefix + "[{\"name\":\"f\",\"description\":1,\"input_schema\":{}}]}", ErrorCode.INVALID_TYPE, "tools[0].description");
        assertInvalid(prefix + "[{\"name\":\"f\",\"input_schema\":{}},{\"name\":\"f\",\"input_schema\":{}}]}", ErrorCode.INVALID_VALUE,
                "tools[1].name");
        // A server tool's name is taken even though SAI is not offered the tool.
        assertInvalid(prefix + "[{\"type\":\"bash_20250124\",\"name\":\"bash\"},{\"name\":\"bash\",\"input_schema\":{}}]}",
                ErrorCode.INVALID_VALUE, "tools[1].name");
        assertInvalid(prefix + "[{\"type\":7,\"name\":\"f\",\"input_schema\":{}}]}", ErrorCode.INVALID_TYPE, "tools[0].type");
    }

    @Test
    void eachToolChoiceMode() {
        String tools = ",\"tools\":[{\"name\":\"a\",\"input_schema\":{}},{\"name\":\"b\",\"input_schema\":{}}]";

        assertThat(toolsOf(tools + ",\"tool_choice\":{\"type\":\"auto\"}").choice()).isEqualTo(ToolChoice.AUTO);
        assertThat(toolsOf(tools + ",\"tool_choice\":{\"type\":\"any\"}").choice()).isEqualTo(ToolChoice.REQUIRED);
        assertThat(toolsOf(tools + ",\"tool_choice\":{\"type\":\"none\"}").choice()).isEqualTo(ToolChoice.NONE);
        ToolRequest forced = toolsOf(tools + ",\"tool_choice\":{\"type\":\"tool\",\"name\":\"b\"}");
        assertThat(forced.choice()).isEqualTo(ToolChoice.forced("b"));
        assertThat(forced.offered()).extracting(ToolSpec::name).containsExactly("b");
        assertThat(toolsOf(tools + ",\"tool_choice\":null").choice()).isEqualTo(ToolChoice.AUTO);
    }

    @Test
    void disableParallelToolUseAllowsOneCall() {
        String tools = ",\"tools\":[{\"name\":\"a\",\"input_schema\":{}}]";

        assertThat(toolsOf(tools + ",\"tool_choice\":{\"type\":\"auto\",\"disable_parallel_tool_use\":true}").parallel()).isFalse();
        assertThat(toolsOf(tools + ",\"tool_choice\":{\"type\":\"any\",\"disable_parallel_tool_use\":true}").parallel()).isFalse();
        assertThat(toolsOf(tools + ",\"tool_choice\":{\"type\":\"tool\",\"name\":\"a\",\"disable_parallel_tool_use\":false}").parallel()).isTrue();
        assertThat(toolsOf(tools + ",\"tool_choice\":{\"type\":\"any\"}").parallel()).isTrue();
    }

    @Test
    void badToolChoicesAreRefused() {
        String tools = ",\"tools\":[{\"name\":\"a\",\"input_schema\":{}},{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]";

        for (String choice : List.of("\"auto\"", "{}", "{\"type\":\"required\"}", "{\"type\":1}", "[]")) {
            assertThat(toolsError(tools + ",\"tool_choice\":" + choice)).isEqualTo("tool_choice");
        }
        assertThat(toolsError(tools + ",\"tool_choice\":{\"type\":\"tool\",\"name\":\"zzz\"}")).isEqualTo("tool_choice");
        assertThat(toolsError(tools + ",\"tool_choice\":{\"type\":\"tool\"}")).isEqualTo("tool_choice.name");
        assertThat(toolsError(tools + ",\"tool_choice\":{\"type\":\"any\",\"disable_parallel_tool_use\":\"yes\"}"))
                .isEqualTo("tool_choice.disable_parallel_tool_use");
        InvalidRequestException server = assertInvalid("{\"max_tokens\":5," + HI + tools
                + ",\"tool_choice\":{\"type\":\"tool\",\"name\":\"web_search\"}}", ErrorCode.INVALID_VALUE, "tool_choice.name");
        assertThat(english(server)).contains("'web_search'").contains("Anthropic");
        // Only server tools: nothing SAI could be required to call.
        assertInvalid("{\"max_tokens\":5," + HI + ",\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}],"
                + "\"tool_choice\":{\"type\":\"any\"}}", ErrorCode.INVALID_VALUE, "tool_choice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\"max_tokens\":null,", "\"max_tokens\":0,", "\"max_tokens\":-1,", "\"max_tokens\":1.5,",
            "\"max_tokens\":\"x\",", "\"max_tokens\":true,", "\"max_tokens\":1e12,"})
    void maxTokensMustBeAPositiveCountToCreate(String maxTokens) {
        String body = "{" + maxTokens + HI + "}";

        assertThatThrownBy(() -> read(body)).isInstanceOfSatisfying(InvalidRequestException.class,
                e -> assertThat(e.param()).isEqualTo("max_tokens"));
        MessagesRequest counted = reader.readForCount(body.getBytes(StandardCharsets.UTF_8));
        assertThat(counted.maxTokens()).isZero();
        assertThat(counted.chat().messages()).containsExactly(new ChatMessage(Role.USER, "hi"));
    }

    @Test
    void maxTokensWrittenAsAWholeDecimalIsACount() {
        assertThat(read("{\"max_tokens\":2.0," + HI + "}").maxTokens()).isEqualTo(2);
        assertThat(read("{\"max_tokens\":1," + HI + "}").maxTokens()).isEqualTo(1);
    }

    @Test
    void countTokensIgnoresStream() {
        MessagesRequest counted = reader.readForCount(("{\"stream\":\"yes\"," + HI
                + ",\"tools\":[{\"name\":\"a\",\"input_schema\":{}}]}").getBytes(StandardCharsets.UTF_8));

        assertThat(counted.chat().stream()).isFalse();
        assertThat(counted.chat().tools().tools()).hasSize(1);
    }

    @Test
    void samplingParametersAreRangeChecked() {
        assertInvalid("{\"max_tokens\":5,\"temperature\":1.5," + HI + "}", ErrorCode.INVALID_VALUE, "temperature");
        assertInvalid("{\"max_tokens\":5,\"temperature\":\"hot\"," + HI + "}", ErrorCode.INVALID_TYPE, "temperature");
        assertInvalid("{\"max_tokens\":5,\"top_p\":-0.1," + HI + "}", ErrorCode.INVALID_VALUE, "top_p");
        assertInvalid("{\"max_tokens\":5,\"top_k\":-1," + HI + "}", ErrorCode.INVALID_VALUE, "top_k");
        assertInvalid("{\"max_tokens\":5,\"top_k\":2.5," + HI + "}", ErrorCode.INVALID_TYPE, "top_k");
        assertInvalid("{\"max_tokens\":5,\"stream\":\"true\"," + HI + "}", ErrorCode.INVALID_TYPE, "stream");
        assertInvalid("{\"max_tokens\":5,\"metadata\":\"u\"," + HI + "}", ErrorCode.INVALID_TYPE, "metadata");
        assertInvalid("{\"max_tokens\":5,\"metadata\":{\"user_id\":5}," + HI + "}", ErrorCode.INVALID_TYPE, "metadata.user_id");
        read("{\"max_tokens\":5,\"temperature\":1,\"top_p\":0.9,\"top_k\":40,\"metadata\":{}," + HI + "}");
    }

    @Test
    void stopSequencesAreKeptInOrder() {
        assertThat(read("{\"max_tokens\":5,\"stop_sequences\":[\"\\n\\nHuman:\",\"END\"]," + HI + "}").stopSequences())
                .containsExactly("\n\nHuman:", "END");
        assertInvalid("{\"max_tokens\":5,\"stop_sequences\":\"END\"," + HI + "}", ErrorCode.INVALID_TYPE, "stop_sequences");
        assertInvalid("{\"max_tokens\":5,\"stop_sequences\":[\"a\",1]," + HI + "}", ErrorCode.INVALID_TYPE, "stop_sequences[1]");
    }

    @Test
    void unknownFieldsAreTolerated() {
        MessagesRequest request = read("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"x\":1}],"
                + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},\"context_management\":{\"edits\":[]},"
                + "\"output_config\":{\"effort\":\"high\"},\"container\":\"c\",\"mcp_servers\":[],\"service_tier\":\"auto\","
                + "\"anything_new\":{\"a\":[1]}}");

        assertThat(request.chat().messages()).containsExactly(new ChatMessage(Role.USER, "hi"));
    }

    @Test
    void aClaudeCodeShapedBodyIsRead() {
        MessagesRequest request = read(claudeCodeBody());
        ChatRequest chat = request.chat();

        assertThat(request.maxTokens()).isEqualTo(32000);
        assertThat(chat.stream()).isTrue();
        assertThat(chat.model()).isEqualTo("sai-model");
        assertThat(chat.tools().tools()).hasSize(12);
        // The billing attribution block is dropped; the system-role message follows the system field.
        assertThat(chat.messages()).extracting(ChatMessage::role).containsExactly(Role.SYSTEM, Role.SYSTEM, Role.SYSTEM, Role.USER);
        assertThat(chat.messages()).extracting(ChatMessage::content).noneMatch(c -> c.contains("billing"));
        assertThat(chat.messages().get(0).content()).isEqualTo("You are Claude Code.");
        assertThat(chat.messages().get(2).content()).isEqualTo("Environment: linux");
        assertThat(chat.messages().get(3).content()).endsWith("list the files");
    }

    @Test
    void everyNewMessageReadsInBothLanguages() {
        List<String> bodies = List.of(
                "{\"max_tokens\":5,\"messages\":[{\"role\":\"tool\",\"content\":\"hi\"}]}",
                "{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"hologram\"}]}]}",
                "{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{}}]}]}",
                "{\"max_tokens\":5," + HI + ",\"tools\":[{\"name\":\"a\",\"input_schema\":{}}],\"tool_choice\":{\"type\":\"required\"}}",
                "{\"max_tokens\":5," + HI + ",\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}],"
                        + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"web_search\"}}");
        List<String> keys = new ArrayList<>();
        for (String body : bodies) {
            InvalidRequestException e = catchInvalid(body);
            keys.add(e.messageKey());
            for (Locale locale : List.of(Locale.ENGLISH, Locale.forLanguageTag("es"))) {
                String text = errorMessages.format(e.messageKey(), locale, e.args());
                // A missing key falls back to internal_error's text; a wrong argument count leaves a placeholder or throws.
                assertThat(text).doesNotContain("%s").isNotEqualTo(errorMessages.format("internal_error", locale));
            }
        }
        assertThat(keys).containsExactly("invalid_messages_role", "unsupported_block", "block_wrong_role",
                "invalid_messages_tool_choice", "tool_choice_server_tool");
        assertThat(errorMessages.format("unsupported_block", Locale.forLanguageTag("es"), "x", "y", "z")).startsWith("Tipo de bloque");
    }

    private static String claudeCodeBody() {
        String schema = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\",\"properties\":"
                + "{\"command\":{\"type\":\"string\"}},\"required\":[\"command\"],\"additionalProperties\":false}";
        List<String> names = List.of("Agent", "Bash", "Edit", "ListAgents", "Read", "ReportFindings", "ScheduleWakeup", "Skill",
                "ToolSearch", "Workflow", "DeferredToolPlaceholder", "Write");
        String tools = IntStream.range(0, names.size()).mapToObj(i -> "{\"name\":\"" + names.get(i) + "\",\"description\":\"tool " + i
                        + "\",\"input_schema\":" + schema + (names.get(i).equals("DeferredToolPlaceholder") ? ",\"defer_loading\":true" : "") + "}")
                .collect(Collectors.joining(","));
        return "{\"model\":\"sai-model\",\"messages\":["
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"<system-reminder>a</system-reminder>\"},"
                + "{\"type\":\"text\",\"text\":\"<system-reminder>b</system-reminder>\"},"
                + "{\"type\":\"text\",\"text\":\"list the files\",\"cache_control\":{\"type\":\"ephemeral\"}}]},"
                + "{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"Environment: linux\",\"cache_control\":{\"type\":\"ephemeral\"}}]}],"
                + "\"system\":[{\"type\":\"text\",\"text\":\"x-anthropic-billing-header: cc_version=2.1.332; cc_entrypoint=sdk-cli\"},"
                + "{\"type\":\"text\",\"text\":\"You are Claude Code.\",\"cache_control\":{\"type\":\"ephemeral\"}},"
                + "{\"type\":\"text\",\"text\":\"Long instructions.\",\"cache_control\":{\"type\":\"ephemeral\"}}],"
                + "\"tools\":[" + tools + "],"
                + "\"metadata\":{\"user_id\":\"{\\\"device_id\\\":\\\"d\\\",\\\"session_id\\\":\\\"s\\\"}\"},"
                + "\"max_tokens\":32000,\"thinking\":{\"type\":\"adaptive\",\"display\":\"omitted\"},"
                + "\"context_management\":{\"edits\":[{\"type\":\"clear_thinking_20251015\",\"keep\":\"all\"}]},"
                + "\"output_config\":{\"effort\":\"high\"},\"stream\":true}";
    }

    private ToolRequest toolsOf(String toolFields) {
        return read("{\"max_tokens\":5," + HI + toolFields + "}").chat().tools();
    }

    private String toolsError(String toolFields) {
        return catchInvalid("{\"max_tokens\":5," + HI + toolFields + "}").param();
    }

    private InvalidRequestException assertInvalid(String body, ErrorCode code, String param) {
        InvalidRequestException e = catchInvalid(body);
        assertThat(e.code()).as(body).isEqualTo(code);
        assertThat(e.param()).as(body).isEqualTo(param);
        return e;
    }

    private String messageKey(String body) {
        return catchInvalid(body).messageKey();
    }

    private InvalidRequestException catchInvalid(String body) {
        try {
            read(body);
        } catch (InvalidRequestException e) {
            return e;
        }
        throw new AssertionError("accepted: " + body);
    }

    private String english(InvalidRequestException e) {
        return errorMessages.format(e.messageKey(), Locale.ENGLISH, e.args());
    }

    private MessagesRequest read(String body) {
        return reader.read(body.getBytes(StandardCharsets.UTF_8));
    }
}
