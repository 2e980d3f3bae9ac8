package sai.gateway.edge;

import io.micronaut.core.annotation.Nullable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import sai.gateway.error.ApiShape;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;
import sai.gateway.text.Printable;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 connection's requests as they leave Netty's decoder, before Micronaut sees them. Refuses, with
 * an OpenAI error and a closed connection, what cannot be served safely: a request Netty could not decode
 * (431 for oversized headers, 414 for an oversized request line, else 400) or whose chunked body Netty could not
 * decode (400: the decoder ends such a body early and then discards the connection's every later byte), one with
 * both Transfer-Encoding and Content-Length or a transfer coding other than {@code chunked} alone (RFC 9112
 * section 6.3: 400 and close), and one that arrives too slowly.
 *
 * <p>Slowness has two bounds, neither of which touches the wait for SAI: the head must be complete within the
 * header timeout of the connection's opening or of its first byte (a connection that sent nothing is closed
 * silently; an idle kept-alive connection is left to the server's idle timeout, and so is one that only sent the
 * empty lines some clients put after a body, which the decoder skips), and the body within the body
 * timeout of the head. Once the last byte of a request is in, no timer runs, so a stream or a slow SAI answer
 * is never cut. A timer never closes a connection while an earlier answer on it is still being written.
 *
 * <p>Netty's read idle events cannot do this: a client sending one byte every few seconds is never idle.
 */
final class RequestEdgeHandler extends ChannelDuplexHandler {

    private enum Phase { HEAD, BODY, BETWEEN, REFUSED }

    /** RFC 9112 section 2.2 asks a server to ignore at least one empty line before a request line; a few more are tolerated. */
    private static final int MAX_STRAY_LINE_BREAKS = 8;
    /** How much of a client's header value a refusal echoes (here and in RequestBodyFormatFilter). */
    static final int ECHOED_CHARS = 60;

    private final EdgeRefusals refusals;
    private final Duration headerTimeout;
    private final Duration bodyTimeout;
    private final int maxHeaderBytes;
    private final int maxLineBytes;

    private ChannelHandlerContext ctx;
    private Phase phase = Phase.HEAD;
    private boolean headBytesSeen;
    private int strayLineBreaks;
    @Nullable
    private ScheduledFuture<?> deadline;
    @Nullable
    private String acceptLanguage;
    /** The API shape of the request in progress, for a refusal of its body (the header timeout has no request to go by). */
    private ApiShape shape = ApiShape.OPENAI;
    /** Request heads handed to Micronaut, their answers begun, and their answers written to the end (1xx not counted). */
    private int received;
    private int started;
    private int answered;
    @Nullable
    private FullHttpResponse pendingRefusal;
    private int refuseAfterAnswers;
    /** The request in progress was answered before its body could be taken: the connection ends once that answer is out. */
    private boolean closeWhenAnswered;

    RequestEdgeHandler(EdgeRefusals refusals, EdgeConfiguration timeouts, int maxHeaderBytes, int maxLineBytes) {
        this.refusals = refusals;
        this.headerTimeout = timeouts.headerTimeout();
        this.bodyTimeout = timeouts.bodyTimeout();
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxLineBytes = maxLineBytes;
    }

