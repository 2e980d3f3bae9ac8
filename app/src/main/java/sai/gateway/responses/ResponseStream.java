package sai.gateway.responses;


import sai.gateway.exchange.SseFrames;
import sai.gateway.error.ErrorRenderer;
import sai.gateway.error.GatewayException;
import sai.gateway.error.InternalErrorException;
import sai.gateway.openai.ErrorResponse;
import sai.gateway.openai.ResponseEvents;
import sai.gateway.openai.ResponseItems;
import sai.gateway.openai.ResponseObject;
import sai.gateway.sai.SaiAnswer;
import sai.gateway.tools.AssistantReply;
import sai.gateway.exchange.TextPieces;
import sai.gateway.exchange.Exchange;
import sai.gateway.exchange.SurfaceStream;

import java.util.ArrayList;
import java.util.List;

/**
 * The events of one streamed response, numbered in the order they are written. SAI answers whole, so
 * after the opening events every item is streamed at once: added, its text (or arguments, or input) in
 * pieces, done; then {@code response.completed} with the same items.
 */
final class ResponseStream implements SurfaceStream {

    private final SseFrames frames;
    private final ErrorRenderer renderer;
    private final Exchange exchange;
    private final ResponsesRequest request;
    private int sequence;

    ResponseStream(SseFrames frames, ErrorRenderer renderer, Exchange exchange, ResponsesRequest request) {
        this.frames = frames;
        this.renderer = renderer;
        this.exchange = exchange;
        this.request = request;
    }

    @Override
    public List<byte[]> opening() {
        ResponseObject started = ResponsesMapper.inProgress(exchange, request);
        List<byte[]> events = new ArrayList<>(2);
        events.add(lifecycle("response.created", started));
        events.add(lifecycle("response.in_progress", started));
        return events;
    }

    @Override
    public List<byte[]> completed(AssistantReply reply, SaiAnswer answer) {
        List<Object> output = ResponsesMapper.output(reply);
        List<byte[]> events = new ArrayList<>();
        for (int index = 0; index < output.size(); index++) {
            Object item = output.get(index);
            if (item instanceof ResponseItems.Message message) {
                message(events, index, message);
            } else if (item instanceof ResponseItems.FunctionCall call) {
                functionCall(events, index, call);
            } else if (item instanceof ResponseItems.CustomToolCall call) {
                customToolCall(events, index, call);
            }
        }
        events.add(lifecycle("response.completed", ResponsesMapper.completed(exchange, request, output, answer)));
        return events;
    }

    /** Once the stream has started its status is sent: the failure is an {@code error} event, then {@code response.failed}. */
    @Override
    public List<byte[]> failed(Throwable e) {
        GatewayException error = e instanceof GatewayException g ? g : new InternalErrorException();
        ErrorResponse.Detail detail = renderer.body(error, exchange.locale()).error();
        List<byte[]> events = new ArrayList<>(2);
        events.add(frames.event("error", new ResponseEvents.Error("error", sequence++, detail.code(), detail.message(), detail.param())));
        ResponseObject.Error failure = new ResponseObject.Error(ResponsesMapper.responseErrorCode(error.code()), detail.message());
        events.add(lifecycle("response.failed", ResponsesMapper.failed(exchange, request, failure)));
        return events;
    }

    private void message(List<byte[]> events, int index, ResponseItems.Message message) {
        String text = message.content().get(0).text();
        String id = message.id();
        add(events, "response.output_item.added", new ResponseEvents.Item("response.output_item.added", sequence++, index,
                ResponseItems.Message.of(id, ResponseItems.IN_PROGRESS, List.of())));
        add(events, "response.content_part.added", new ResponseEvents.ContentPart("response.content_part.added", sequence++, id, index, 0,
                ResponseItems.OutputText.of("")));
        for (String piece : TextPieces.split(text)) {
            add(events, "response.output_text.delta", new ResponseEvents.TextDelta("response.output_text.delta", sequence++, id, index, 0,
                    piece, List.of()));
        }
        add(events, "response.output_text.done", new ResponseEvents.TextDone("response.output_text.done", sequence++, id, index, 0,
                text, List.of()));
        add(events, "response.content_part.done", new ResponseEvents.ContentPart("response.content_part.done", sequence++, id, index, 0,
                ResponseItems.OutputText.of(text)));
        add(events, "response.output_item.done", new ResponseEvents.Item("response.output_item.done", sequence++, index, message));
    }

    private void functionCall(List<byte[]> events, int index, ResponseItems.FunctionCall call) {
        add(events, "response.output_item.added", new ResponseEvents.Item("response.output_item.added", sequence++, index,
                ResponseItems.FunctionCall.of(call.id(), ResponseItems.IN_PROGRESS, call.callId(), call.namespace(), call.name(), "")));
        for (String piece : TextPieces.split(call.arguments())) {
            add(events, "response.function_call_arguments.delta", new ResponseEvents.Delta("response.function_call_arguments.delta",
                    sequence++, call.id(), index, piece));
        }
        add(events, "response.function_call_arguments.done", new ResponseEvents.ArgumentsDone("response.function_call_arguments.done",
                sequence++, call.id(), index, call.name(), call.arguments()));
        add(events, "response.output_item.done", new ResponseEvents.Item("response.output_item.done", sequence++, index, call));
    }

    private void customToolCall(List<byte[]> events, int index, ResponseItems.CustomToolCall call) {
        add(events, "response.output_item.added", new ResponseEvents.Item("response.output_item.added", sequence++, index,
                ResponseItems.CustomToolCall.of(call.id(), call.callId(), call.namespace(), call.name(), "")));
        for (String piece : TextPieces.split(call.input())) {
            add(events, "response.custom_tool_call_input.delta", new ResponseEvents.Delta("response.custom_tool_call_input.delta",
                    sequence++, call.id(), index, piece));
        }
        add(events, "response.custom_tool_call_input.done", new ResponseEvents.InputDone("response.custom_tool_call_input.done",
                sequence++, call.id(), index, call.input()));
        add(events, "response.output_item.done", new ResponseEvents.Item("response.output_item.done", sequence++, index, call));
    }

    private byte[] lifecycle(String type, ResponseObject response) {
        return frames.event(type, new ResponseEvents.Lifecycle(type, sequence++, response));
    }

    private void add(List<byte[]> events, String type, Object event) {
        events.add(frames.event(type, event));
    }
}
