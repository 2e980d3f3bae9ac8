package sai.gateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.OpenApiSchemas;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/responses} without streaming: the input items SAI receives as its template body, and
 * SAI's answer as a {@code response} object with message, function_call and custom_tool_call items.
 */
@MicronautTest
class ResponsesApiTest extends SaiFakeTest {

    static final String WEATHER = """
            {"type": "function", "name": "get_weather", "description": "Current weather in a city",
             "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}, "strict": false}""";
    static final String APPLY_PATCH = """
            {"type": "custom", "name": "apply_patch", "description": "Apply a patch to the working tree"}""";

    private JsonNode response(String path, String body) {
        HttpResponse<String> response = postJson(path, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        OpenApiSchemas.assertValidIfSpecPresent("Response", response.body());
        return Json.parse(response.body());
    }

    private JsonNode saiBody() {
        return SaiCalls.body(SaiCalls.single(saiRequests()));
    }

    @Test
    void aStringInputGetsAMessageItemWithUsage() {
        stubAnswer("Hola, ¿en qué ayudo?", 12, 6, "claude-sonnet-4-5-20250929");

        JsonNode response = response("/v1/responses", """
                {"model": "sai-model", "input": "Hola", "instructions": "Be brief.", "metadata": {"team": "qa"}, "temperature": 0.2}""");

        assertThat(response.path("id").asText()).startsWith("resp_");
        assertThat(response.path("object").asText()).isEqualTo("response");
        assertThat(response.path("status").asText()).isEqualTo("completed");
        assertThat(response.path("model").asText()).isEqualTo("sai-model");
        assertThat(response.path("created_at").asLong()).isPositive();
        assertThat(response.path("completed_at").asLong()).isGreaterThanOrEqualTo(response.path("created_at").asLong());
        assertThat(response.path("error").isNull()).isTrue();
        assertThat(response.path("instructions").asText()).isEqualTo("Be brief.");
        assertThat(response.path("metadata")).isEqualTo(Json.parse("{\"team\": \"qa\"}"));
        assertThat(response.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(response.path("tools")).isEmpty();
        assertThat(response.path("tool_choice").asText()).isEqualTo("auto");
        assertThat(response.path("parallel_tool_calls").asBoolean()).isTrue();
        assertThat(response.path("output")).hasSize(1);
        JsonNode message = response.at("/output/0");
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("id").asText()).startsWith("msg_");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        assertThat(message.path("status").asText()).isEqualTo("completed");
        assertThat(message.path("content")).isEqualTo(Json.parse("""
                [{"type": "output_text", "text": "Hola, ¿en qué ayudo?", "annotations": [], "logprobs": []}]"""));
        assertThat(response.path("usage")).isEqualTo(Json.parse("""
                {"input_tokens": 12, "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                 "output_tokens": 6, "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 18}"""));

        JsonNode body = saiBody();
        long id = body.at("/chatMessages/0/id").asLong();
        assertThat(body).isEqualTo(Json.parse("""
                {"inputs": {"system": "Be brief.", "user": "Hola"},
                 "chatMessages": [{"content": "Hola", "role": "user", "id": %d}]}""".formatted(id)));
        SaiCalls.assertNoModelOverride(SaiCalls.single(saiRequests()));
    }

    @Test
    void theUnversionedPathAndAnotherModelWork() {
        stubAnswer("ok", 1, 1, "claude-sonnet-4-5-20250929");

        JsonNode response = response("/responses", "{\"model\": \"claude-sonnet-4-5-20250929\", \"input\": \"Hola\"}");

        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("ok");
        assertThat(SaiCalls.single(saiRequests()).queryParameter("modelOverride").firstValue()).isEqualTo("claude-sonnet-4-5-20250929");
    }

    @Test
    void inputItemsBecomeTheSystemPromptAndTheHistory() {
        stubAnswer("Done.", 1, 1, "sai-model");

        response("/v1/responses", """
                {"model": "sai-model", "instructions": "Base rules.",
                 "input": [
                   {"type": "message", "id": "msg_dev1", "role": "developer", "content": [{"type": "input_text", "text": "Dev one."}]},
                   {"type": "message", "role": "system", "content": "Sys two."},
                   {"role": "user", "content": [{"type": "input_text", "text": "Env: linux"}, {"type": "input_text", "text": "List files."}]},
                   {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "gAAAA..."},
                   {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Listing.", "annotations": []}]},
                   {"type": "function_call", "id": "fc_1", "call_id": "call_ls", "name": "exec_command", "arguments": "{\\"cmd\\":\\"ls\\"}"},
                   {"type": "function_call_output", "call_id": "call_ls", "output": "a.txt\\nb.txt"},
                   {"type": "message", "role": "developer", "content": "Late rule."},
                   {"role": "user", "content": "Thanks"}
                 ]}""");

        JsonNode body = saiBody();
        assertThat(body.at("/inputs/system").asText()).isEqualTo("Base rules.\n\nDev one.\n\nSys two.");
        assertThat(body.at("/inputs/user").asText()).isEqualTo("Thanks");
        assertThat(body.path("inputs").has("tools")).isFalse();
        assertThat(withoutIds(body.path("chatMessages"))).isEqualTo(Json.parse("""
                [{"content": "Env: linux\\nList files.", "role": "user"},
                 {"content": "Listing.\\n\\n{\\"tool_calls\\":[{\\"id\\":\\"call_ls\\",\\"name\\":\\"exec_command\\",\\"arguments\\":{\\"cmd\\":\\"ls\\"}}]}",
                  "role": "assistant"},
                 {"content": "[tool result for call_ls (exec_command)]\\na.txt\\nb.txt", "role": "tool"},
                 {"content": "Late rule.", "role": "user"},
                 {"content": "Thanks", "role": "user"}]"""));
    }

    @Test
    void customCallsNamespacedCallsAndNonTextOutputsAreKeptInTheHistory() {
        stubAnswer("Done.", 1, 1, "sai-model");

        response("/v1/responses", """
                {"model": "sai-model",
                 "input": [
                   {"role": "user", "content": "Patch it and look up ACME."},
                   {"type": "custom_tool_call", "call_id": "call_p", "name": "apply_patch", "input": "*** Begin Patch\\n*** End Patch"},
                   {"type": "function_call", "call_id": "call_c", "namespace": "crm", "name": "lookup", "arguments": "{\\"q\\":\\"ACME\\"}"},
                   {"type": "custom_tool_call_output", "call_id": "call_p", "output": "Done!"},
                   {"type": "function_call_output", "call_id": "call_c",
                    "output": [{"type": "input_text", "text": "ACME Corp"}, {"type": "input_image", "image_url": "data:image/png;base64,AAAA"}]}
                 ]}""");

        assertThat(withoutIds(saiBody().path("chatMessages"))).isEqualTo(Json.parse("""
                [{"content": "Patch it and look up ACME.", "role": "user"},
                 {"content": "{\\"tool_calls\\":[{\\"id\\":\\"call_p\\",\\"name\\":\\"apply_patch\\",\\"input\\":\\"*** Begin Patch\\\\n*** End Patch\\"},{\\"id\\":\\"call_c\\",\\"name\\":\\"crm__lookup\\",\\"arguments\\":{\\"q\\":\\"ACME\\"}}]}",
                  "role": "assistant"},
                 {"content": "[tool result for call_p (apply_patch)]\\nDone!", "role": "tool"},
                 {"content": "[tool result for call_c (crm__lookup)]\\nACME Corp\\n[input_image omitted: SAI reads text only]", "role": "tool"}]"""));
    }

    @Test
    void aFunctionCallBecomesAFunctionCallItem() {
        stubAnswer("{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Quito\"}}]}", 30, 9, "sai-model");

        JsonNode response = response("/v1/responses", """
                {"model": "sai-model", "input": "Weather in Quito?", "tools": [%s]}""".formatted(WEATHER));

        JsonNode inputs = saiBody().path("inputs");
        assertThat(Json.parse(inputs.path("tools").asText())).isEqualTo(Json.parse("""
                [{"type": "function", "function": {"name": "get_weather", "description": "Current weather in a city",
                  "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]"""));
        assertThat(inputs.path("system").asText()).startsWith("# Tools\n").contains(inputs.path("tools").asText());

        assertThat(response.path("output")).hasSize(1);
        JsonNode call = response.at("/output/0");
        assertThat(call.path("type").asText()).isEqualTo("function_call");
        assertThat(call.path("id").asText()).startsWith("fc_");
        assertThat(call.path("call_id").asText()).startsWith("call_");
        assertThat(call.path("name").asText()).isEqualTo("get_weather");
        assertThat(call.path("status").asText()).isEqualTo("completed");
        assertThat(call.has("namespace")).isFalse();
        assertThat(Json.parse(call.path("arguments").asText())).isEqualTo(Json.parse("{\"city\": \"Quito\"}"));
        assertThat(response.path("tools")).isEqualTo(Json.parse("[" + WEATHER + "]"));
        assertThat(response.path("usage").path("total_tokens").asInt()).isEqualTo(39);
    }

    @Test
    void textAndSeveralCallsGiveOneItemEachInOrder() {
        stubAnswer("""
                Checking both.
                ```json
                {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Quito"}}, {"name": "get_weather", "arguments": {"city": "Lima"}}]}
                ```""", 30, 9, "sai-model");

        JsonNode output = response("/v1/responses", """
                {"model": "sai-model", "input": "Quito and Lima?", "tools": [%s]}""".formatted(WEATHER)).path("output");

        assertThat(output).hasSize(3);
        assertThat(output.at("/0/type").asText()).isEqualTo("message");
        assertThat(output.at("/0/content/0/text").asText()).isEqualTo("Checking both.");
        assertThat(output.at("/1/type").asText()).isEqualTo("function_call");
        assertThat(output.at("/2/type").asText()).isEqualTo("function_call");
        assertThat(output.at("/1/call_id").asText()).isNotEqualTo(output.at("/2/call_id").asText());
        assertThat(output.at("/1/id").asText()).isNotEqualTo(output.at("/2/id").asText());
        assertThat(output.at("/2/arguments").asText()).isEqualTo("{\"city\":\"Lima\"}");
    }

    @Test
    void aCustomToolCallCarriesItsFreeFormInput() {
        String patch = "*** Begin Patch\n*** Update File: a.txt\n@@\n-old\n+new\n*** End Patch";
        stubAnswer("{\"tool_calls\": [{\"name\": \"apply_patch\", \"input\": " + Json.quote(patch) + "}]}", 30, 9, "sai-model");

        JsonNode response = response("/v1/responses", """
                {"model": "sai-model", "input": "Fix a.txt", "tools": [%s, %s]}""".formatted(WEATHER, APPLY_PATCH));

        assertThat(Json.parse(saiBody().at("/inputs/tools").asText()).get(1)).isEqualTo(Json.parse("""
                {"type": "custom", "custom": {"name": "apply_patch", "description": "Apply a patch to the working tree"}}"""));
        JsonNode call = response.at("/output/0");
        assertThat(call.path("type").asText()).isEqualTo("custom_tool_call");
        assertThat(call.path("id").asText()).startsWith("ctc_");
        assertThat(call.path("call_id").asText()).startsWith("call_");
        assertThat(call.path("name").asText()).isEqualTo("apply_patch");
        assertThat(call.path("input").asText()).isEqualTo(patch);
    }

    @Test
    void namespacedToolsAreOfferedFlatAndHostedToolsAreLeftOut() {
        stubAnswer("{\"tool_calls\": [{\"name\": \"crm__lookup\", \"arguments\": {\"q\": \"ACME\"}}]}", 30, 9, "sai-model");

        JsonNode response = response("/v1/responses", """
                {"model": "sai-model", "input": "Who is ACME?",
                 "tools": [{"type": "namespace", "name": "crm", "description": "The CRM",
                            "tools": [{"type": "function", "name": "lookup", "description": "Find a customer",
                                       "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}}]},
                           {"type": "web_search"},
                           {"type": "file_search", "vector_store_ids": ["vs_1"]}]}""");

        assertThat(Json.parse(saiBody().at("/inputs/tools").asText())).isEqualTo(Json.parse("""
                [{"type": "function", "function": {"name": "crm__lookup", "description": "Find a customer",
                  "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}}}]"""));
        JsonNode call = response.at("/output/0");
        assertThat(call.path("type").asText()).isEqualTo("function_call");
        assertThat(call.path("namespace").asText()).isEqualTo("crm");
        assertThat(call.path("name").asText()).isEqualTo("lookup");
        assertThat(response.path("tools")).hasSize(3);
    }

    @Test
    void onlyHostedToolsMeanNoToolsForSai() {
        stubAnswer("I cannot browse.", 3, 3, "sai-model");

        JsonNode response = response("/v1/responses", """
                {"model": "sai-model", "input": "Search the web", "tools": [{"type": "web_search"}]}""");

        assertThat(saiBody().path("inputs").has("tools")).isFalse();
        assertThat(saiBody().at("/inputs/system").asText()).isEmpty();
        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("I cannot browse.");
    }

    @Test
    void toolChoiceAndParallelCallsAreHonouredAndEchoed() {
        stubAnswer("{\"tool_calls\": [{\"name\": \"apply_patch\", \"input\": \"x\"}, {\"name\": \"apply_patch\", \"input\": \"y\"}]}",
                3, 3, "sai-model");

        JsonNode response = response("/v1/responses", """
                {"model": "sai-model", "input": "Patch", "tools": [%s, %s],
                 "tool_choice": {"type": "custom", "name": "apply_patch"}, "parallel_tool_calls": false}""".formatted(WEATHER, APPLY_PATCH));

        assertThat(Json.parse(saiBody().at("/inputs/tools").asText())).hasSize(1);
        assertThat(saiBody().at("/inputs/system").asText()).contains("You must call the tool \"apply_patch\" now")
                .contains("Call at most one tool per answer");
        assertThat(response.path("output")).hasSize(1);
        assertThat(response.at("/output/0/input").asText()).isEqualTo("x");
        assertThat(response.path("tool_choice")).isEqualTo(Json.parse("{\"type\": \"custom\", \"name\": \"apply_patch\"}"));
        assertThat(response.path("parallel_tool_calls").asBoolean()).isFalse();
    }

    @Test
    void brokenToolJsonIsAnOrdinaryMessage() {
        String broken = "{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Quito\"]}";
        stubAnswer(broken, 3, 3, "sai-model");

        JsonNode response = response("/v1/responses", """
                {"model": "sai-model", "input": "Weather?", "tools": [%s]}""".formatted(WEATHER));

        assertThat(response.path("output")).hasSize(1);
        assertThat(response.at("/output/0/type").asText()).isEqualTo("message");
        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo(broken);
    }

    @Test
    void saiFailuresAreOpenAiErrors() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500).withBody("NullPointerException at com.sai.Secret")));

        HttpResponse<String> response = postJson("/v1/responses", "{\"model\": \"sai-model\", \"input\": \"Hola\"}");

        JsonNode error = OpenAiErrors.assertError(response, 502, "server_error", "upstream_error", null);
        assertThat(error.path("message").asText()).doesNotContain("NullPointerException");
    }

    @Test
    void tooLongForTheBudgetIsRefusedBeforeSai() {
        HttpResponse<String> response = postJson("/v1/responses",
                "{\"model\": \"sai-model\", \"input\": " + Json.quote("x".repeat(600_000)) + "}");

        OpenAiErrors.assertError(response, 400, "invalid_request_error", "context_length_exceeded", "messages");
        assertThat(saiRequests()).isEmpty();
    }

    private static JsonNode withoutIds(JsonNode chatMessages) {
        for (JsonNode message : chatMessages) {
            assertThat(message.path("id").isIntegralNumber()).isTrue();
            ((ObjectNode) message).remove("id");
        }
        return chatMessages;
    }
}
