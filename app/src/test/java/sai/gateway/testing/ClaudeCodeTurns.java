package sai.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Request bodies and headers shaped as Claude Code 2.1.332 sends them with {@code ANTHROPIC_MODEL=sai-model} and
 * {@code ANTHROPIC_AUTH_TOKEN} (shared/clients/CLAUDE_CODE.md): the same field order, block structure, sizes and
 * {@code cache_control} placement, built from the texts under {@code src/test/resources/claude-code/}. The texts are
 * our own; only their shape follows Claude Code.
 */
public final class ClaudeCodeTurns {

    public static final String MODEL = "sai-model";
    public static final String SESSION_ID = "5b0e7c1a-93d2-4f6e-8a47-1d9c3e2b6f08";
    public static final String VERSION = "2.1.332";
    public static final String TOOL_OUTPUT = "(Bash completed with no output)";
    public static final List<String> TOOL_NAMES = List.of("Agent", "Bash", "Edit", "ListAgents", "Read", "ReportFindings",
            "ScheduleWakeup", "Skill", "ToolSearch", "Workflow", "DeferredToolPlaceholder", "Write");
    /** With an unrecognised model name Claude Code adds the last three betas; count_tokens sends its own list. */
    public static final String BETAS = "claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27,"
            + "mid-conversation-tool-changes-2026-07-01,thinking-token-count-2026-05-13,advanced-tool-use-2025-11-20,"
            + "effort-2025-11-24,thinking-display-updates-2026-08-18";
    public static final String COUNT_BETAS = "claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27,"
            + "token-counting-2024-11-01";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String DIR = "claude-code/";

    public static final String BILLING_HEADER = text("billing-header.txt");
    public static final String IDENTITY = text("identity.txt");
    public static final String INSTRUCTIONS = text("instructions.md");
    public static final String REMINDER_SKILLS = text("reminder-skills.txt");
    public static final String REMINDER_CONTEXT = text("reminder-context.txt");
    public static final String PROMPT = text("prompt.txt");
    /** The {@code role:"system"} message's two text blocks: environment facts, then deferred tools, hooks and rules. */
    public static final String ENVIRONMENT = text("environment.md");
    public static final String ENVIRONMENT_TOOLS = text("environment-tools.md");

    private ClaudeCodeTurns() {
    }

    /** The first request of {@code claude -p PROMPT}: one user message of three text blocks, then the system-role message. */
    public static ObjectNode turn1() {
        ArrayNode messages = NODES.arrayNode();
        messages.add(firstUserMessage());
        messages.add(message("system", NODES.arrayNode()
                .add(cachedText(ENVIRONMENT))
                .add(cachedText(ENVIRONMENT_TOOLS))));
        return body(messages, true);
    }

    /**
     * The request after the Bash call was run: the earlier messages again (the system-role message now a plain string, as
     * Claude Code resends it), the assistant message with only the {@code tool_use} block as the gateway answered it, and
     * the user's {@code tool_result} with string content.
     */
    public static ObjectNode turn2(String toolUseId, JsonNode input, boolean stream) {
        ArrayNode messages = NODES.arrayNode();
        messages.add(firstUserMessage());
        messages.add(message("system", NODES.textNode(ENVIRONMENT + "\n" + ENVIRONMENT_TOOLS)));
        ObjectNode use = NODES.objectNode().put("type", "tool_use").put("id", toolUseId).put("name", "Bash");
        use.set("input", input);
        messages.add(message("assistant", NODES.arrayNode().add(use)));
        ObjectNode result = NODES.objectNode().put("type", "tool_result").put("tool_use_id", toolUseId)
                .put("content", TOOL_OUTPUT).put("is_error", false);
        result.set("cache_control", ephemeral());
        messages.add(message("user", NODES.arrayNode().add(result)));
        return body(messages, stream);
    }

