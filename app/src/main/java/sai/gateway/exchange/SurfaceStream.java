package sai.gateway.exchange;

import sai.gateway.sai.SaiAnswer;
import sai.gateway.tools.AssistantReply;

import java.util.List;

/** The frames of one streamed answer, in the surface's event format; created per request, so it may number its events. */
public interface SurfaceStream {

    /** Sent at once, before SAI answers. */
    List<byte[]> opening();

    /** Sent every {@code STREAM_HEARTBEAT_SECONDS} while SAI works: an SSE comment, unless the API has its own event for it. */
    default byte[] heartbeat() {
        return SseFrames.HEARTBEAT;
    }

    /** The answer's events, to the end of the stream. */
    List<byte[]> completed(AssistantReply reply, SaiAnswer answer);

    /** After the stream started its status is sent: the failure becomes the surface's error events, and the stream ends. */
    List<byte[]> failed(Throwable error);
}
