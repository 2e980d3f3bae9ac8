package sai.gateway.tools;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import sai.gateway.observe.RequestLog;
import sai.gateway.conversation.ChatMessage;
import sai.gateway.conversation.ChatRequest;
import sai.gateway.conversation.ToolChoice;
import sai.gateway.conversation.ToolRequest;
import sai.gateway.conversation.ToolSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What SAI needs to act as a model that calls tools: the offered tools as {@code inputs.tools}, an
 * instruction appended to the system prompt that says how to answer with a call (our resource
 * {@value #RESOURCE}, or the file {@code SAI_TOOL_PROMPT_FILE} names), and the history's calls and
 * results written out as text ({@link ToolHistory}).
 *
 * <p>The instruction's placeholders: {@code {{tools}}} (the offered tools, the same JSON as
 * {@code inputs.tools}, so templates that ignore that input still see them), {@code {{tool_choice}}}
 * and {@code {{parallel_tool_calls}}} (one sentence each, from the request's settings).
 * Loaded at startup, so a wrong path stops the gateway instead of failing requests.
 */
@Context
public class ToolPrompt {

    public static final String RESOURCE = "prompts/tool-calling.md";

    private final JsonMapper json;
    private final String template;

    public ToolPrompt(JsonMapper json, @Value("${tools.prompt-file:}") String promptFile) {
        this.json = json;
        this.template = promptFile == null || promptFile.isBlank() ? resource() : file(promptFile.trim());
    }

    /** The SAI-side form of a request's tools and history; {@code instruction} and {@code toolsJson} are null when no tool is offered. */
    public record Prompted(List<ChatMessage> messages, @Nullable String instruction, @Nullable String toolsJson) {
    }

    public Prompted apply(RequestLog log, ChatRequest request) {
        List<ChatMessage> messages = ToolHistory.render(request.messages(), json);
        ToolRequest tools = request.tools();
        List<ToolSpec> offered = tools.offered();
        if (offered.isEmpty()) {
            if (!tools.tools().isEmpty()) {
                log.info("[TOOLS] {} tool(s) defined, none offered (tool_choice={})", tools.tools().size(), tools.choice().describe());
            }
            return new Prompted(messages, null, null);
        }
        String toolsJson = write(JsonNode.createArrayNode(offered.stream().map(ToolSpec::wire).toList()));
        String instruction = template
                .replace("{{tools}}", toolsJson)
                .replace("{{tool_choice}}", choiceRule(tools.choice()))
                .replace("{{parallel_tool_calls}}", tools.parallel()
                        ? "You may call several tools at once by putting several entries in \"tool_calls\"."
                        : "Call at most one tool per answer: \"tool_calls\" holds a single entry.")
                .strip();
        log.info("[TOOLS] offered {} tool(s) | tool_choice={} | parallel={}", offered.size(), tools.choice().describe(), tools.parallel());
        return new Prompted(messages, instruction, toolsJson);
    }

    private static String choiceRule(ToolChoice choice) {
        if (choice.forcedName() != null) {
            return "You must call the tool \"" + choice.forcedName() + "\" now: answer only with the tool_calls JSON.";
        }
        if (choice.mode() == ToolChoice.Mode.REQUIRED) {
            return "You must call at least one tool now: answer only with the tool_calls JSON.";
        }
        return "Call a tool only when you need one. When you do not, answer the user normally, in plain text, without any tool_calls JSON.";
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resource() {
        try (InputStream in = ToolPrompt.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String file(String path) {
        String text;
        try {
            text = Files.readString(Path.of(path), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new ConfigurationException("SAI_TOOL_PROMPT_FILE=" + path + " cannot be read (" + e.getClass().getSimpleName()
                    + "): point it to a readable UTF-8 text file, or unset it to use the built-in tool instruction");
        }
        if (text.isBlank()) {
            throw new ConfigurationException("SAI_TOOL_PROMPT_FILE=" + path + " is empty: the tool instruction would tell the model nothing");
        }
        return text;
    }
}
