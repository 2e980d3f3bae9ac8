package sai.gateway.responses;

import sai.gateway.conversation.ChatRequest;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * A validated {@code POST /v1/responses} request: the conversation as a chat request (what SAI gets), and
 * the settings the {@code response} object echoes back.
 *
 * @param tools      the client's {@code tools} as sent, hosted ones included (only function, custom and
 *                   namespaced tools reach SAI, through {@code chat.tools()})
 * @param toolChoice the client's {@code tool_choice} as sent, or {@code "auto"}
 */
public record ResponsesRequest(ChatRequest chat,
                               @Nullable String instructions,
                               List<JsonNode> tools,
                               JsonNode toolChoice,
                               @Nullable Double temperature,
                               @Nullable Double topP,
                               Map<String, String> metadata) {

    public ResponsesRequest {
        tools = List.copyOf(tools);
        metadata = Map.copyOf(metadata);
    }
}