    /** One of {@code /context}'s count_tokens bodies: model, one string-content user message, no tools; no system field. */
    public static ObjectNode countTokens(String userText) {
        ObjectNode body = NODES.objectNode().put("model", MODEL);
        body.set("messages", NODES.arrayNode().add(message("user", NODES.textNode(userText))));
        body.set("tools", NODES.arrayNode());
        return body;
    }

    /** The tools exactly as the fixture holds them. */
    public static ArrayNode tools() {
        return (ArrayNode) parse(text("tools.json"));
    }

    /**
     * Claude Code's headers for a request, as name/value pairs, with the token as {@code ANTHROPIC_AUTH_TOKEN} sends it.
     * Not {@code connection: keep-alive}: Java's HTTP client does not let a caller set it, and HTTP/1.1 keeps alive anyway.
     */
    public static String[] headers(String token, boolean stream, String betas) {
        return new String[] {
            "accept", "application/json",
            "anthropic-beta", betas,
            "anthropic-dangerous-direct-browser-access", "true",
            "anthropic-version", "2023-06-01",
            "authorization", "Bearer " + token,
            "content-type", "application/json",
            "user-agent", "claude-cli/" + VERSION + " (external, sdk-cli)",
            "x-app", "cli",
            "x-claude-code-session-id", SESSION_ID,
            "x-stainless-arch", "x64",
            "x-stainless-lang", "js",
            "x-stainless-os", "Linux",
            "x-stainless-package-version", "0.74.0",
            "x-stainless-retry-count", "0",
            "x-stainless-runtime", "node",
            "x-stainless-runtime-version", "v26.12.1",
            "x-stainless-timeout", stream ? "600" : "300",
            "accept-encoding", "gzip, deflate, br, zstd",
        };
    }

    public static byte[] bytes(JsonNode body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode body(ArrayNode messages, boolean stream) {
        ObjectNode body = NODES.objectNode().put("model", MODEL);
        body.set("messages", messages);
        body.set("system", NODES.arrayNode()
                .add(NODES.objectNode().put("type", "text").put("text", BILLING_HEADER))
                .add(cachedText(IDENTITY))
                .add(cachedText(INSTRUCTIONS)));
        body.set("tools", tools());
        ObjectNode userId = NODES.objectNode()
                .put("device_id", "9c41d0e7a2b85f36c1e9047d8a3b6f2e5d7c0a91b4e8f3d6a2c5b9e0f7d1a4c8")
                .put("account_uuid", "")
                .put("session_id", SESSION_ID);
        body.set("metadata", NODES.objectNode().put("user_id", userId.toString()));
        body.put("max_tokens", 32000);
        body.set("thinking", NODES.objectNode().put("type", "adaptive").put("display", "omitted"));
        body.set("context_management", NODES.objectNode().set("edits",
                NODES.arrayNode().add(NODES.objectNode().put("type", "clear_thinking_20251015").put("keep", "all"))));
        body.set("output_config", NODES.objectNode().put("effort", "high"));
        body.put("stream", stream);
        return body;
    }

    private static ObjectNode firstUserMessage() {
        return message("user", NODES.arrayNode()
                .add(textBlock(REMINDER_SKILLS))
                .add(textBlock(REMINDER_CONTEXT))
                .add(textBlock(PROMPT)));
    }

    private static ObjectNode message(String role, JsonNode content) {
        ObjectNode message = NODES.objectNode().put("role", role);
        message.set("content", content);
        return message;
    }

    private static ObjectNode textBlock(String text) {
        return NODES.objectNode().put("type", "text").put("text", text);
    }

    private static ObjectNode cachedText(String text) {
        ObjectNode block = textBlock(text);
        block.set("cache_control", ephemeral());
        return block;
    }

    private static ObjectNode ephemeral() {
        return NODES.objectNode().put("type", "ephemeral");
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fixture file's text; the editor's final newline is not part of it. */
    private static String text(String name) {
        try (InputStream in = ClaudeCodeTurns.class.getClassLoader().getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + DIR + name);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
