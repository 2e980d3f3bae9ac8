package sai.gateway.responses;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import sai.gateway.conversation.ChatRequest;
import sai.gateway.error.ErrorRenderer;
import sai.gateway.exchange.Exchange;
import sai.gateway.exchange.SseFrames;
import sai.gateway.exchange.Surface;
import sai.gateway.exchange.SurfaceStream;
import sai.gateway.sai.SaiAnswer;
import sai.gateway.tools.AssistantReply;

/**
 * The Responses API as a surface: a {@code response} object, or its event stream ({@code response.created} and
 * {@code response.in_progress} at once, then the output items' events and {@code response.completed}, or
 * {@code error} then {@code response.failed}).
 */
@Singleton
public class ResponsesSurface implements Surface<ResponsesRequest> {

    private final ResponsesRequestReader reader;
    private final SseFrames frames;
    private final ErrorRenderer renderer;

    public ResponsesSurface(ResponsesRequestReader reader, SseFrames frames, ErrorRenderer renderer) {
        this.reader = reader;
        this.frames = frames;
        this.renderer = renderer;
    }

    @Override
    public ResponsesRequest read(byte[] body, HttpRequest<?> request) {
        return reader.read(body);
    }

    @Override
    public ChatRequest neutral(ResponsesRequest request) {
        return request.chat();
    }

    @Override
    public String name() {
        return "responses";
    }

    @Override
    public String idPrefix() {
        return "resp_";
    }

    @Override
    public MutableHttpResponse<?> answer(Exchange exchange, ResponsesRequest request, AssistantReply reply, SaiAnswer answer) {
        return HttpResponse.ok(ResponsesMapper.completed(exchange, request, reply, answer));
    }

    @Override
    public SurfaceStream stream(Exchange exchange, ResponsesRequest request) {
        return new ResponseStream(frames, renderer, exchange, request);
    }
}
