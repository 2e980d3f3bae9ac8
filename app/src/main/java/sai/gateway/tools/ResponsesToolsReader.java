package sai.gateway.tools;

import sai.gateway.json.JsonFields;

import sai.gateway.conversation.ToolChoice;
import sai.gateway.conversation.ToolKind;
import sai.gateway.conversation.ToolRequest;
import sai.gateway.conversation.ToolSpec;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Responses API's tools. {@code function} and {@code custom} tools are offered to SAI (in the
 * chat-completions shape its tool templates know); the function and custom tools nested in a
 * {@code namespace} tool are offered as {@code namespace__name}. Every other type (web_search,
 * file_search, mcp, ...) is a tool OpenAI would run itself, which SAI cannot: it is accepted and left
 * out, because clients such as Codex CLI always send some and must keep working.
 */
public final class ResponsesToolsReader {

    private static final String FUNCTION = "function";
    private static final String CUSTOM = "custom";
    private static final String CHOICES = "{\"type\": \"function\", \"name\": \"...\"}";

    private ResponsesToolsReader() {
    }

    public static ToolRequest read(JsonNode root) {
        List<ToolSpec> tools = tools(JsonFields.optionalArray(root, "tools", "tools"));
        ToolChoice choice = choice(root.get("tool_choice"), tools);
        return new ToolRequest(tools, choice, ToolNames.parallelToolCalls(root));
    }

    private static List<ToolSpec> tools(List<JsonNode> node) {
        List<ToolSpec> tools = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String path = "tools[" + i + "]";
            JsonNode tool = node.get(i);
            JsonFields.requireObject(tool, path);
            String type = type(tool, path);
            switch (type) {
                case FUNCTION, CUSTOM -> add(tools, tool(tool, type, null, path), path + ".name");
                case "namespace" -> namespace(tool, path, tools);
                default -> {
                    // a hosted tool: OpenAI runs it, SAI cannot
                }
            }
        }
        return tools;
    }

    private static void namespace(JsonNode tool, String path, List<ToolSpec> tools) {
        String namespace = ToolNames.require(tool, "name", path + ".name");
        JsonNode nested = tool.get("tools");
        if (nested == null || nested.isNull()) {
            throw new InvalidRequestException(ErrorCode.MISSING_PARAMETER, path + ".tools", path + ".tools");
        }
        if (!nested.isArray()) {
            throw JsonFields.invalidType(path + ".tools", "array", nested);
        }
        for (int j = 0; j < nested.size(); j++) {
            String nestedPath = path + ".tools[" + j + "]";
            JsonNode inner = nested.get(j);
            JsonFields.requireObject(inner, nestedPath);
            String type = type(inner, nestedPath);
            if (type.equals(FUNCTION) || type.equals(CUSTOM)) {
                add(tools, tool(inner, type, namespace, nestedPath), nestedPath + ".name");
            }
        }
    }

    private static ToolSpec tool(JsonNode tool, String type, @Nullable String namespace, String path) {
        String name = ToolNames.require(tool, "name", path + ".name");
        String description = ToolNames.description(tool, path + ".description");
        String qualified = ToolSpec.qualifiedName(namespace, name);
        Map<String, JsonNode> definition = new LinkedHashMap<>();
        definition.put("name", JsonNode.createStringNode(qualified));
        if (description != null) {
            definition.put("description", JsonNode.createStringNode(description));
        }
        ToolKind kind;
        if (type.equals(FUNCTION)) {
            kind = ToolKind.FUNCTION;
            JsonNode parameters = ToolNames.parameters(tool, "parameters", path + ".parameters");
            if (parameters != null) {
                definition.put("parameters", parameters);
            }
        } else {
            kind = ToolKind.CUSTOM;
            JsonNode format = ToolNames.parameters(tool, "format", path + ".format");
            if (format != null) {
                definition.put("format", format);
            }
        }
        Map<String, JsonNode> wire = new LinkedHashMap<>();
        wire.put("type", JsonNode.createStringNode(type));
        wire.put(type, JsonNode.createObjectNode(definition));
        return new ToolSpec(kind, qualified, namespace, name, JsonNode.createObjectNode(wire));
    }

    private static void add(List<ToolSpec> tools, ToolSpec tool, String path) {
        ToolNames.requireUnique(tools, tool.name(), path);
        tools.add(tool);
    }

    private static String type(JsonNode tool, String path) {
        String type = JsonFields.optionalString(tool, "type", path + ".type");
        if (type == null) {
            throw new InvalidRequestException(ErrorCode.MISSING_PARAMETER, path + ".type", path + ".type");
        }
        return type;
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
            if (type == null || !type.isString() || !(type.getStringValue().equals(FUNCTION) || type.getStringValue().equals(CUSTOM))) {
                throw invalidChoice();
            }
            String name = ToolNames.requireCalled(node, "name", "tool_choice.name");
            String namespace = JsonFields.optionalString(node, "namespace", "tool_choice.namespace");
            choice = ToolChoice.forced(ToolSpec.qualifiedName(namespace, name));
        } else {
            throw invalidChoice();
        }
        return ChatToolsReader.checkedAgainst(choice, tools, "tool_choice");
    }

    private static InvalidRequestException invalidChoice() {
        return InvalidRequestException.keyed(ErrorCode.INVALID_VALUE, "invalid_tool_choice", "tool_choice", "tool_choice", CHOICES);
    }
}
