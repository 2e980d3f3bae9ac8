package sai.gateway.tools;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import sai.gateway.conversation.ToolChoice;
import sai.gateway.conversation.ToolKind;
import sai.gateway.conversation.ToolRequest;
import sai.gateway.conversation.ToolSpec;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;
import sai.gateway.json.JsonFields;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tool fields of an Anthropic Messages request: {@code tools} and {@code tool_choice}. A client tool
 * (no {@code type}, or {@code custom}) is offered to SAI in the chat-completions function shape its tool
 * templates know. Every other {@code type} (web_search_20250305, bash_20250124, text_editor_..., mcp_toolset,
 * ...) names an Anthropic-defined tool whose schema is implied by its type and which SAI does not know: it is
 * accepted and left out, as the Responses API's hosted tools are, so clients that always send some keep working.
 * Its name is still taken, though: a client tool may not reuse it, and {@code tool_choice} may not force it.
 */
public final class MessagesToolsReader {

    private static final String CUSTOM = "custom";

    private MessagesToolsReader() {
    }

    public static ToolRequest read(JsonNode root) {
        List<JsonNode> node = JsonFields.optionalArray(root, "tools", "tools");
        List<ToolSpec> tools = new ArrayList<>();
        Set<String> serverTools = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            tool(node.get(i), "tools[" + i + "]", tools, serverTools);
        }
        return choice(root.get("tool_choice"), tools, serverTools);
    }

    private static void tool(JsonNode tool, String path, List<ToolSpec> tools, Set<String> serverTools) {
        JsonFields.requireObject(tool, path);
        String type = JsonFields.optionalString(tool, "type", path + ".type");
        if (type != null && !type.equals(CUSTOM)) {
            String name = JsonFields.optionalString(tool, "name", path + ".name");
            if (name != null) {
                ToolNames.requireUnique(tools, name, path + ".name");
                serverTools.add(name);
            }
            return;
        }
        String name = ToolNames.require(tool, "name", path + ".name");
        ToolNames.requireUnique(tools, name, path + ".name");
        if (serverTools.contains(name)) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "duplicate_tool_name", path + ".name", path + ".name", name);
        }
        String description = ToolNames.description(tool, path + ".description");
        JsonNode schema = ToolNames.parameters(tool, "input_schema", path + ".input_schema");
        if (schema == null) {
            throw new InvalidRequestException(ErrorCode.MISSING_PARAMETER, path + ".input_schema", path + ".input_schema");
        }
        Map<String, JsonNode> function = new LinkedHashMap<>();
        function.put("name", JsonNode.createStringNode(name));
        if (description != null) {
            function.put("description", JsonNode.createStringNode(description));
        }
        function.put("parameters", schema);
        // SAI's inputs.tools holds OpenAI function tools (CONTRACT.md), whatever API the client spoke.
        Map<String, JsonNode> wire = new LinkedHashMap<>();
        wire.put("type", JsonNode.createStringNode("function"));
        wire.put("function", JsonNode.createObjectNode(function));
        tools.add(new ToolSpec(ToolKind.FUNCTION, name, null, name, JsonNode.createObjectNode(wire)));
    }

    private static ToolRequest choice(@Nullable JsonNode node, List<ToolSpec> tools, Set<String> serverTools) {
        if (node == null || node.isNull()) {
            return new ToolRequest(tools, ToolChoice.AUTO, true);
        }
        JsonNode type = node.isObject() ? node.get("type") : null;
        if (type == null || !type.isString()) {
            throw invalidChoice();
        }
        ToolChoice choice = switch (type.getStringValue()) {
            case "auto" -> ToolChoice.AUTO;
            case "any" -> ToolChoice.REQUIRED;
            case "none" -> ToolChoice.NONE;
            case "tool" -> forced(ToolNames.requireCalled(node, "name", "tool_choice.name"), serverTools);
            default -> throw invalidChoice();
        };
        boolean serial = JsonFields.optionalBoolean(node.get("disable_parallel_tool_use"), "tool_choice.disable_parallel_tool_use");
        return new ToolRequest(tools, ChatToolsReader.checkedAgainst(choice, tools, "tool_choice"), !serial);
    }

    private static ToolChoice forced(String name, Set<String> serverTools) {
        if (serverTools.contains(name)) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "tool_choice_server_tool", "tool_choice.name",
                    "tool_choice.name", JsonFields.printable(name));
        }
        return ToolChoice.forced(name);
    }

    private static InvalidRequestException invalidChoice() {
        return InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "invalid_messages_tool_choice", "tool_choice", "tool_choice");
    }
}