    /** Goes in front of the decoder, which shows nothing of a head until it is complete: raw bytes start the header clock. */
    ChannelHandler bytesWatcher() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext context, Object msg) {
                if ((phase == Phase.BETWEEN || (phase == Phase.HEAD && !headBytesSeen)) && isStrayLineBreaks(msg)) {
                    context.fireChannelRead(msg);
                    return;
                }
                if (phase == Phase.BETWEEN) {
                    phase = Phase.HEAD;
                }
                if (phase == Phase.HEAD) {
                    headBytesSeen = true;
                }
                context.fireChannelRead(msg);
            }
        };
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        if (context.channel().isActive()) {
            arm(headerTimeout);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        if (deadline == null && phase == Phase.HEAD) {
            arm(headerTimeout);
        }
        context.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        disarm();
        if (pendingRefusal != null) {
            pendingRefusal.release();
            pendingRefusal = null;
        }
        context.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (phase == Phase.REFUSED) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            disarm();
            headBytesSeen = false;
            strayLineBreaks = 0;
            InvalidRequestException refused = refusalOf(request);
            if (refused != null) {
                boolean readable = !request.decoderResult().isFailure();
                String language = readable ? request.headers().get(HttpHeaderNames.ACCEPT_LANGUAGE) : null;
                // The request line is read even when the headers are not (a 431): its path still says which API asked.
                ApiShape requestShape = shapeOf(request);
                ReferenceCountUtil.release(msg);
                refuse(refused, language, requestShape, received, "unreadable or ambiguous request");
                return;
            }
            received++;
            if (msg instanceof LastHttpContent) {
                phase = Phase.BETWEEN;
            } else {
                phase = Phase.BODY;
                acceptLanguage = request.headers().get(HttpHeaderNames.ACCEPT_LANGUAGE);
                shape = shapeOf(request);
                if (expectsBody(request)) {
                    arm(bodyTimeout);
                }
            }
        } else if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
            // Netty hands on what it decoded so far as if it were the whole body (a valid JSON document, maybe): Micronaut
            // must not get its end, and this request is answered here, like any request Netty could not read.
            ReferenceCountUtil.release(msg);
            refuseBody(InvalidRequestException.keyed(ErrorCode.BAD_REQUEST, "http_malformed_body", null), "malformed chunked body");
            return;
        } else if (msg instanceof LastHttpContent) {
            disarm();
            phase = Phase.BETWEEN;
        }
        context.fireChannelRead(msg);
    }

    /** Only CR and LF, within the few tolerated since the last request: no request has begun. */
    private boolean isStrayLineBreaks(Object msg) {
        if (!(msg instanceof ByteBuf bytes) || !bytes.isReadable()
                || bytes.forEachByte(b -> b == '\r' || b == '\n') != -1
                || strayLineBreaks + bytes.readableBytes() > MAX_STRAY_LINE_BREAKS) {
            return false;
        }
        strayLineBreaks += bytes.readableBytes();
        return true;
    }

    /** After the decoder has taken what was read: a head begun but not finished now runs against the clock. */
    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        if (phase == Phase.HEAD && headBytesSeen && deadline == null) {
            arm(headerTimeout);
        }
        context.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) {
        boolean informational = msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (!informational) {
            if (msg instanceof HttpResponse) {
                started++;
            }
            if (msg instanceof LastHttpContent) {
                answered++;
            }
        }
        context.write(msg, promise);
        if (pendingRefusal != null && answered >= refuseAfterAnswers) {
            FullHttpResponse refusal = pendingRefusal;
            pendingRefusal = null;
            context.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
        } else if (closeWhenAnswered && answered >= received) {
            closeWhenAnswered = false;
            context.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Nullable
    private InvalidRequestException refusalOf(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            if (cause instanceof TooLongHttpHeaderException) {
                return new InvalidRequestException(ErrorCode.REQUEST_HEADERS_TOO_LARGE, null, maxHeaderBytes);
            }
            if (cause instanceof TooLongHttpLineException) {
                return new InvalidRequestException(ErrorCode.URI_TOO_LONG, null, maxLineBytes);
            }
            return InvalidRequestException.keyed(ErrorCode.BAD_REQUEST, "http_malformed", null);
        }
        HttpHeaders headers = request.headers();
        List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (codings.isEmpty()) {
            return null;
        }
        if (LengthTrackingHeaders.hadBothLengths(headers) || headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            return InvalidRequestException.keyed(ErrorCode.BAD_REQUEST, "http_ambiguous_length", null);
        }
        String joined = String.join(", ", codings);
        if (!request.protocolVersion().equals(HttpVersion.HTTP_1_1) || !joined.strip().equalsIgnoreCase("chunked")) {
            // gzip (or anything) before chunked, chunked twice, or no chunked at the end, where the body's end cannot be found.
            return InvalidRequestException.keyed(ErrorCode.BAD_REQUEST, "http_transfer_encoding", null, Printable.oneLine(joined, ECHOED_CHARS));
        }
        return null;
    }

    private static boolean expectsBody(HttpRequest request) {
        try {
            return HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private void expired() {
        deadline = null;
        if (!ctx.channel().isActive() || phase == Phase.REFUSED || phase == Phase.BETWEEN) {
            return;
        }
        if (phase == Phase.HEAD) {
            if (answered < received) {
                arm(headerTimeout); // a pipelined head waits while the answer before it is written
            } else if (!headBytesSeen) {
                ctx.close(); // nothing was asked, so there is nothing to answer
            } else {
                refuse(new InvalidRequestException(ErrorCode.REQUEST_TIMEOUT, null, seconds(headerTimeout)), null, ApiShape.OPENAI, received,
                        "headers not complete within " + seconds(headerTimeout) + " s");
            }
            return;
        }
        if (answered < received - 1) {
            arm(bodyTimeout);
        } else {
            refuseBody(InvalidRequestException.keyed(ErrorCode.REQUEST_TIMEOUT, "request_body_timeout", null, seconds(bodyTimeout)),
                    "body not complete within " + seconds(bodyTimeout) + " s");
        }
    }

    /** The body of the request in progress cannot be taken: its refusal follows the answers before it, then the connection closes. */
    private void refuseBody(InvalidRequestException error, String why) {
        if (started >= received) {
            // Already answered (refused early, before its body was read): nothing to add, and nothing more can be read.
            phase = Phase.REFUSED;
            disarm();
            if (answered >= received) {
                ctx.close();
            } else {
                closeWhenAnswered = true;
            }
        } else {
            refuse(error, acceptLanguage, shape, received - 1, why);
        }
    }

    /** Answers once every earlier answer on the connection is out, then closes; nothing more is read. */
    private void refuse(InvalidRequestException error, @Nullable String language, ApiShape requestShape, int afterAnswers, String why) {
        phase = Phase.REFUSED;
        disarm();
        FullHttpResponse refusal = refusals.refusal(error, language, requestShape, why);
        if (answered >= afterAnswers) {
            ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
        } else {
            pendingRefusal = refusal;
            refuseAfterAnswers = afterAnswers;
        }
    }

    private void arm(Duration timeout) {
        disarm();
        deadline = ctx.executor().schedule(this::expired, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void disarm() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private static ApiShape shapeOf(HttpRequest request) {
        return ApiShape.of(request.uri(), request.headers().contains(ApiShape.ANTHROPIC_VERSION));
    }

    private static String seconds(Duration timeout) {
        long millis = timeout.toMillis();
        return millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0);
    }

}
