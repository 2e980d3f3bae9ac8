package sai.gateway.exchange;

import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import sai.gateway.openai.ErrorResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent event frames, written by hand because the framework's encoder cannot emit a bare
 * comment line, which is what keeps proxies from closing a stream that waits minutes for SAI.
 */
@Singleton
public class SseFrames {

    public static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] HEARTBEAT = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LINE = "\n".getBytes(StandardCharsets.US_ASCII);

    private final JsonMapper json;

    public SseFrames(JsonMapper json) {
        this.json = json;
    }

    /** One {@code data:} event; JSON output has no raw line breaks, so one line is always enough. */
    public byte[] data(Object value) {
        try {
            byte[] payload = json.writeValueAsBytes(value);
            byte[] frame = new byte[DATA.length + payload.length + END.length];
            System.arraycopy(DATA, 0, frame, 0, DATA.length);
            System.arraycopy(payload, 0, frame, DATA.length, payload.length);
            System.arraycopy(END, 0, frame, DATA.length + payload.length, END.length);
            return frame;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A value as compact JSON text, for a field that carries JSON as a string (Anthropic's {@code partial_json}). */
    public String json(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The error event of a chat or legacy completions stream: {@code event: error}, then {@code data: {"error":...}}. */
    public byte[] error(ErrorResponse body) {
        return event("error", body);
    }

    /** A named event ({@code event:} line, then {@code data:}), as the Responses API streams; {@code name} is one of our event types, never client text. */
    public byte[] event(String name, Object value) {
        byte[] type = name.getBytes(StandardCharsets.US_ASCII);
        byte[] data = data(value);
        byte[] frame = new byte[EVENT.length + type.length + LINE.length + data.length];
        System.arraycopy(EVENT, 0, frame, 0, EVENT.length);
        System.arraycopy(type, 0, frame, EVENT.length, type.length);
        System.arraycopy(LINE, 0, frame, EVENT.length + type.length, LINE.length);
        System.arraycopy(data, 0, frame, EVENT.length + type.length + LINE.length, data.length);
        return frame;
    }
}
