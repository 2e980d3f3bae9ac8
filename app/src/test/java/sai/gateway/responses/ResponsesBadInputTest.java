package sai.gateway.responses;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Responses API bodies the gateway will not forward: an OpenAI-shaped 400 naming the parameter, and no SAI call. */
@MicronautTest
class ResponsesBadInputTest extends SaiFakeTest {

    private static final String INPUT = "\"input\": \"Hola\"";
    private static final String FUNCTION = "{\"type\": \"function\", \"name\": \"get_weather\"}";

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("[]", null, "invalid_json"),
                Arguments.of("{\"model\": \"sai-model\"}", "input", "missing_required_parameter"),
                Arguments.of("{\"input\": 5}", "input", "invalid_type"),
                Arguments.of("{\"input\": []}", "input", "invalid_value"),
                Arguments.of("{\"input\": [5]}", "input[0]", "invalid_type"),
                Arguments.of("{\"input\": [{\"content\": \"x\"}]}", "input[0].type", "missing_required_parameter"),
                Arguments.of("{\"input\": [{\"type\": \"item_reference\", \"id\": \"msg_1\"}]}", "input[0].type", "invalid_value"),
                Arguments.of("{\"input\": [{\"type\": \"message\", \"content\": \"x\"}]}", "input[0].role", "missing_required_parameter"),
                Arguments.of("{\"input\": [{\"role\": \"tool\", \"content\": \"x\"}]}", "input[0].role", "invalid_value"),
                Arguments.of("{\"input\": [{\"role\": \"user\"}]}", "input[0].content", "missing_required_parameter"),
                Arguments.of("{\"input\": [{\"role\": \"user\", \"content\": [{\"type\": \"input_image\", \"image_url\": \"https://x/y.png\"}]}]}",
                        "input[0].content[0]", "unsupported_content_type"),
                Arguments.of("{\"input\": [{\"type\": \"function_call\", \"name\": \"f\", \"arguments\": \"{}\"}]}", "input[0].call_id",
                        "missing_required_parameter"),
                Arguments.of("{\"input\": [{\"type\": \"function_call\", \"call_id\": \"c\", \"name\": \"f\"}]}", "input[0].arguments",
                        "missing_required_parameter"),
                Arguments.of("{\"input\": [{\"type\": \"function_call\", \"call_id\": \"c\", \"name\": \"f\", \"arguments\": {}}]}",
                        "input[0].arguments", "invalid_type"),
                Arguments.of("{\"input\": [{\"type\": \"function_call_output\", \"call_id\": \"c\"}]}", "input[0].output",
                        "missing_required_parameter"),
                Arguments.of("{\"input\": [{\"type\": \"custom_tool_call\", \"call_id\": \"c\", \"name\": \"p\"}]}", "input[0].input",
                        "missing_required_parameter"),
                Arguments.of("{" + INPUT + ", \"previous_response_id\": \"resp_123\"}", "previous_response_id", "invalid_value"),
                Arguments.of("{" + INPUT + ", \"conversation\": \"conv_123\"}", "conversation", "invalid_value"),
                Arguments.of("{" + INPUT + ", \"background\": true}", "background", "invalid_value"),
                Arguments.of("{" + INPUT + ", \"tools\": {}}", "tools", "invalid_type"),
                Arguments.of("{" + INPUT + ", \"tools\": [{\"name\": \"f\"}]}", "tools[0].type", "missing_required_parameter"),
                Arguments.of("{" + INPUT + ", \"tools\": [{\"type\": \"function\"}]}", "tools[0].name", "missing_required_parameter"),
                Arguments.of("{" + INPUT + ", \"tools\": [{\"type\": \"function\", \"name\": \"get weather\"}]}", "tools[0].name", "invalid_value"),
                Arguments.of("{" + INPUT + ", \"tools\": [{\"type\": \"function\", \"name\": \"f\", \"parameters\": []}]}", "tools[0].parameters",
                        "invalid_type"),
                Arguments.of("{" + INPUT + ", \"tools\": [" + FUNCTION + ", " + FUNCTION + "]}", "tools[1].name", "invalid_value"),
                Arguments.of("{" + INPUT + ", \"tools\": [{\"type\": \"namespace\", \"name\": \"crm\", \"description\": \"d\"}]}", "tools[0].tools",
                        "missing_required_parameter"),
                Arguments.of("{" + INPUT + ", \"tools\": [{\"type\": \"namespace\", \"name\": \"crm\", \"tools\": [{\"type\": \"function\", \"name\": \"a b\"}]}]}",
                        "tools[0].tools[0].name", "invalid_value"),
                Arguments.of("{" + INPUT + ", \"tools\": [" + FUNCTION + "], \"tool_choice\": {\"type\": \"web_search_preview\"}}", "tool_choice",
                        "invalid_value"),
                Arguments.of("{" + INPUT + ", \"tools\": [" + FUNCTION + "], \"tool_choice\": {\"type\": \"function\", \"name\": \"other\"}}",
                        "tool_choice", "invalid_value"),
                Arguments.of("{" + INPUT + ", \"tools\": [{\"type\": \"web_search\"}], \"tool_choice\": \"required\"}", "tool_choice",
                        "invalid_value"),
                Arguments.of("{" + INPUT + ", \"temperature\": 3}", "temperature", "invalid_value"),
                Arguments.of("{" + INPUT + ", \"max_output_tokens\": 0}", "max_output_tokens", "invalid_value"),
                Arguments.of("{" + INPUT + ", \"max_output_tokens\": 2.5}", "max_output_tokens", "invalid_type"),
                Arguments.of("{" + INPUT + ", \"model\": \"sai-model\\u0000\"}", "model", "invalid_value"),
                Arguments.of("{" + INPUT + ", \"litellm_params\": {\"metadata\": {\"user_api_key\": \"usr\\u0085key\"}}}",
                        "litellm_params.metadata.user_api_key", "invalid_user_api_key"),
                Arguments.of("{" + INPUT + ", \"metadata\": {\"n\": 1}}", "metadata.n", "invalid_type"),
                Arguments.of("{" + INPUT + ", \"stream\": \"yes\"}", "stream", "invalid_type"),
                Arguments.of("{" + INPUT + ", \"instructions\": 5}", "instructions", "invalid_type"),
                Arguments.of("{" + INPUT + ", \"parallel_tool_calls\": 1}", "parallel_tool_calls", "invalid_type"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("invalid")
    void isRefusedWithoutCallingSai(String body, String param, String code) {
        OpenAiErrors.assertError(postJson("/v1/responses", body), 400, "invalid_request_error", code, param);
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void previousResponseIdSaysToSendTheWholeInput() {
        HttpResponse<String> response = postJson("/v1/responses", "{" + INPUT + ", \"previous_response_id\": \"resp_1\"}");

        assertThat(OpenAiErrors.assertError(response, 400, "invalid_request_error", "invalid_value", "previous_response_id")
                .path("message").asText())
                .contains("does not store responses").contains("whole conversation in 'input'");
    }

    @Test
    void malformedJsonIsAnOpenAiError() {
        OpenAiErrors.assertError(postJson("/v1/responses", "{\"input\": "), 400, "invalid_request_error", "invalid_json", null);
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void anUnknownModelIsNotFound() {
        OpenAiErrors.assertError(postJson("/v1/responses", "{\"model\": \"gpt-5-codex\", " + INPUT + "}"), 404, "invalid_request_error",
                "model_not_found", "model");
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void messagesFollowAcceptLanguage() {
        HttpResponse<String> response = postJson("/v1/responses", "{" + INPUT + ", \"conversation\": \"c\"}", "Accept-Language", "es");

        assertThat(OpenAiErrors.assertError(response, 400, "invalid_request_error", "invalid_value", "conversation").path("message").asText())
                .contains("no guarda respuestas");
    }
}
