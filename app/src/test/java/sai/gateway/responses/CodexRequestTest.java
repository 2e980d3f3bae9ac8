package sai.gateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.ResponseEvents;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two turns shaped as Codex CLI sends them (shared/clients/CODEX.md): developer instructions and
 * environment context as {@code input_text} parts, function tools plus a {@code namespace} and a
 * {@code web_search} tool, {@code stream}, {@code store: false}, {@code include}, {@code reasoning},
 * {@code prompt_cache_key}, {@code client_metadata} and Codex's own headers, behind a gateway access key.
 */
@MicronautTest
class CodexRequestTest extends SaiFakeTest {

    private static final String ACCESS_KEY = "gw-codex-7c1d";
    private static final String LONG_INSTRUCTIONS = "You are Codex, a coding agent. ".repeat(550);

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("secrets.gateway-api-keys", ACCESS_KEY);
    }

    private static final String TOOLS = """
            [{"type": "function", "name": "exec_command", "description": "Runs a command in a PTY.", "strict": false,
              "parameters": {"type": "object", "properties": {"cmd": {"type": "string"}, "workdir": {"type": "string"},
                             "yield_time_ms": {"type": "number"}}, "required": ["cmd"], "additionalProperties": false}},
             {"type": "function", "name": "write_stdin", "description": "Writes to a running session.", "strict": false,
              "parameters": {"type": "object", "properties": {"session_id": {"type": "number"}, "chars": {"type": "string"}},
                             "required": ["session_id"], "additionalProperties": false}},
             {"type": "function", "name": "view_image", "description": "Attach a local image.", "strict": false,
              "parameters": {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]}},
             {"type": "namespace", "name": "mcp__docs", "description": "Tools of the docs MCP server.",
              "tools": [{"type": "function", "name": "search", "description": "Search the docs.", "strict": false,
                         "parameters": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}}]},
             {"type": "web_search", "external_web_access": false}]""";

    private static ObjectNode turn(String... extraItems) {
        ObjectNode body = (ObjectNode) Json.parse("""
                {"model": "sai-model", "instructions": null,
                 "input": [
                   {"type": "message", "id": "msg_dev_1", "role": "developer", "content": [{"type": "input_text", "text": %s}]},
                   {"type": "message", "id": "msg_dev_2", "role": "developer",
                    "content": [{"type": "input_text", "text": "<permissions instructions>sandbox: workspace-write</permissions instructions>"}]},
                   {"type": "message", "id": "msg_env", "role": "user",
                    "content": [{"type": "input_text", "text": "<environment_context><cwd>/work/repo</cwd><shell>bash</shell></environment_context>"}]},
                   {"type": "message", "id": "msg_user", "role": "user", "content": [{"type": "input_text", "text": "List the files here."}]}
                 ],
                 "tools": %s, "tool_choice": "auto", "parallel_tool_calls": true, "stream": true, "store": false,
                 "include": ["reasoning.encrypted_content"], "reasoning": {"effort": "medium", "summary": "auto"},
                 "text": {"verbosity": "medium"}, "prompt_cache_key": "0199f1c2-thread",
                 "client_metadata": {"originator": "codex_exec", "terminal": "xterm"}}""".formatted(Json.quote(LONG_INSTRUCTIONS), TOOLS));
        ArrayNode input = (ArrayNode) body.path("input");
        for (String item : extraItems) {
            input.add(Json.parse(item));
        }
        return body;
    }

    private ResponseEvents post(ObjectNode body) {
        HttpResponse<String> response = postJson("/v1/responses", body.toString(),
                "Accept", "text/event-stream",
                "Authorization", "Bearer " + ACCESS_KEY,
                "originator", "codex_exec",
                "session-id", "0199f1c2-session",
                "x-codex-turn-metadata", "{\"turn\":1}",
                "version", "0.169.0");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return ResponseEvents.parse(response.body());
    }

    @Test
    void aTurnThatCallsAToolThenTheTurnWithItsOutput() {
        stubAnswer("{\"tool_calls\": [{\"name\": \"exec_command\", \"arguments\": {\"cmd\": \"ls -la\", \"workdir\": \"/work/repo\"}}]}",
                5000, 40, "sai-model");

        ResponseEvents first = post(turn());

        JsonNode call = first.ofType("response.output_item.done").get(0).path("item");
        assertThat(call.path("type").asText()).isEqualTo("function_call");
        assertThat(call.path("name").asText()).isEqualTo("exec_command");
        assertThat(Json.parse(call.path("arguments").asText())).isEqualTo(Json.parse("{\"cmd\": \"ls -la\", \"workdir\": \"/work/repo\"}"));
        assertThat(first.last().path("type").asText()).isEqualTo("response.completed");

        JsonNode body = SaiCalls.body(SaiCalls.single(saiRequests()));
        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), SYSTEM_KEY);
        String system = body.at("/inputs/system").asText();
        assertThat(system).startsWith(LONG_INSTRUCTIONS + "\n\n<permissions instructions>sandbox: workspace-write</permissions instructions>\n\n# Tools");
        List<String> offered = new ArrayList<>();
        Json.parse(body.at("/inputs/tools").asText()).forEach(t -> offered.add(t.at("/function/name").asText()));
        assertThat(offered).containsExactly("exec_command", "write_stdin", "view_image", "mcp__docs__search");
        assertThat(body.at("/inputs/user").asText()).isEqualTo("List the files here.");
        assertThat(body.path("chatMessages")).hasSize(2);

        // Codex runs the command and sends the next turn: the same input plus reasoning, the call and its output.
        sai.resetAll();
        stubAnswer("There are two files: a.txt and b.txt.", 5200, 12, "sai-model");
        ResponseEvents second = post(turn(
                "{\"type\": \"reasoning\", \"id\": \"rs_1\", \"summary\": [], \"encrypted_content\": \"gAAAAABo...\"}",
                "{\"type\": \"function_call\", \"id\": \"" + call.path("id").asText() + "\", \"call_id\": \"" + call.path("call_id").asText()
                        + "\", \"name\": \"exec_command\", \"arguments\": " + Json.quote(call.path("arguments").asText()) + "}",
                "{\"type\": \"function_call_output\", \"call_id\": \"" + call.path("call_id").asText()
                        + "\", \"output\": \"Chunk ID: 1\\nProcess exited with code 0\\nOutput:\\na.txt\\nb.txt\"}"));

        JsonNode message = second.ofType("response.output_item.done").get(0).path("item");
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.at("/content/0/text").asText()).isEqualTo("There are two files: a.txt and b.txt.");
        assertThat(second.last().at("/response/usage/input_tokens").asInt()).isEqualTo(5200);

        JsonNode history = SaiCalls.body(SaiCalls.single(saiRequests())).path("chatMessages");
        assertThat(history).hasSize(4);
        assertThat(history.at("/2/role").asText()).isEqualTo("assistant");
        assertThat(Json.parse(history.at("/2/content").asText())).isEqualTo(Json.parse("""
                {"tool_calls": [{"id": "%s", "name": "exec_command", "arguments": {"cmd": "ls -la", "workdir": "/work/repo"}}]}"""
                .formatted(call.path("call_id").asText())));
        assertThat(history.at("/3/content").asText()).isEqualTo("[tool result for " + call.path("call_id").asText()
                + " (exec_command)]\nChunk ID: 1\nProcess exited with code 0\nOutput:\na.txt\nb.txt");
    }

    @Test
    void aNamespacedToolIsCalledWithItsNamespace() {
        stubAnswer("{\"tool_calls\": [{\"name\": \"mcp__docs__search\", \"arguments\": {\"query\": \"sse\"}}]}", 10, 10, "sai-model");

        JsonNode call = post(turn()).ofType("response.output_item.done").get(0).path("item");

        assertThat(call.path("namespace").asText()).isEqualTo("mcp__docs");
        assertThat(call.path("name").asText()).isEqualTo("search");
    }

    @Test
    void everyApiPathNeedsTheAccessKey() {
        for (String path : List.of("/v1/responses", "/responses", "/v1/completions", "/completions")) {
            OpenAiErrors.assertError(postJson(path, turn().toString()), 401, "invalid_request_error", "invalid_api_key", null);
            OpenAiErrors.assertError(postJson(path, turn().toString(), "Authorization", "Bearer wrong"), 401, "invalid_request_error",
                    "invalid_api_key", null);
        }
        assertThat(saiRequests()).isEmpty();
    }
}
