package sai.gateway.completions;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import sai.gateway.chat.ChatResponseMapper;
import sai.gateway.conversation.ChatRequest;
import sai.gateway.error.ErrorRenderer;
import sai.gateway.error.GatewayException;
import sai.gateway.error.InternalErrorException;
import sai.gateway.exchange.Exchange;
import sai.gateway.exchange.SseFrames;
import sai.gateway.exchange.Surface;
import sai.gateway.exchange.SurfaceStream;
import sai.gateway.exchange.TextPieces;
import sai.gateway.openai.TextCompletion;
import sai.gateway.openai.Usage;
import sai.gateway.sai.SaiAnswer;
import sai.gateway.tools.AssistantReply;

import java.util.ArrayList;
import java.util.List;

/**
 * Legacy completions as a surface: a {@code text_completion}, or a stream of them (the echoed prompt, if asked, at
 * once; the text in pieces; a last piece with {@code finish_reason}; the usage event when
 * {@code stream_options.include_usage} is set; {@code [DONE]}).
 */
@Singleton
public class CompletionsSurface implements Surface<CompletionRequest> {

    private final CompletionRequestReader reader;
    private final SseFrames frames;
    private final ErrorRenderer renderer;

    public CompletionsSurface(CompletionRequestReader reader, SseFrames frames, ErrorRenderer renderer) {
        this.reader = reader;
        this.frames = frames;
        this.renderer = renderer;
    }

    @Override
    public CompletionRequest read(byte[] body, HttpRequest<?> request) {
        return reader.read(body);
    }

    @Override
    public ChatRequest neutral(CompletionRequest request) {
        return request.chat();
    }

    @Override
    public String name() {
        return "completions";
    }

    @Override
    public String idPrefix() {
        return "cmpl-";
    }

    @Override
    public MutableHttpResponse<?> answer(Exchange exchange, CompletionRequest request, AssistantReply reply, SaiAnswer answer) {
        return HttpResponse.ok(completion(exchange, (request.echo() ? request.prompt() : "") + answer.text(), "stop",
                ChatResponseMapper.usage(answer)));
    }

    @Override
    public SurfaceStream stream(Exchange exchange, CompletionRequest request) {
        return new SurfaceStream() {
            @Override
            public List<byte[]> opening() {
                return !request.echo() || request.prompt().isEmpty() ? List.of()
                        : List.of(frames.data(completion(exchange, request.prompt(), null, null)));
            }

            @Override
            public List<byte[]> completed(AssistantReply reply, SaiAnswer answer) {
                List<byte[]> events = new ArrayList<>();
                for (String piece : TextPieces.split(answer.text())) {
                    events.add(frames.data(completion(exchange, piece, null, null)));
                }
                events.add(frames.data(completion(exchange, "", "stop", null)));
                if (request.chat().includeUsage()) {
                    events.add(frames.data(new TextCompletion(exchange.envelope().id(), TextCompletion.OBJECT, exchange.envelope().created(),
                            exchange.envelope().model(), List.of(), ChatResponseMapper.usage(answer))));
                }
                events.add(SseFrames.DONE);
                return events;
            }

            /** After the stream started the status is sent: one error event (named, as on chat streams), then the stream ends. */
            @Override
            public List<byte[]> failed(Throwable e) {
                GatewayException error = e instanceof GatewayException g ? g : new InternalErrorException();
                return List.of(frames.error(renderer.body(error, exchange.locale())));
            }
        };
    }

    /** Plain or streamed, every piece carries the same id and the resolved catalog model. */
    private static TextCompletion completion(Exchange exchange, String text, @Nullable String finishReason, @Nullable Usage usage) {
        return new TextCompletion(exchange.envelope().id(), TextCompletion.OBJECT, exchange.envelope().created(), exchange.envelope().model(),
                List.of(new TextCompletion.Choice(text, 0, null, finishReason)), usage);
    }
}
