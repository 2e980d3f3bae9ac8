package sai.gateway.edge;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiFakeTest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README promises 415 for a body not sent as JSON: every API POST route refuses a missing, empty or
 * non-JSON {@code Content-Type} and a JSON charset other than UTF-8, and any {@code Content-Encoding} (the
 * gateway takes bodies uncompressed: no OpenAI SDK compresses a request, and the old gateway never
 * decompressed one). Broken compressed bytes are refused the same way, never a 500. None of it reaches SAI.
 * What the SDKs send ({@code application/json}, with or without {@code charset=utf-8}) is served.
 */
@MicronautTest
class RequestBodyFormatTest extends SaiFakeTest {

    private static final String CHAT = "{\"model\":\"sai-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String RESPONSES = "{\"model\":\"sai-model\",\"input\":\"hi\"}";
    private static final String COMPLETIONS = "{\"model\":\"sai-model\",\"prompt\":\"hi\"}";

    /** Every API POST route with a body it would serve, also with the one trailing slash Micronaut's router serves it under. */
    static List<Arguments> routes() {
        List<Arguments> routes = new ArrayList<>();
        for (String slash : List.of("", "/")) {
            routes.addAll(List.of(
                    Arguments.of("/v1/chat/completions" + slash, CHAT), Arguments.of("/chat/completions" + slash, CHAT),
                    Arguments.of("/v1/responses" + slash, RESPONSES), Arguments.of("/responses" + slash, RESPONSES),
                    Arguments.of("/v1/completions" + slash, COMPLETIONS), Arguments.of("/completions" + slash, COMPLETIONS)));
        }
        return routes;
    }

    static Stream<Arguments> refusedContentTypes() {
        List<String> types = new ArrayList<>();
        types.add(null);
        types.addAll(List.of("", "foo", "text/plain", "application/json; charset=latin1", "application/json; charset=utf-16",
                "application/x-ndjson", "*/*"));
        return routes().stream().flatMap(route -> types.stream().map(type -> Arguments.of(route.get()[0], route.get()[1], type)));
    }

    @ParameterizedTest(name = "{0} with Content-Type [{2}]")
    @MethodSource("refusedContentTypes")
    void aBodyNotSentAsJsonIsA415(String path, String body, String contentType) {
        HttpResponse<String> response = post(path, contentType, null, bytes(body));

        JsonNode error = OpenAiErrors.assertError(response, 415, "invalid_request_error", "unsupported_media_type", null);
        assertThat(error.path("message").asText()).contains("application/json");
        assertThat(saiRequests()).isEmpty();
    }

    static Stream<Arguments> acceptedContentTypes() {
        // openai-python and openai-node send application/json; openai-java (OkHttp) adds charset=utf-8.
        List<String> types = List.of("application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8",
                "Application/JSON", "application/json; charset=\"utf-8\"");
        return routes().stream().flatMap(route -> types.stream().map(type -> Arguments.of(route.get()[0], route.get()[1], type)));
    }

    @ParameterizedTest(name = "{0} with Content-Type [{2}]")
    @MethodSource("acceptedContentTypes")
    void whatTheSdksSendIsServed(String path, String body, String contentType) {
        stubAnswer("ok", 1, 1, "sai-model");

        HttpResponse<String> response = post(path, contentType, null, bytes(body));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(saiRequests()).hasSize(1);
    }

    static Stream<Arguments> refusedEncodings() {
        byte[] chat = bytes(CHAT);
        return Stream.of(
                Arguments.of("gzip", gzip(chat), "valid gzip"),
                Arguments.of("gzip", chat, "gzip header on plain JSON"),
                Arguments.of("x-gzip", chat, "x-gzip header on plain JSON"),
                Arguments.of("deflate", deflate(chat), "valid deflate"),
                Arguments.of("deflate", chat, "deflate header on plain JSON"),
                Arguments.of("snappy", chat, "snappy header on plain JSON"),
                Arguments.of("br", chat, "br header on plain JSON"),
                Arguments.of("zstd", chat, "zstd header on plain JSON"),
                Arguments.of("gzip, identity", gzip(chat), "two codings"),
                Arguments.of("compress", chat, "a coding nobody supports"));
    }

    @ParameterizedTest(name = "Content-Encoding [{0}]: {2}")
    @MethodSource("refusedEncodings")
    void aCompressedBodyIsA415NeverA500(String encoding, byte[] body, String what) {
        HttpResponse<String> response = post("/v1/chat/completions", "application/json", encoding, body);

        JsonNode error = OpenAiErrors.assertError(response, 415, "invalid_request_error", "unsupported_media_type", null);
        assertThat(error.path("message").asText()).contains("Content-Encoding");
        assertThat(saiRequests()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void identityIsNoEncoding(String path, String body) {
        stubAnswer("ok", 1, 1, "sai-model");

        HttpResponse<String> response = post(path, "application/json", "identity", bytes(body));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private HttpResponse<String> post(String path, String contentType, String encoding, byte[] body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        if (encoding != null) {
            builder.header("Content-Encoding", encoding);
        }
        return send(builder.build());
    }

    private static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream zip = new DeflaterOutputStream(out)) {
            zip.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
