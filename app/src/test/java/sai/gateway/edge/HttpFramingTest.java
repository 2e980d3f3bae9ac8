package sai.gateway.edge;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenApiSchemas;
import sai.gateway.testing.RawHttp;
import sai.gateway.testing.SaiFakeTest;

import java.io.IOException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests refused at the HTTP layer, before routing, over a raw socket against the embedded Netty server.
 * Each gets an OpenAI error with an {@code x-request-id} like every other refusal, and a connection that
 * cannot be trusted for a next request is closed. An ambiguous length (Transfer-Encoding with Content-Length,
 * a transfer coding other than chunked alone) is how request smuggling starts: RFC 9112 section 6.3 asks for
 * 400 and a closed connection. Oversized headers are a 431 and an oversized request line a 414, not the
 * "body too large" 413 Netty reports for both.
 */
@MicronautTest
class HttpFramingTest extends SaiFakeTest {

    private static final String BODY = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static Stream<Arguments> ambiguousFraming() {
        String chunked = Integer.toHexString(BODY.length()) + "\r\n" + BODY + "\r\n0\r\n\r\n";
        String post = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";
        return Stream.of(
                Arguments.of("Transfer-Encoding and Content-Length",
                        post + "Transfer-Encoding: chunked\r\nContent-Length: " + BODY.length() + "\r\n\r\n" + chunked, "Content-Length"),
                Arguments.of("Content-Length and then Transfer-Encoding",
                        post + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked, "Content-Length"),
                Arguments.of("gzip before chunked", post + "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunked, "gzip, chunked"),
                Arguments.of("gzip alone: the body's end cannot be found", post + "Transfer-Encoding: gzip\r\n\r\n" + BODY, "gzip"),
                Arguments.of("chunked twice", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked, "chunked"),
                Arguments.of("chunked on HTTP/1.0", post.replace("HTTP/1.1", "HTTP/1.0") + "Transfer-Encoding: chunked\r\n\r\n" + chunked,
                        "chunked"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ambiguousFraming")
    void anAmbiguousLengthIsA400AndTheConnectionIsClosed(String what, String request, String messageContains) throws IOException {
        stubAnswer("must not be asked", 1, 1, "sai-model");

        RawHttp.Response response = exchange(request);

        JsonNode error = assertRefused(response, 400, "bad_request");
        assertThat(error.path("message").asText()).contains(messageContains);
        assertThat(response.closed()).as("connection closed after the refusal").isTrue();
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void oversizedHeadersAreA431NamingTheHeaders() throws IOException {
        RawHttp.Response response = exchange("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");

        JsonNode error = assertRefused(response, 431, "request_headers_too_large");
        assertThat(error.path("message").asText()).contains("headers").doesNotContain("body");
        assertThat(response.closed()).isTrue();
    }

    @Test
    void anOversizedRequestLineIsA414() throws IOException {
        RawHttp.Response response = exchange("GET /" + "a".repeat(9_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");

        assertRefused(response, 414, "uri_too_long");
        assertThat(response.closed()).isTrue();
    }

    @Test
    void aRequestLineThatIsNotHttpIsA400WithARequestId() throws IOException {
        RawHttp.Response response = exchange("GARBAGE\r\n\r\n");

        assertRefused(response, 400, "bad_request");
        assertThat(response.closed()).isTrue();
    }

    @Test
    void aNulInAHeaderIsA400WithARequestId() throws IOException {
        RawHttp.Response response = exchange("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Note: a\u0000b\r\n\r\n");

        assertRefused(response, 400, "bad_request");
        assertThat(response.closed()).isTrue();
    }

    @Test
    void anUnreadableUriIsA400WithARequestId() throws IOException {
        RawHttp.Response response = exchange("GET /v1/models/%zz HTTP/1.1\r\nHost: localhost\r\n\r\n");

        assertThat(response.status()).isBetween(400, 499);
        assertThat(response.header("x-request-id")).matches("[0-9a-f]{8}");
        OpenApiSchemas.assertValidIfSpecPresent("ErrorResponse", response.body());
    }

    /**
     * Netty ends a body at its first malformed chunk, with what it read so far, and then discards every byte of the
     * connection: a valid JSON body in the first chunk would otherwise be answered and the connection left silent.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedChunks")
    void aMalformedChunkIsA400AndSaiIsNotCalled(String what, String afterTheFirstChunk) throws Exception {
        stubAnswer("must not be asked", 1, 1, "sai-model");
        String request = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(BODY.length()) + "\r\n" + BODY + "\r\n" + afterTheFirstChunk;

        RawHttp.Response response = exchange(request);

        JsonNode error = assertRefused(response, 400, "bad_request");
        assertThat(error.path("message").asText()).contains("chunked");
        assertThat(response.closed()).as("connection closed after the refusal").isTrue();
        assertThat(saiRequests()).isEmpty();
    }

    static Stream<Arguments> malformedChunks() {
        return Stream.of(
                Arguments.of("a chunk size that is not hex", "zz\r\n"),
                Arguments.of("a chunk size that is not hex, then more", "zz\r\n5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("a trailer line without a colon", "0\r\nnot a header\r\n\r\n"));
    }

    @Test
    void chunkedAloneIsServedAndTheConnectionKeptAlive() throws IOException {
        stubAnswer("ok", 1, 1, "sai-model");
        String chunked = Integer.toHexString(BODY.length()) + "\r\n" + BODY + "\r\n0\r\n\r\n";
        String request = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + chunked;

        try (RawHttp connection = new RawHttp(server.getHost(), server.getPort())) {
            RawHttp.Response first = connection.send(request).response(300);
            RawHttp.Response second = connection.send(request).response(300);

            assertThat(first.status()).as(first.body()).isEqualTo(200);
            assertThat(first.closed()).isFalse();
            assertThat(second.status()).as(second.body()).isEqualTo(200);
        }
        assertThat(saiRequests()).hasSize(2);
    }

    private RawHttp.Response exchange(String request) throws IOException {
        try (RawHttp connection = new RawHttp(server.getHost(), server.getPort())) {
            RawHttp.Response response = connection.send(request).response(5_000);
            assertThat(response).as("an answer before the connection ended").isNotNull();
            return response;
        }
    }

    private static JsonNode assertRefused(RawHttp.Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("content-type")).startsWith("application/json");
        assertThat(response.header("x-request-id")).as("x-request-id").isNotNull().matches("[0-9a-f]{8}");
        OpenApiSchemas.assertValidIfSpecPresent("ErrorResponse", response.body());
        JsonNode error = Json.parse(response.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).isNotBlank().doesNotContain("Exception", "netty", "io.");
        return error;
    }
}
