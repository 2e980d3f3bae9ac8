package sai.gateway.messages;

import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.Test;
import sai.gateway.anthropic.MessageObject;
import sai.gateway.conversation.ChatRequest;
import sai.gateway.conversation.ToolCall;
import sai.gateway.conversation.ToolKind;
import sai.gateway.exchange.Envelope;
import sai.gateway.sai.SaiAnswer;
import sai.gateway.tools.AssistantReply;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The reply-to-message mapping, without an application context. */
class MessagesMapperTest {

    private static final ChatRequest CHAT = new ChatRequest(null, List.of(), false, false, null);

    private static MessagesRequest request(int maxTokens, String... stops) {
        return new MessagesRequest(CHAT, maxTokens, List.of(stops));
    }

    private static SaiAnswer answer(String text, long completionTokens) {
        return new SaiAnswer(text, 7, completionTokens, "m");
    }

    @Test
    void theEarliestStopSequenceEndsTheText() {
        MessagesMapper.Outcome outcome = MessagesMapper.outcome(AssistantReply.text("one END two STOP three"), answer("", 5),
                request(100, "STOP", "END", ""));

        assertThat(outcome.content()).containsExactly(MessageObject.TextBlock.of("one "));
        assertThat(outcome.stopReason()).isEqualTo("stop_sequence");
        assertThat(outcome.stopSequence()).isEqualTo("END");
    }

    @Test
    void withoutAMatchTheTurnEndsOrHitsMaxTokens() {
        assertThat(MessagesMapper.outcome(AssistantReply.text("hi"), answer("hi", 9), request(10, "zz")).stopReason()).isEqualTo("end_turn");
        assertThat(MessagesMapper.outcome(AssistantReply.text("hi"), answer("hi", 10), request(10)).stopReason()).isEqualTo("max_tokens");
        assertThat(MessagesMapper.outcome(AssistantReply.text("hi"), answer("hi", 10), request(0)).stopReason()).isEqualTo("end_turn");
    }

    @Test
    void toolCallsFollowTheTextAsToolUseBlocksWithFreshIdsAndObjectInput() {
        AssistantReply reply = new AssistantReply("Let me look.", List.of(
                new ToolCall("call_1", ToolKind.FUNCTION, "get_weather", null, "{\"city\":\"Quito\"}")));

        MessagesMapper.Outcome outcome = MessagesMapper.outcome(reply, answer("", 3), request(100, "look"));

        assertThat(outcome.stopReason()).isEqualTo("tool_use");
        assertThat(outcome.stopSequence()).isNull();
        assertThat(outcome.content()).hasSize(2);
        // A stop sequence does not cut text that comes with calls: the calls are the point of the turn.
        assertThat(outcome.content().get(0)).isEqualTo(MessageObject.TextBlock.of("Let me look."));
        MessageObject.ToolUseBlock use = (MessageObject.ToolUseBlock) outcome.content().get(1);
        assertThat(use.id()).startsWith("toolu_").isNotEqualTo("call_1");
        assertThat(use.name()).isEqualTo("get_weather");
        JsonNode input = use.input();
        assertThat(input.isObject()).isTrue();
        assertThat(input.get("city").getStringValue()).isEqualTo("Quito");
    }

    @Test
    void theMessageCarriesTheEnvelopeAndSaisUsage() {
        MessagesMapper.Outcome outcome = MessagesMapper.outcome(AssistantReply.text("ok"), answer("ok", 2), request(10));

        MessageObject message = MessagesMapper.message(new Envelope("msg_x", 1L, "sai-model"), outcome, answer("ok", 2));

        assertThat(message.id()).isEqualTo("msg_x");
        assertThat(message.model()).isEqualTo("sai-model");
        assertThat(message.usage()).isEqualTo(new MessageObject.Usage(7, 0, 0, 2));
        assertThat(MessagesMapper.started(new Envelope("msg_x", 1L, "sai-model"), 42).usage().inputTokens()).isEqualTo(42);
    }
}
