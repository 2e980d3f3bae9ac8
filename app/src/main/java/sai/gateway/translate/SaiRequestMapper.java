package sai.gateway.translate;

import io.micronaut.core.annotation.Nullable;
import sai.gateway.conversation.ChatMessage;
import sai.gateway.conversation.Role;
import sai.gateway.sai.SaiExecuteRequest;
import sai.gateway.sai.SaiExecuteRequest.SaiChatMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI messages to SAI's template body (CONTRACT.md section 1): leading system/developer messages
 * become {@code inputs.system}, the last user message {@code inputs.user}, and everything after the
 * instructions {@code chatMessages}, in order, with ids of epoch milliseconds plus index.
 */
public final class SaiRequestMapper {

    private SaiRequestMapper() {
    }

    /** What the mapper produced, with the facts the request log reports. */
    public record Mapped(SaiExecuteRequest body, long characters, long estimatedTokens, int unwrappedPluginMessages) {
    }

    public static Mapped map(List<ChatMessage> messages, long nowMillis) {
        return map(messages, null, null, nowMillis);
    }

    /**
     * With tools: {@code toolInstruction} is appended to the system prompt (after a blank line) and
     * {@code toolsJson} becomes {@code inputs.tools}; the instruction counts toward the context budget.
     */
    public static Mapped map(List<ChatMessage> messages, @Nullable String toolInstruction, @Nullable String toolsJson, long nowMillis) {
        int unwrapped = 0;
        List<ChatMessage> plain = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            var original = PluginMessageUnwrapper.unwrap(m.content());
            if (original.isPresent()) {
                unwrapped++;
                plain.add(new ChatMessage(m.role(), original.get()));
            } else {
                plain.add(m);
            }
        }

        // Codex and some SDK agents send several instruction messages in a row; all of them are the system prompt.
        StringBuilder system = new StringBuilder();
        int first = 0;
        while (first < plain.size() && plain.get(first).role().isInstruction()) {
            if (system.length() > 0) {
                system.append("\n\n");
            }
            system.append(plain.get(first).content());
            first++;
        }
        if (toolInstruction != null) {
            system.append(system.length() > 0 ? "\n\n" : "").append(toolInstruction);
        }

        String user = "";
        long characters = system.length();
        List<SaiChatMessage> chat = new ArrayList<>(plain.size() - first);
        for (int i = first; i < plain.size(); i++) {
            ChatMessage m = plain.get(i);
            characters += m.content().length();
            if (m.role() == Role.USER) {
                user = m.content();
            }
            chat.add(new SaiChatMessage(m.content(), chatRole(m.role()), nowMillis + chat.size()));
        }

        long tokens = ContextBudget.estimateTokens(characters);
        SaiExecuteRequest body = new SaiExecuteRequest(new SaiExecuteRequest.Inputs(system.toString(), user, toolsJson),
                chat.isEmpty() ? null : chat);
        return new Mapped(body, characters, tokens, unwrapped);
    }

    /** SAI's chat history knows user, assistant and tool; a late instruction is read as the user's. */
    private static String chatRole(Role role) {
        return switch (role) {
            case ASSISTANT -> "assistant";
            case TOOL -> "tool";
            default -> "user";
        };
    }
}
