package sai.gateway.messages;

import com.fasterxml.jackson.databind.JsonNode;
import sai.gateway.testing.AnthropicEvents;
import sai.gateway.testing.AnthropicEvents.Frame;
import sai.gateway.testing.Json;
import sai.gateway.testing.RawHttp;

import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an Anthropic client reads off the wire, checked the strict way: the SDKs and Claude Code drop an SSE frame
 * without its {@code event:} line, and read errors only in the {@code {"type":"error",...}} envelope.
 */
final class AnthropicWire {

    private AnthropicWire() {
    }

    /** Every frame of a Messages API stream, each checked strictly (see {@link AnthropicEvents#frames}). */
    static List<Frame> frames(String body) {
        return AnthropicEvents.frames(body);
    }

    static List<String> events(List<Frame> frames) {
        return frames.stream().map(Frame::event).toList();
    }

    /** The frames without pings, which Anthropic may send anywhere in a stream. */
    static List<Frame> withoutPings(List<Frame> frames) {
        return frames.stream().filter(f -> !f.event().equals("ping")).toList();
    }

    static Set<String> keys(JsonNode object) {
        Set<String> keys = new TreeSet<>();
        Iterator<String> names = object.fieldNames();
        names.forEachRemaining(keys::add);
        return keys;
    }

    /**
     * An Anthropic error as an SDK reads it: the status, a JSON body that is exactly
     * {@code {"type":"error","error":{"type","message"},"request_id"}} (no OpenAI {@code code}/{@code param}), and the
     * same request id in {@code request-id}, {@code x-request-id} and the body. Returns {@code error.message}.
     */
    static String assertError(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).as("status; body: %s", response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).as("content type")
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        return assertErrorBody(response.body(), type, response.headers().firstValue("request-id").orElse(null),
                response.headers().firstValue("x-request-id").orElse(null));
    }

    static String assertError(RawHttp.Response response, int status, String type) {
        assertThat(response.status()).as("status; body: %s", response.body()).isEqualTo(status);
        assertThat(response.header("content-type")).startsWith("application/json");
        return assertErrorBody(response.body(), type, response.header("request-id"), response.header("x-request-id"));
    }

    private static String assertErrorBody(String body, String type, String requestIdHeader, String xRequestId) {
        JsonNode document = Json.parse(body);
        assertThat(keys(document)).as("top-level keys of %s", body).containsExactly("error", "request_id", "type");
        assertThat(document.path("type").asText()).isEqualTo("error");
        JsonNode error = document.path("error");
        assertThat(keys(error)).as("error keys of %s", body).containsExactly("message", "type");
        assertThat(error.path("type").asText()).as("error.type of %s", body).isEqualTo(type);
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(xRequestId).as("x-request-id header").isNotBlank();
        assertThat(requestIdHeader).as("Anthropic's request-id header, which the SDKs report").isEqualTo(xRequestId);
        assertThat(document.path("request_id").asText()).as("request_id of %s", body).isEqualTo(xRequestId);
        return error.path("message").asText();
    }
}
