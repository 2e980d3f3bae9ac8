package sai.gateway.simulator;

import io.micronaut.core.annotation.Nullable;

import java.util.List;

/**
 * The parts of an execute call the simulator reads.
 *
 * @param system           {@code inputs.system}, "" when absent
 * @param user             {@code inputs.user}
 * @param tools            {@code inputs.tools}, the client's tools as a JSON string, or null
 * @param chatContents     the {@code content} of every {@code chatMessages} entry, in order
 * @param lastChatRole     the {@code role} of the last {@code chatMessages} entry, or null without history
 */
record SimulatorRequest(String system, String user, @Nullable String tools, List<String> chatContents, @Nullable String lastChatRole) {

    SimulatorRequest {
        chatContents = List.copyOf(chatContents);
    }

    /**
     * Characters the model would read. {@code chatMessages} already holds the last user message, so
     * {@code inputs.user} only counts when no history was sent.
     */
    long promptCharacters() {
        long chars = system.length();
        if (chatContents.isEmpty()) {
            return chars + user.length();
        }
        for (String content : chatContents) {
            chars += content.length();
        }
        return chars;
    }
}
