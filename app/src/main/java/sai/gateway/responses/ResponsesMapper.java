package sai.gateway.responses;

import sai.gateway.exchange.Exchange;

import io.micronaut.core.annotation.Nullable;

import sai.gateway.conversation.CompletionIds;
import sai.gateway.error.ErrorCode;
import sai.gateway.openai.ResponseItems;
import sai.gateway.openai.ResponseObject;
import sai.gateway.conversation.ToolCall;
import sai.gateway.conversation.ToolKind;
import sai.gateway.sai.SaiAnswer;
import sai.gateway.tools.AssistantReply;

import java.util.ArrayList;
import java.util.List;

/** An assistant reply as Responses API output items, and the {@code response} object around them. */
final class ResponsesMapper {

    private ResponsesMapper() {
    }

    /** The text the model wrote (if any) as a message, then one item per tool call, all completed. */
    static List<Object> output(AssistantReply reply) {
        List<Object> items = new ArrayList<>(reply.calls().size() + 1);
        if (reply.content() != null) {
            items.add(ResponseItems.Message.of(CompletionIds.next("msg_"), ResponseItems.COMPLETED,
                    List.of(ResponseItems.OutputText.of(reply.content()))));
        }
        for (ToolCall call : reply.calls()) {
            items.add(call.kind() == ToolKind.CUSTOM
                    ? ResponseItems.CustomToolCall.of(CompletionIds.next("ctc_"), call.id(), call.namespace(), call.name(), call.arguments())
                    : ResponseItems.FunctionCall.of(CompletionIds.next("fc_"), ResponseItems.COMPLETED, call.id(), call.namespace(),
                    call.name(), call.arguments()));
        }
        return items;
    }

    static ResponseObject completed(Exchange exchange, ResponsesRequest request, AssistantReply reply, SaiAnswer answer) {
        return completed(exchange, request, output(reply), answer);
    }

    static ResponseObject completed(Exchange exchange, ResponsesRequest request, List<Object> output, SaiAnswer answer) {
        return response(exchange, request, exchange.envelope().model(), "completed",
                System.currentTimeMillis() / 1000, output, ResponseObject.Usage.of(answer.promptTokens(), answer.completionTokens()), null);
    }

    static ResponseObject inProgress(Exchange exchange, ResponsesRequest request) {
        return response(exchange, request, exchange.envelope().model(), "in_progress", null, List.of(), null, null);
    }

    static ResponseObject failed(Exchange exchange, ResponsesRequest request, ResponseObject.Error error) {
        return response(exchange, request, exchange.envelope().model(), "failed", null, List.of(), null, error);
    }

    /** The spec's ResponseErrorCode has few values; the {@code error} event before {@code response.failed} carries the gateway's own code. */
    static String responseErrorCode(ErrorCode code) {
        return switch (code) {
            case RATE_LIMIT_EXCEEDED -> "rate_limit_exceeded";
            case CONTEXT_LENGTH_EXCEEDED -> "invalid_prompt";
            default -> "server_error";
        };
    }

    private static ResponseObject response(Exchange exchange, ResponsesRequest request, String model, String status,
                                           @Nullable Long completedAt, List<Object> output, @Nullable ResponseObject.Usage usage,
                                           @Nullable ResponseObject.Error error) {
        return new ResponseObject(exchange.envelope().id(), ResponseObject.OBJECT, exchange.envelope().created(), status, completedAt, error,
                null, request.instructions(), model, output, exchange.request().tools().parallel(), request.metadata(),
                request.toolChoice(), request.tools(), request.temperature(), request.topP(), usage);
    }
}
