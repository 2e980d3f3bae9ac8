package sai.gateway.chat;

import sai.gateway.exchange.Envelope;
import sai.gateway.exchange.TextPieces;
import sai.gateway.openai.ChatCompletion;
import sai.gateway.openai.ChatCompletionChunk;
import sai.gateway.conversation.ToolCall;
import sai.gateway.openai.Usage;
import sai.gateway.sai.SaiAnswer;
import sai.gateway.tools.AssistantReply;

import java.util.ArrayList;
import java.util.List;

/** SAI's whole-text answer to OpenAI's completion object, or to the chunks of a stream. */
public final class ChatResponseMapper {

    private static final String ASSISTANT = "assistant";

    private ChatResponseMapper() {
    }

    public static ChatCompletion completion(Envelope envelope, String content, String finishReason, Usage usage) {
        return new ChatCompletion(envelope.id(), ChatCompletion.OBJECT, envelope.created(), envelope.model(),
                List.of(new ChatCompletion.Choice(0, new ChatCompletion.Message(ASSISTANT, content, null), null, finishReason)),
                usage);
    }

    /** An answer read for tool calls: {@code content} null unless the model also wrote text, {@code finish_reason} {@code tool_calls}. */
    public static ChatCompletion completion(Envelope envelope, AssistantReply reply, Usage usage) {
        if (!reply.hasCalls()) {
            return completion(envelope, reply.content(), "stop", usage);
        }
        List<ChatCompletion.ToolCall> calls = reply.calls().stream()
                .map(c -> ChatCompletion.ToolCall.function(c.id(), c.name(), c.arguments()))
                .toList();
        return new ChatCompletion(envelope.id(), ChatCompletion.OBJECT, envelope.created(), envelope.model(),
                List.of(new ChatCompletion.Choice(0, new ChatCompletion.Message(ASSISTANT, reply.content(), null, calls), null,
                        reply.finishReason())),
                usage);
    }

    public static Usage usage(SaiAnswer answer) {
        return Usage.of(answer.promptTokens(), answer.completionTokens());
    }

    /** The chunk sent before SAI answers: it tells the client the assistant is speaking. */
    public static ChatCompletionChunk roleChunk(Envelope envelope) {
        return chunk(envelope, new ChatCompletionChunk.Delta(ASSISTANT, ""), null);
    }

    /** With tools offered the answer may be calls only, whose message content is null: the role chunk then carries no content. */
    public static ChatCompletionChunk roleChunk(Envelope envelope, boolean toolsOffered) {
        return toolsOffered ? chunk(envelope, new ChatCompletionChunk.Delta(ASSISTANT, null), null) : roleChunk(envelope);
    }

    /**
     * The text pieces (if the model wrote text), then each tool call as OpenAI streams one (index, id, type
     * and name first, then the arguments in pieces), then the chunk with the finish reason.
     */
    public static List<ChatCompletionChunk> replyChunks(Envelope envelope, AssistantReply reply) {
        if (!reply.hasCalls()) {
            return contentChunks(envelope, reply.content(), "stop");
        }
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        if (reply.content() != null) {
            for (String piece : TextPieces.split(reply.content())) {
                chunks.add(chunk(envelope, new ChatCompletionChunk.Delta(null, piece), null));
            }
        }
        for (int i = 0; i < reply.calls().size(); i++) {
            ToolCall call = reply.calls().get(i);
            chunks.add(toolChunk(envelope, new ChatCompletionChunk.ToolCallDelta(i, call.id(), "function",
                    new ChatCompletionChunk.FunctionDelta(call.name(), ""))));
            for (String piece : TextPieces.split(call.arguments())) {
                chunks.add(toolChunk(envelope, new ChatCompletionChunk.ToolCallDelta(i, null, null,
                        new ChatCompletionChunk.FunctionDelta(null, piece))));
            }
        }
        chunks.add(chunk(envelope, new ChatCompletionChunk.Delta(null, null), reply.finishReason()));
        return chunks;
    }

    private static ChatCompletionChunk toolChunk(Envelope envelope, ChatCompletionChunk.ToolCallDelta call) {
        return chunk(envelope, new ChatCompletionChunk.Delta(null, null, List.of(call)), null);
    }

    /** The content pieces, then the chunk with the finish reason. */
    public static List<ChatCompletionChunk> contentChunks(Envelope envelope, String content, String finishReason) {
        List<ChatCompletionChunk> chunks = new ArrayList<>(content.length() / TextPieces.CHUNK_CHARS + 2);
        for (String piece : TextPieces.split(content)) {
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
}
