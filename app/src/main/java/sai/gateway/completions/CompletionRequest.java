package sai.gateway.completions;

import sai.gateway.conversation.ChatRequest;

/**
 * A validated legacy {@code POST /v1/completions} request: the prompt as a one-message chat request.
 *
 * @param echo whether the answer's text starts with the prompt
 */
public record CompletionRequest(ChatRequest chat, String prompt, boolean echo) {
}
