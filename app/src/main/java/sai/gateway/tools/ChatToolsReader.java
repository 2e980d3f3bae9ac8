package sai.gateway.tools;

import sai.gateway.json.JsonFields;

import sai.gateway.conversation.ToolCall;
import sai.gateway.conversation.ToolChoice;
import sai.gateway.conversation.ToolKind;
import sai.gateway.conversation.ToolRequest;
import sai.gateway.conversation.ToolSpec;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;

import java.util.ArrayList;
import java.util.List;

/**
 * The tool fields of a chat completion request: {@code tools} (type {@code function}), {@code tool_choice},
 * {@code parallel_tool_calls}, and the {@code tool_calls} of assistant messages in the history.
 */
public final class ChatToolsReader {

    private static final String FUNCTION = "function";
    private static final String CHOICES = "{\"type\": \"function\", \"function\": {\"name\": \"...\"}}";

    private ChatToolsReader() {
    }

    public static ToolRequest read(JsonNode root) {
        List<ToolSpec> tools = tools(JsonFields.optionalArray(root, "tools", "tools"));
        ToolChoice choice = choice(root.get("tool_choice"), tools);
        return new ToolRequest(tools, choice, ToolNames.parallelToolCalls(root));
    }

    private static List<ToolSpec> tools(List<JsonNode> node) {
        List<ToolSpec> tools = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            tools.add(tool(node.get(i), "tools[" + i + "]", tools));
        }
        return tools;
    }

    private static ToolSpec tool(JsonNode tool, String path, List<ToolSpec> known) {
        JsonFields.requireObject(tool, path);
        String type = JsonFields.optionalString(tool, "type", path + ".type");
        if (type == null) {
            throw new InvalidRequestException(ErrorCode.MISSING_PARAMETER, path + ".type", path + ".type");
        }
        if (!type.equals(FUNCTION)) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "unsupported_tool_type", path + ".type", path + ".type",
                    JsonFields.printable(type), FUNCTION);
        }
        JsonNode function = tool.get(FUNCTION);
        if (function == null || function.isNull()) {
            throw new InvalidRequestException(ErrorCode.MISSING_PARAMETER, path + ".function", path + ".function");
        }
        JsonFields.requireObject(function, path + ".function");
        String name = ToolNames.require(function, "name", path + ".function.name");
        ToolNames.description(function, path + ".function.description");
        ToolNames.parameters(function, "parameters", path + ".function.parameters");
        ToolNames.requireUnique(known, name, path + ".function.name");
        // SAI receives the client's definition as sent (CONTRACT.md: the client's tools array).
        return new ToolSpec(ToolKind.FUNCTION, name, null, name, tool);
    }

    private static ToolChoice choice(@Nullable JsonNode node, List<ToolSpec> tools) {
        if (node == null || node.isNull()) {
            return ToolChoice.AUTO;
        }
        ToolChoice choice;
        if (node.isString()) {
            choice = switch (node.getStringValue()) {
                case "none" -> ToolChoice.NONE;
                case "auto" -> ToolChoice.AUTO;
                case "required" -> ToolChoice.REQUIRED;
                default -> throw invalidChoice();
            };
        } else if (node.isObject()) {
            JsonNode type = node.get("type");
            JsonNode function = node.get(FUNCTION);
            if (type == null || !type.isString() || !type.getStringValue().equals(FUNCTION) || function == null || !function.isObject()) {
                throw invalidChoice();
            }
            String name = ToolNames.requireCalled(function, "name", "tool_choice.function.name");
            choice = ToolChoice.forced(name);
        } else {
            throw invalidChoice();
        }
        return checkedAgainst(choice, tools, "tool_choice");
    }

    /** A required or named tool needs tools to choose from; {@code none} and {@code auto} without tools are harmless. */
    public static ToolChoice checkedAgainst(ToolChoice choice, List<ToolSpec> tools, String param) {
        if (choice.mode() == ToolChoice.Mode.REQUIRED && tools.isEmpty()) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "tool_choice_without_tools", param, param);
        }
        String forced = choice.forcedName();
        if (forced != null && tools.stream().noneMatch(t -> t.name().equals(forced))) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "unknown_tool_choice", param, param, JsonFields.printable(forced));
        }
        return choice;
    }

    private static InvalidRequestException invalidChoice() {
        return InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "invalid_tool_choice", "tool_choice", "tool_choice", CHOICES);
    }

    /** An assistant message's {@code tool_calls}: every call keeps its id, name and arguments for the history. */
    public static List<ToolCall> calls(@Nullable JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw JsonFields.invalidType(path, "array", node);
        }
        List<ToolCall> calls = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String callPath = path + "[" + i + "]";
            JsonNode call = node.get(i);
            JsonFields.requireObject(call, callPath);
            String id = JsonFields.requiredString(call, "id", callPath + ".id");
            String type = JsonFields.optionalString(call, "type", callPath + ".type");
            if (type != null && !type.equals(FUNCTION)) {
                throw InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "unsupported_tool_type", callPath + ".type", callPath + ".type",
                        JsonFields.printable(type), FUNCTION);
            }
            JsonNode function = call.get(FUNCTION);
            if (function == null || function.isNull()) {
                throw new InvalidRequestException(ErrorCode.MISSING_PARAMETER, callPath + ".function", callPath + ".function");
            }
            JsonFields.requireObject(function, callPath + ".function");
            String name = ToolNames.requireCalled(function, "name", callPath + ".function.name");
            String arguments = JsonFields.requiredString(function, "arguments", callPath + ".function.arguments");
            calls.add(new ToolCall(id, ToolKind.FUNCTION, name, null, arguments));
        }
        return calls;
    }
}
