package sai.gateway.translate;

import sai.gateway.openai.ChatCompletion;
import sai.gateway.openai.ChatCompletionChunk;
import sai.gateway.openai.Usage;
import sai.gateway.sai.SaiAnswer;

import java.util.ArrayList;
import java.util.List;

/** SAI's whole-text answer to OpenAI's completion object, or to the chunks of a stream. */
public final class ChatResponseMapper {

    /** SAI does not stream; the text is cut into pieces this size so clients render it progressively without thousands of events. */
    static final int CHUNK_CHARS = 512;
    private static final String ASSISTANT = "assistant";

    private ChatResponseMapper() {
    }

    /** What identifies one completion across its chunks. */
    public record Envelope(String id, long created, String model) {
    }

    public static ChatCompletion completion(Envelope envelope, String content, String finishReason, Usage usage) {
        return new ChatCompletion(envelope.id(), ChatCompletion.OBJECT, envelope.created(), envelope.model(),
                List.of(new ChatCompletion.Choice(0, new ChatCompletion.Message(ASSISTANT, content, null), null, finishReason)),
                usage);
    }

    public static Usage usage(SaiAnswer answer) {
        return Usage.of(answer.promptTokens(), answer.completionTokens());
    }

    /** The chunk sent before SAI answers: it tells the client the assistant is speaking. */
    public static ChatCompletionChunk roleChunk(Envelope envelope) {
        return chunk(envelope, new ChatCompletionChunk.Delta(ASSISTANT, ""), null);
    }

    /** The content pieces, then the chunk with the finish reason. */
    public static List<ChatCompletionChunk> contentChunks(Envelope envelope, String content, String finishReason) {
        List<ChatCompletionChunk> chunks = new ArrayList<>(content.length() / CHUNK_CHARS + 2);
        for (String piece : split(content)) {
            chunks.add(chunk(envelope, new ChatCompletionChunk.Delta(null, piece), null));
        }
        chunks.add(chunk(envelope, new ChatCompletionChunk.Delta(null, null), finishReason));
        return chunks;
    }

    /** The usage chunk of {@code stream_options.include_usage}: no choices, only usage. */
    public static ChatCompletionChunk usageChunk(Envelope envelope, Usage usage) {
        return new ChatCompletionChunk(envelope.id(), ChatCompletionChunk.OBJECT, envelope.created(), envelope.model(), List.of(), usage);
    }

    private static ChatCompletionChunk chunk(Envelope envelope, ChatCompletionChunk.Delta delta, String finishReason) {
        return new ChatCompletionChunk(envelope.id(), ChatCompletionChunk.OBJECT, envelope.created(), envelope.model(),
                List.of(new ChatCompletionChunk.Choice(0, delta, finishReason)), null);
    }

    /** Cuts on code point boundaries so no chunk carries half a surrogate pair. */
    static List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + CHUNK_CHARS);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }
}
