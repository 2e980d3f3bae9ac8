package sai.gateway.messages;

import io.micronaut.json.tree.JsonNode;
import sai.gateway.anthropic.MessageObject;
import sai.gateway.anthropic.StreamEvents;
import sai.gateway.error.ErrorRenderer;
import sai.gateway.error.GatewayException;
import sai.gateway.error.InternalErrorException;
import sai.gateway.exchange.Exchange;
import sai.gateway.exchange.SseFrames;
import sai.gateway.exchange.SurfaceStream;
import sai.gateway.exchange.TextPieces;
import sai.gateway.sai.SaiAnswer;
import sai.gateway.tools.AssistantReply;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One streamed Messages API answer, event by event as Anthropic sends them: {@code message_start} at once,
 * {@code ping} while SAI works, then per content block {@code content_block_start}, its deltas (the text in
 * pieces, or a tool's whole input in one {@code input_json_delta}) and {@code content_block_stop}, then
 * {@code message_delta} (stop reason, usage) and {@code message_stop}. Every event has its {@code event:} line:
 * the SDKs and Claude Code ignore a frame without one.
 */
final class MessagesStream implements SurfaceStream {

    private static final byte[] PING = ("event: " + StreamEvents.PING + "\ndata: {\"type\": \"ping\"}\n\n").getBytes(StandardCharsets.US_ASCII);

    private final SseFrames frames;
    private final ErrorRenderer renderer;
    private final Exchange exchange;
    private final MessagesRequest request;

    MessagesStream(SseFrames frames, ErrorRenderer renderer, Exchange exchange, MessagesRequest request) {
        this.frames = frames;
        this.renderer = renderer;
        this.exchange = exchange;
        this.request = request;
    }

    @Override
    public List<byte[]> opening() {
        return List.of(frames.event(StreamEvents.MESSAGE_START,
                StreamEvents.MessageStart.of(MessagesMapper.started(exchange.envelope(), exchange.estimatedTokens()))));
    }

    @Override
    public byte[] heartbeat() {
        return PING;
    }

    @Override
    public List<byte[]> completed(AssistantReply reply, SaiAnswer answer) {
        MessagesMapper.Outcome outcome = MessagesMapper.outcome(reply, answer, request);
        List<byte[]> events = new ArrayList<>();
        for (int index = 0; index < outcome.content().size(); index++) {
            Object block = outcome.content().get(index);
            if (block instanceof MessageObject.TextBlock text) {
                event(events, StreamEvents.CONTENT_BLOCK_START, StreamEvents.ContentBlockStart.of(index, MessageObject.TextBlock.of("")));
                for (String piece : TextPieces.split(text.text())) {
                    event(events, StreamEvents.CONTENT_BLOCK_DELTA, StreamEvents.ContentBlockDelta.of(index, StreamEvents.TextDelta.of(piece)));
                }
            } else if (block instanceof MessageObject.ToolUseBlock tool) {
                event(events, StreamEvents.CONTENT_BLOCK_START, StreamEvents.ContentBlockStart.of(index,
                        MessageObject.ToolUseBlock.of(tool.id(), tool.name(), JsonNode.createObjectNode(Map.of()))));
                event(events, StreamEvents.CONTENT_BLOCK_DELTA, StreamEvents.ContentBlockDelta.of(index,
                        StreamEvents.InputJsonDelta.of(frames.json(tool.input()))));
            }
            event(events, StreamEvents.CONTENT_BLOCK_STOP, StreamEvents.ContentBlockStop.of(index));
        }
        event(events, StreamEvents.MESSAGE_DELTA, StreamEvents.MessageDelta.of(
                new StreamEvents.Stop(outcome.stopReason(), outcome.stopSequence()), MessagesMapper.usage(answer)));
        event(events, StreamEvents.MESSAGE_STOP, new StreamEvents.Bare(StreamEvents.MESSAGE_STOP));
        return events;
    }

    /** Once the stream has started its status is sent: the failure is Anthropic's {@code error} event, and the stream ends. */
    @Override
    public List<byte[]> failed(Throwable e) {
        GatewayException error = e instanceof GatewayException g ? g : new InternalErrorException();
        return List.of(frames.event(StreamEvents.ERROR, renderer.anthropicBody(error, exchange.locale(), exchange.log().requestId())));
    }

    private void event(List<byte[]> events, String type, Object event) {
        events.add(frames.event(type, event));
    }
}
