package sai.gateway.responses;

import io.micronaut.http.HttpResponse;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import sai.gateway.chat.ChatCompletionService;
import sai.gateway.chat.ChatExchange;
import sai.gateway.chat.SaiModelHeader;
import sai.gateway.chat.SseFrames;
import sai.gateway.chat.SseStreams;
import sai.gateway.error.ErrorRenderer;
import sai.gateway.error.UpstreamException;
import sai.gateway.openai.ResponsesRequest;
import sai.gateway.sai.SaiAnswer;
import sai.gateway.tools.AssistantReply;
import sai.gateway.tools.ToolReplyReader;

import java.util.Optional;

/**
 * SAI's answer as a {@code response} object, or as the Responses API's event stream: {@code response.created}
 * and {@code response.in_progress} at once, heartbeats while SAI thinks, then the output items' events and
 * {@code response.completed} (or {@code error} then {@code response.failed}). Failures before the stream
 * starts, and every failure of a non-streamed request, are ordinary OpenAI error responses.
 */
@Singleton
public class ResponsesResponder {

    private final ChatCompletionService service;
    private final ToolReplyReader replies;
    private final SseStreams streams;
    private final SseFrames frames;
    private final ErrorRenderer renderer;

    public ResponsesResponder(ChatCompletionService service, ToolReplyReader replies, SseStreams streams, SseFrames frames,
                              ErrorRenderer renderer) {
        this.service = service;
        this.replies = replies;
        this.streams = streams;
        this.frames = frames;
        this.renderer = renderer;
    }

    Mono<HttpResponse<?>> respond(ChatExchange exchange, ResponsesRequest request) {
        if (request.chat().stream()) {
            Optional<UpstreamException> refused = service.refusalBeforeStream(exchange);
            if (refused.isPresent()) {
                return Mono.error(refused.get());
            }
            ResponseStream stream = new ResponseStream(frames, renderer, exchange, request);
            return Mono.just(streams.respond(Flux.defer(() -> Flux.fromIterable(stream.opening())), service.answer(exchange),
                    answer -> stream.completed(reply(exchange, answer), answer), stream::failed));
        }
        return service.answer(exchange)
                .map(answer -> SaiModelHeader.add(HttpResponse.ok(ResponsesMapper.completed(exchange, request, reply(exchange, answer), answer)),
                        answer));
    }

    private AssistantReply reply(ChatExchange exchange, SaiAnswer answer) {
        return replies.read(exchange.log(), answer.text(), exchange.request().tools());
    }
}
