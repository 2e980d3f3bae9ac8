package sai.gateway.edge;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenApiSchemas;
import sai.gateway.testing.RawHttp;
import sai.gateway.testing.SaiFakeTest;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that sends its request slowly (slowloris: a byte now and then, never idle) is cut off after
 * CLIENT_HEADER_TIMEOUT for the head and CLIENT_BODY_TIMEOUT for the body, with a 408 and a closed
 * connection; a connection that never asks anything is just closed. Neither bound touches the wait for SAI:
 * here both are one second, and answers that take SAI three seconds, streamed or not, arrive whole; a
 * kept-alive connection may sit idle between requests.
 */
@MicronautTest
class SlowClientTest extends SaiFakeTest {

    private static final String BODY = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("edge.header-timeout", "1s", "edge.body-timeout", "1s");
    }

    @Test
    void headersSentAByteAtATimeGetA408AndTheConnectionIsClosed() throws Exception {
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "X-Padding: " + "p".repeat(200) + "\r\n";
        try (RawHttp connection = new RawHttp(server.getHost(), server.getPort())) {
            Thread trickle = trickle(connection, head.getBytes(StandardCharsets.ISO_8859_1));

            RawHttp.Response response = connection.response(5_000);
            trickle.interrupt();

            assertRequestTimeout(response).contains("headers");
            assertThat(response.closed()).isTrue();
        }
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void aBodySentAByteAtATimeGetsA408AndTheConnectionIsClosed() throws Exception {
        stubAnswer("must not be asked", 1, 1, "sai-model");
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + (BODY.length() + 300) + "\r\n\r\n";
        try (RawHttp connection = new RawHttp(server.getHost(), server.getPort())) {
            connection.send(head);
            Thread trickle = trickle(connection, (BODY + " ".repeat(300)).getBytes(StandardCharsets.UTF_8));

            RawHttp.Response response = connection.response(5_000);
            trickle.interrupt();

            assertRequestTimeout(response).contains("body");
            assertThat(response.closed()).isTrue();
        }
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void aConnectionThatAsksNothingIsClosedWithoutAnAnswer() throws IOException {
        try (RawHttp connection = new RawHttp(server.getHost(), server.getPort())) {
            assertThat(connection.closesWithin(10_000)).isTrue();
        }
    }

    @Test
    void aSlowSaiAnswerIsNotCutNeitherStreamedNorPlain() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(200).withHeader("prompttokens", "1").withHeader("completiontokens", "2")
                .withBody("after three seconds").withFixedDelay(3_000)));

        HttpResponse<String> plain = postJson("/v1/chat/completions", chat("hi"));
        HttpResponse<String> streamed = postJson("/v1/chat/completions",
                "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
        assertThat(Json.parse(plain.body()).at("/choices/0/message/content").asText()).isEqualTo("after three seconds");
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.body()).contains("after three seconds").endsWith("data: [DONE]\n\n");
    }

    @Test
    void aKeptAliveConnectionMayWaitBetweenRequests() throws Exception {
        stubAnswer("ok", 1, 1, "sai-model");
        String request = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + BODY.length() + "\r\n\r\n" + BODY;
        try (RawHttp connection = new RawHttp(server.getHost(), server.getPort())) {
            RawHttp.Response first = connection.send(request).response(100);
            assertThat(connection.closesWithin(2_500)).as("closed while idle between requests").isFalse();
            RawHttp.Response second = connection.send(request).response(100);

            assertThat(first.status()).isEqualTo(200);
            assertThat(second.status()).as(second.body()).isEqualTo(200);
        }
    }

    /** Some old clients put an empty line after a body; RFC 9112 section 2.2 asks a server to ignore it, and Netty skips it. */
    @Test
    void anEmptyLineAfterABodyDoesNotCutTheKeptAliveConnection() throws Exception {
        stubAnswer("ok", 1, 1, "sai-model");
        String request = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + BODY.length() + "\r\n\r\n" + BODY;
        try (RawHttp connection = new RawHttp(server.getHost(), server.getPort())) {
            RawHttp.Response first = connection.send(request).response(100);
            connection.send("\r\n");
            assertThat(connection.quietFor(2_500)).as("neither an answer nor a close while idle after the empty line").isTrue();
            connection.send("\r\n");
            RawHttp.Response second = connection.send(request).response(100);

            assertThat(first.status()).isEqualTo(200);
            assertThat(second.status()).as(second.body()).isEqualTo(200);
        }
        assertThat(saiRequests()).hasSize(2);
    }

    @Test
    void aConnectionThatSendsOnlyAnEmptyLineIsClosedWithoutAnAnswer() throws IOException {
        try (RawHttp connection = new RawHttp(server.getHost(), server.getPort())) {
            connection.send("\r\n");
            assertThat(connection.closesWithin(10_000)).as("closed, and no 408 for a request never begun").isTrue();
        }
    }

    @Test
    void aStreamOfEmptyLinesIsAHeadThatDoesNotArrive() throws Exception {
        try (RawHttp connection = new RawHttp(server.getHost(), server.getPort())) {
            Thread trickle = trickle(connection, "\r\n".repeat(100).getBytes(StandardCharsets.ISO_8859_1));

            RawHttp.Response response = connection.response(5_000);
            trickle.interrupt();

            assertRequestTimeout(response).contains("headers");
            assertThat(response.closed()).isTrue();
        }
    }

    /** Sends the bytes one every 100 ms on another thread, until they run out, the connection fails or the thread is interrupted. */
    private static Thread trickle(RawHttp connection, byte[] bytes) {
        AtomicBoolean done = new AtomicBoolean();
        Thread thread = new Thread(() -> {
            try {
                for (int i = 0; i < bytes.length && !done.get(); i++) {
                    connection.send(new byte[]{bytes[i]});
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException stopped) {
                done.set(true);
            }
        }, "trickle");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static org.assertj.core.api.AbstractStringAssert<?> assertRequestTimeout(RawHttp.Response response) {
        assertThat(response).as("an answer before the connection ended").isNotNull();
        assertThat(response.status()).as(response.body()).isEqualTo(408);
        assertThat(response.header("x-request-id")).matches("[0-9a-f]{8}");
        OpenApiSchemas.assertValidIfSpecPresent("ErrorResponse", response.body());
        JsonNode error = Json.parse(response.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("request_timeout");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        return assertThat(error.path("message").asText());
    }
}
