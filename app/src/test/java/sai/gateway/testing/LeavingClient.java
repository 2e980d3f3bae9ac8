package sai.gateway.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that asks for a stream and leaves once the first heartbeat arrived, closing its connection: raw HTTP/1.1 over a
 * socket, since an HTTP client library may keep the connection (and the stream) open after its caller stops reading.
 */
public final class LeavingClient {

    private LeavingClient() {
    }

    public static void leaveAfterFirstHeartbeat(URI base, String path, String jsonBody) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            byte[] body = jsonBody.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.equals(": keep-alive"));
            assertThat(line).as("a heartbeat, so the stream was open when the client left").isNotNull();
        }
    }
}
