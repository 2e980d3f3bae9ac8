package sai.gateway.messages;

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

/** Anthropic's Messages API as a surface: a {@code message} object, or its event stream ({@link MessagesStream}). */
@Singleton
public class MessagesSurface implements Surface<MessagesRequest> {

    private final MessagesRequestReader reader;
    private final SseFrames frames;
    private final ErrorRenderer renderer;

    public MessagesSurface(MessagesRequestReader reader, SseFrames frames, ErrorRenderer renderer) {
        this.reader = reader;
        this.frames = frames;
        this.renderer = renderer;
    }

    @Override
    public MessagesRequest read(byte[] body, HttpRequest<?> request) {
        return reader.read(body);
    }

    @Override
    public ChatRequest neutral(MessagesRequest request) {
        return request.chat();
    }

    @Override
    public String name() {
        return "messages";
    }

    @Override
    public String idPrefix() {
        return "msg_";
    }

    @Override
    public MutableHttpResponse<?> answer(Exchange exchange, MessagesRequest request, AssistantReply reply, SaiAnswer answer) {
        return HttpResponse.ok(MessagesMapper.message(exchange.envelope(), MessagesMapper.outcome(reply, answer, request), answer));
    }

    @Override
    public SurfaceStream stream(Exchange exchange, MessagesRequest request) {
        return new MessagesStream(frames, renderer, exchange, request);
    }
}
