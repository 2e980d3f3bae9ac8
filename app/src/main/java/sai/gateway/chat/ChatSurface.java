package sai.gateway.chat;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import sai.gateway.config.GatewayConfiguration;
import sai.gateway.conversation.ChatRequest;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.ErrorRenderer;
import sai.gateway.error.GatewayException;
import sai.gateway.error.InternalErrorException;
import sai.gateway.error.UpstreamException;
import sai.gateway.exchange.Exchange;
import sai.gateway.exchange.SseFrames;
import sai.gateway.exchange.SseStreams;
import sai.gateway.exchange.Surface;
import sai.gateway.exchange.SurfaceStream;
import sai.gateway.openai.ChatCompletionChunk;
import sai.gateway.openai.Usage;
import sai.gateway.sai.SaiAnswer;
import sai.gateway.tools.AssistantReply;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Chat completions as a surface: one {@code chat.completion}, or an SSE stream of chunks (the role chunk at once,
 * the reply's chunks, the usage chunk when asked, {@code [DONE]}); with {@code SAI_ERROR_STYLE=message}, SAI's
 * failures and an over-long context become an assistant answer, as the old gateway did.
 */
@Singleton
public class ChatSurface implements Surface<ChatRequest> {

    private final ChatRequestReader reader;
    private final ErrorRenderer renderer;
    private final SseFrames frames;
    private final GatewayConfiguration config;

    public ChatSurface(ChatRequestReader reader, ErrorRenderer renderer, SseFrames frames, GatewayConfiguration config) {
        this.reader = reader;
        this.renderer = renderer;
        this.frames = frames;
        this.config = config;
    }

    @Override
    public ChatRequest read(byte[] body, HttpRequest<?> request) {
        return reader.read(body);
    }

    @Override
    public ChatRequest neutral(ChatRequest request) {
        return request;
    }

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public String idPrefix() {
        return "chatcmpl-";
    }

    @Override
    public MutableHttpResponse<?> answer(Exchange exchange, ChatRequest request, AssistantReply reply, SaiAnswer answer) {
        return HttpResponse.ok(ChatResponseMapper.completion(exchange.envelope(), reply, ChatResponseMapper.usage(answer)));
    }

    @Override
    public SurfaceStream stream(Exchange exchange, ChatRequest request) {
        // Every chunk repeats the first chunk's id and model (the resolved catalog id, as everywhere), as OpenAI's do.
        boolean tools = request.tools().offersTools();
        return new SurfaceStream() {
            @Override
            public List<byte[]> opening() {
                return List.of(frames.data(ChatResponseMapper.roleChunk(exchange.envelope(), tools)));
            }

            @Override
            public List<byte[]> completed(AssistantReply reply, SaiAnswer answer) {
                return tail(exchange, ChatResponseMapper.replyChunks(exchange.envelope(), reply), ChatResponseMapper.usage(answer));
            }

            @Override
            public List<byte[]> failed(Throwable e) {
                return failure(exchange, e);
            }
        };
    }

    /** The old gateway's style: HTTP 200, the explanation as content, finish_reason {@code length} or {@code error}. */
    @Override
    public Optional<MutableHttpResponse<?>> answerFailure(Exchange exchange, ChatRequest request, GatewayException error) {
        if (!answersAsMessage(error)) {
            return Optional.empty();
        }
        String text = renderer.message(error, exchange.locale());
        String reason = finishReasonFor(error);
        if (request.stream()) {
            List<byte[]> events = new ArrayList<>();
            events.add(frames.data(ChatResponseMapper.roleChunk(exchange.envelope())));
            events.addAll(tail(exchange, ChatResponseMapper.contentChunks(exchange.envelope(), text, reason), Usage.of(0, 0)));
            return Optional.of(SseStreams.sse(Flux.fromIterable(events)));
        }
        return Optional.of(HttpResponse.ok(ChatResponseMapper.completion(exchange.envelope(), text, reason, Usage.of(0, 0))));
    }

    /** Whether {@code SAI_ERROR_STYLE=message} turns this failure into an assistant answer. */
    private boolean answersAsMessage(GatewayException error) {
        return config.errorsAsMessages() && (error instanceof UpstreamException || error.code() == ErrorCode.CONTEXT_LENGTH_EXCEEDED);
    }

    private List<byte[]> tail(Exchange exchange, List<ChatCompletionChunk> chunks, Usage usage) {
        List<byte[]> events = new ArrayList<>(chunks.size() + 2);
        for (ChatCompletionChunk chunk : chunks) {
            events.add(frames.data(chunk));
        }
        if (exchange.request().includeUsage()) {
            events.add(frames.data(ChatResponseMapper.usageChunk(exchange.envelope(), usage)));
        }
        events.add(SseFrames.DONE);
        return events;
    }

    /**
     * After the stream started the status is sent: the failure becomes one error event, then the stream ends
     * (no {@code [DONE]}: that says the answer is complete). Named {@code error} as well as shaped
     * {@code {"error":...}}: LangChain4j sees an error only by the name, the OpenAI SDKs by the shape.
     */
    private List<byte[]> failure(Exchange exchange, Throwable e) {
        GatewayException error = e instanceof GatewayException g ? g : new InternalErrorException();
        if (answersAsMessage(error)) {
            return tail(exchange, ChatResponseMapper.contentChunks(exchange.envelope(), renderer.message(error, exchange.locale()),
                    finishReasonFor(error)), Usage.of(0, 0));
        }
        return List.of(frames.error(renderer.body(error, exchange.locale())));
    }

    private static String finishReasonFor(GatewayException error) {
        return error.code() == ErrorCode.CONTEXT_LENGTH_EXCEEDED ? "length" : "error";
    }
}
