package sai.gateway.tools;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiFakeTest;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Tool definitions, tool_choice and tool history that OpenAI would refuse: a 400 naming the parameter, and SAI is never called. */
@MicronautTest
class ChatToolValidationTest extends SaiFakeTest {

    private static final String USER = "{\"role\": \"user\", \"content\": \"hi\"}";
    private static final String TOOL = ChatToolCallingTest.WEATHER;

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("\"tools\": {}", "tools", "invalid_type"),
                Arguments.of("\"tools\": [\"get_weather\"]", "tools[0]", "invalid_type"),
                Arguments.of("\"tools\": [{\"function\": {\"name\": \"a\"}}]", "tools[0].type", "missing_required_parameter"),
                Arguments.of("\"tools\": [{\"type\": \"retrieval\"}]", "tools[0].type", "invalid_value"),
                Arguments.of("\"tools\": [{\"type\": \"function\"}]", "tools[0].function", "missing_required_parameter"),
                Arguments.of("\"tools\": [{\"type\": \"function\", \"function\": {\"description\": \"x\"}}]", "tools[0].function.name",
                        "missing_required_parameter"),
                Arguments.of("\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"get weather\"}}]", "tools[0].function.name",
                        "invalid_value"),
                Arguments.of("\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"" + "a".repeat(65) + "\"}}]",
                        "tools[0].function.name", "invalid_value"),
                Arguments.of("\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"a\", \"parameters\": \"{}\"}}]",
                        "tools[0].function.parameters", "invalid_type"),
                Arguments.of("\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"a\", \"description\": 7}}]",
                        "tools[0].function.description", "invalid_type"),
                Arguments.of("\"tools\": [" + TOOL + ", " + TOOL + "]", "tools[1].function.name", "invalid_value"),
                Arguments.of("\"tools\": [" + TOOL + "], \"tool_choice\": \"sometimes\"", "tool_choice", "invalid_value"),
                Arguments.of("\"tools\": [" + TOOL + "], \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"get_time\"}}",
                        "tool_choice", "invalid_value"),
                Arguments.of("\"tools\": [" + TOOL + "], \"tool_choice\": {\"type\": \"function\"}", "tool_choice", "invalid_value"),
                Arguments.of("\"tool_choice\": \"required\"", "tool_choice", "invalid_value"),
                Arguments.of("\"tools\": [" + TOOL + "], \"parallel_tool_calls\": \"yes\"", "parallel_tool_calls", "invalid_type"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("invalid")
    void invalidToolFieldsAreRefused(String fields, String param, String code) {
        OpenAiErrors.assertError(postJson("/v1/chat/completions", "{\"messages\": [" + USER + "], " + fields + "}"),
                400, "invalid_request_error", code, param);
        assertThat(saiRequests()).isEmpty();
    }

    static Stream<Arguments> invalidHistory() {
        return Stream.of(
                Arguments.of("{\"role\": \"assistant\", \"tool_calls\": {}}", "messages[1].tool_calls", "invalid_type"),
                Arguments.of("{\"role\": \"assistant\", \"tool_calls\": [{\"type\": \"function\", \"function\": {\"name\": \"a\", \"arguments\": \"{}\"}}]}",
                        "messages[1].tool_calls[0].id", "missing_required_parameter"),
                Arguments.of("{\"role\": \"assistant\", \"tool_calls\": [{\"id\": \"c\", \"type\": \"function\"}]}",
                        "messages[1].tool_calls[0].function", "missing_required_parameter"),
                Arguments.of("{\"role\": \"assistant\", \"tool_calls\": [{\"id\": \"c\", \"function\": {\"name\": \"a\"}}]}",
                        "messages[1].tool_calls[0].function.arguments", "missing_required_parameter"),
                Arguments.of("{\"role\": \"assistant\", \"tool_calls\": [{\"id\": \"c\", \"function\": {\"name\": \"a\", \"arguments\": {}}}]}",
                        "messages[1].tool_calls[0].function.arguments", "invalid_type"),
                Arguments.of("{\"role\": \"tool\", \"tool_call_id\": 5, \"content\": \"x\"}", "messages[1].tool_call_id", "invalid_type"),
                Arguments.of("{\"role\": \"tool\", \"tool_call_id\": \"c\"}", "messages[1].content", "missing_required_parameter"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("invalidHistory")
    void invalidToolHistoryIsRefused(String message, String param, String code) {
        OpenAiErrors.assertError(postJson("/v1/chat/completions", "{\"messages\": [" + USER + ", " + message + "]}"),
                400, "invalid_request_error", code, param);
        assertThat(saiRequests()).isEmpty();
    }
}
