package sai.gateway.openai;

/** One message of the conversation, its content already reduced to text. */
public record ChatMessage(Role role, String content) {
}
