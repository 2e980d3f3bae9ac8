package sai.gateway.messages;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import sai.gateway.anthropic.MessageObject;
import sai.gateway.conversation.CompletionIds;
import sai.gateway.conversation.ToolCall;
import sai.gateway.exchange.Envelope;
import sai.gateway.json.JsonFields;
import sai.gateway.sai.SaiAnswer;
import sai.gateway.tools.AssistantReply;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** An assistant reply as the Messages API's content blocks and stop reason, and the {@code message} object around them. */
final class MessagesMapper {

    static final String END_TURN = "end_turn";
    static final String TOOL_USE = "tool_use";
    static final String MAX_TOKENS = "max_tokens";
    static final String STOP_SEQUENCE = "stop_sequence";

    private MessagesMapper() {
    }

    /** What the answer says: its blocks in order (text first, then one tool_use per call) and why it stopped. */
    record Outcome(List<Object> content, String stopReason, @Nullable String stopSequence) {
    }

    /**
     * SAI takes no stop sequences, so the first one found in a text answer ends it here, as the model would have
     * stopped there; {@code max_tokens} when SAI reports having written at least that many tokens (SAI takes no limit).
     */
    static Outcome outcome(AssistantReply reply, SaiAnswer answer, MessagesRequest request) {
        List<Object> content = new ArrayList<>(reply.calls().size() + 1);
        String text = reply.content();
        String matched = null;
        if (text != null && !reply.hasCalls()) {
            int cut = -1;
            for (String stop : request.stopSequences()) {
                int at = stop.isEmpty() ? -1 : text.indexOf(stop);
                if (at >= 0 && (cut < 0 || at < cut)) {
                    cut = at;
                    matched = stop;
                }
            }
            if (cut >= 0) {
                text = text.substring(0, cut);
            }
        }
        if (text != null && !text.isEmpty()) {
            content.add(MessageObject.TextBlock.of(text));
        }
        for (ToolCall call : reply.calls()) {
            content.add(MessageObject.ToolUseBlock.of(CompletionIds.next("toolu_"), call.qualifiedName(), input(call)));
        }
        String reason = reply.hasCalls() ? TOOL_USE
                : matched != null ? STOP_SEQUENCE
                : request.maxTokens() > 0 && answer.completionTokens() >= request.maxTokens() ? MAX_TOKENS
                : END_TURN;
        return new Outcome(content, reason, matched);
    }

    static MessageObject message(Envelope envelope, Outcome outcome, SaiAnswer answer) {
        return new MessageObject(envelope.id(), MessageObject.TYPE, MessageObject.ASSISTANT, envelope.model(), outcome.content(),
                outcome.stopReason(), outcome.stopSequence(), usage(answer));
    }

    /** The stream's first message: no content yet, no stop reason, the context budget's estimate as its input tokens. */
    static MessageObject started(Envelope envelope, long estimatedInputTokens) {
        return new MessageObject(envelope.id(), MessageObject.TYPE, MessageObject.ASSISTANT, envelope.model(), List.of(), null, null,
                MessageObject.Usage.of(estimatedInputTokens, 0));
    }

    static MessageObject.Usage usage(SaiAnswer answer) {
        return MessageObject.Usage.of(answer.promptTokens(), answer.completionTokens());
    }

    /** The reply reader only makes calls whose arguments are a JSON object, which the block carries as an object. */
    static JsonNode input(ToolCall call) {
        return JsonFields.parse(call.arguments().getBytes(StandardCharsets.UTF_8));
    }
}
