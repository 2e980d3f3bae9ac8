package sai.gateway.messages;

import sai.gateway.conversation.ChatRequest;

import java.util.List;

/**
 * A validated Anthropic Messages request: the neutral conversation every surface hands to the exchange, plus
 * what only this API has.
 *
 * @param maxTokens     {@code max_tokens}; 0 for {@code count_tokens}, where it is not asked for
 * @param stopSequences {@code stop_sequences}, in order (empty when absent)
 */
public record MessagesRequest(ChatRequest chat, int maxTokens, List<String> stopSequences) {

    public MessagesRequest {
        stopSequences = List.copyOf(stopSequences);
    }
}
