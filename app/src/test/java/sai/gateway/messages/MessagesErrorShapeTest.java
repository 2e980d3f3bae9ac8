package sai.gateway.messages;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sai.gateway.testing.RawHttp;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static sai.gateway.messages.AnthropicWire.assertError;

/**
 * Every failure an Anthropic client can cause or meet on the Messages API's routes, on the wire: Anthropic's error
 * envelope and status (never OpenAI's {@code error.code}), the same request id in {@code request-id},
 * {@code x-request-id} and the body, and, for the client's own mistakes, no SAI call. Refusals made before routing
 * (framing, size, content type and encoding) are here too: they must not fall back to the OpenAI shape.
 */
@MicronautTest
class MessagesErrorShapeTest extends SaiFakeTest {

    private static final int MAX_REQUEST_BYTES = 8192;
    private static final String MODEL = "claude-sonnet-4-5-20250929";
    private static final String VALID = "{\"model\":\"" + MODEL + "\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("micronaut.server.max-request-size", Integer.toString(MAX_REQUEST_BYTES));
    }

    private HttpResponse<String> post(String path, String contentType, String contentEncoding, byte[] body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        if (contentEncoding != null) {
            builder.header("Content-Encoding", contentEncoding);
        }
        return send(builder.build());
    }

    private HttpResponse<String> post(String path, String json) {
        return post(path, "application/json", null, json.getBytes(StandardCharsets.UTF_8));
    }

    // ---- The client's mistakes: 4xx, SAI never called -----------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"/v1/messages", "/messages"})
    void missingMaxTokensIsAnInvalidRequestNamingIt(String path) {
        stubAnswer("never", 1, 1, MODEL);

        String message = assertError(post(path, VALID.replace("\"max_tokens\":100,", "")), 400, "invalid_request_error");

        assertThat(message).contains("max_tokens");
        assertThat(saiRequests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/messages", "/v1/messages/count_tokens"})
    void invalidJsonIsAnInvalidRequest(String path) {
        stubAnswer("never", 1, 1, MODEL);

        assertError(post(path, "{\"model\":\"" + MODEL + "\",\"messages\":[{"), 400, "invalid_request_error");

        assertThat(saiRequests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/messages", "/v1/messages/count_tokens"})
    void invalidUtf8IsAnInvalidRequest(String path) {
        stubAnswer("never", 1, 1, MODEL);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(VALID.replace("\"hi\"", "\"h").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(new byte[]{(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
        body.writeBytes("\"}]}".getBytes(StandardCharsets.UTF_8));

        assertError(post(path, "application/json", null, body.toByteArray()), 400, "invalid_request_error");

        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void anImageBlockIsAnInvalidRequestNamingTheBlock() {
        stubAnswer("never", 1, 1, MODEL);
        String image = VALID.replace("\"content\":\"hi\"", "\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\","
                + "\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}]");

        String message = assertError(post("/v1/messages", image), 400, "invalid_request_error");

        assertThat(message).contains("messages[0].content[0]");
        assertThat(saiRequests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/messages", "/v1/messages/count_tokens"})
    void anUnknownModelIsNotFound(String path) {
        stubAnswer("never", 1, 1, MODEL);

        String message = assertError(post(path, VALID.replace(MODEL, "claude-unknown-9")), 404, "not_found_error");

        assertThat(message).contains("claude-unknown-9");
        assertThat(saiRequests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/messages", "/v1/messages/count_tokens", "/messages"})
    void getOnAMessagesRouteIs405(String path) {
        assertError(get(path, "anthropic-version", "2023-06-01"), 405, "invalid_request_error");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/messages/nope", "/v1/messages/batches", "/messages/nope"})
    void anUnknownPathUnderMessagesIs404(String path) {
        stubAnswer("never", 1, 1, MODEL);

        assertError(post(path, VALID), 404, "not_found_error");

        assertThat(saiRequests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/messages", "/v1/messages/count_tokens"})
    void aBodyNotSentAsJsonIs415(String path) {
        stubAnswer("never", 1, 1, MODEL);

        assertError(post(path, "text/plain", null, VALID.getBytes(StandardCharsets.UTF_8)), 415, "invalid_request_error");
        assertError(post(path, null, null, VALID.getBytes(StandardCharsets.UTF_8)), 415, "invalid_request_error");

        assertThat(saiRequests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/messages", "/v1/messages/count_tokens"})
    void aGzippedBodyIs415(String path) throws IOException {
        stubAnswer("never", 1, 1, MODEL);
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
            gzip.write(VALID.getBytes(StandardCharsets.UTF_8));
        }

        assertError(post(path, "application/json", "gzip", gzipped.toByteArray()), 415, "invalid_request_error");

        assertThat(saiRequests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/messages", "/v1/messages/count_tokens"})
    void aBodyOverTheLimitIsRequestTooLarge(String path) {
        stubAnswer("never", 1, 1, MODEL);

        assertError(post(path, VALID.replace("\"hi\"", "\"" + "x".repeat(MAX_REQUEST_BYTES * 2) + "\"")), 413, "request_too_large");

        assertThat(saiRequests()).isEmpty();
    }

    /*
     * GATEWAY BUG, failing on purpose (reported to the lead): refusals made before routing (edge.EdgeRefusals) carry
     * x-request-id but no request-id header, so an Anthropic SDK reports no request id for them. Body and status are right.
     */
    @Test
    void anAmbiguousLengthOnMessagesIsA400InAnthropicsShape() throws IOException {
        stubAnswer("never", 1, 1, MODEL);
        String chunked = Integer.toHexString(VALID.length()) + "\r\n" + VALID + "\r\n0\r\n\r\n";
        String request = "POST /v1/messages?beta=true HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "anthropic-version: 2023-06-01\r\nTransfer-Encoding: chunked\r\nContent-Length: " + VALID.length() + "\r\n\r\n" + chunked;

        RawHttp.Response response;
        try (RawHttp raw = new RawHttp(server.getHost(), server.getPort())) {
            response = raw.send(request).response(2_000);
        }

        assertThat(response).isNotNull();
        assertError(response, 400, "invalid_request_error");
        assertThat(response.closed()).isTrue();
        assertThat(saiRequests()).isEmpty();
    }

    /*
     * GATEWAY BUG, failing on purpose (reported to the lead): a request Netty could not decode is refused in OpenAI's shape
     * even on /v1/messages (RequestEdgeHandler takes ApiShape.OPENAI whenever decoderResult() failed, though the request
     * line was read), and without request-id like every edge refusal.
     */
    @Test
    void oversizedHeadersOnMessagesAreA431InAnthropicsShape() throws IOException {
        RawHttp.Response response;
        try (RawHttp raw = new RawHttp(server.getHost(), server.getPort())) {
            response = raw.send("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nanthropic-version: 2023-06-01\r\nX-Big: "
                    + "a".repeat(20_000) + "\r\nContent-Type: application/json\r\nContent-Length: " + VALID.length() + "\r\n\r\n" + VALID)
                    .response(2_000);
        }

        assertThat(response).isNotNull();
        assertError(response, 431, "invalid_request_error");
        assertThat(saiRequests()).isEmpty();
    }

    // ---- SAI's failures ----------------------------------------------------------------------

    @Test
    void saiUnavailableAfterRetriesIsOverloaded529() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(503).withBody("<html>down</html>")));

        HttpResponse<String> response = post("/v1/messages", VALID);

        String message = assertError(response, 529, "overloaded_error");
        assertThat(message).doesNotContain("<html>");
        assertThat(saiRequests()).hasSize(3); // the first attempt and sai.max-retries=2
    }

    @Test
    void saiInternalErrorIsApiError500() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500).withBody("NullPointerException at com.sai.internal.X")));

        HttpResponse<String> response = post("/v1/messages", VALID);

        assertThat(assertError(response, 500, "api_error")).doesNotContain("com.sai.internal");
        SaiCalls.single(saiRequests());
    }

    @Test
    void saiRefusingTheUsersKeyIsAuthenticationError401() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401).withBody("Invalid key")));
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/messages")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("anthropic-version", "2023-06-01")
                .header("user_api_key", "user-KEY-77aa")
                .POST(HttpRequest.BodyPublishers.ofString(VALID)).build();

        HttpResponse<String> response = send(request);

        assertThat(assertError(response, 401, "authentication_error")).doesNotContain("user-KEY-77aa");
        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), "user-KEY-77aa");
    }

    @Test
    void aStreamedRequestRefusedBeforeItStartsIsAPlainAnthropicError() {
        stubAnswer("never", 1, 1, MODEL);

        HttpResponse<String> response = post("/v1/messages", VALID.replace("\"max_tokens\":100,", "\"stream\":true,"));

        assertThat(assertError(response, 400, "invalid_request_error")).contains("max_tokens");
        assertThat(saiRequests()).isEmpty();
    }
}
