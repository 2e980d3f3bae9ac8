package sai.gateway.chat;

import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent event frames, written by hand because the framework's encoder cannot emit a bare
 * comment line, which is what keeps proxies from closing a stream that waits minutes for SAI.
 */
@Singleton
public class SseFrames {

    static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] HEARTBEAT = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

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
}
