package sai.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenApiSchemas;
import sai.gateway.testing.SaiFakeTest;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests the gateway must refuse on its own: each gets an OpenAI-shaped 4xx naming what was wrong,
 * and SAI never hears of it (a fake SAI with no stubs would also turn any leaked call into a 502).
 */
@MicronautTest
class BadInputTest extends SaiFakeTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final String LEGACY_CHAT = "/chat/completions";
    private static final String JSON = "application/json";
    private static final int MAX_REQUEST_BYTES = 65536;
    private static final String USER_MESSAGE = "{\"role\":\"user\",\"content\":\"hi\"}";
    private static final String MESSAGES = "\"messages\":[" + USER_MESSAGE + "]";

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("micronaut.server.max-request-size", Integer.toString(MAX_REQUEST_BYTES));
    }

    /** One refused request and what the client must read back; {@code param} null means the body's param must be null. */
    record Case(String name, String method, String path, String contentType, byte[] body, List<String> headers,
                int status, String code, String param, String messageContains) {

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();

        // Malformed JSON
        c.add(json("truncated object", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}", 400, "invalid_json", null));
        c.add(json("trailing garbage after the object", "{" + MESSAGES + "} trailing", 400, "invalid_json", null));
        c.add(json("second object after the first", "{" + MESSAGES + "}{" + MESSAGES + "}", 400, "invalid_json", null));
        c.add(json("single quotes", "{'messages':[{'role':'user','content':'hi'}]}", 400, "invalid_json", null));
        c.add(json("unquoted keys", "{messages:[{role:\"user\",content:\"hi\"}]}", 400, "invalid_json", null));
        c.add(json("NaN literal", "{" + MESSAGES + ",\"temperature\":NaN}", 400, "invalid_json", null));
        c.add(json("trailing comma", "{" + MESSAGES + ",}", 400, "invalid_json", null));
        c.add(json("comment", "{/* note */" + MESSAGES + "}", 400, "invalid_json", null));
        c.add(json("empty body", "", 400, "invalid_json", null));
        c.add(json("whitespace body", "  \n\t ", 400, "invalid_json", null));
        c.add(raw("invalid UTF-8 bytes", JSON, invalidUtf8(), 400, "invalid_json", null, null));
        // Lenient decoders read these as characters: '/' from the overlong forms, lone surrogates from the rest.
        c.add(raw("overlong 2-byte '/' (C0 AF)", JSON, inContent(0xC0, 0xAF), 400, "invalid_json", null, null));
        c.add(raw("overlong 3-byte '/' (E0 80 AF)", JSON, inContent(0xE0, 0x80, 0xAF), 400, "invalid_json", null, null));
        c.add(raw("overlong 4-byte '/' (F0 80 80 AF)", JSON, inContent(0xF0, 0x80, 0x80, 0xAF), 400, "invalid_json", null, null));
        c.add(raw("above U+10FFFF (F4 90 80 80)", JSON, inContent(0xF4, 0x90, 0x80, 0x80), 400, "invalid_json", null, null));
        c.add(raw("UTF-8 encoded surrogate (ED A0 80)", JSON, inContent(0xED, 0xA0, 0x80), 400, "invalid_json", null, null));
        c.add(raw("truncated 3-byte sequence at the end", JSON, truncatedAtEnd(), 400, "invalid_json", null, null));
        // Escapes decode to text as well: Jackson takes a lone surrogate escape as is, and SAI would get it re-escaped.
        String surrogate = "unpaired surrogate";
        c.add(raw("lone high surrogate escape", JSON, escapedInContent("\\ud800"), 400, "invalid_json", null, surrogate));
        c.add(raw("lone low surrogate escape", JSON, escapedInContent("\\uDFFF"), 400, "invalid_json", null, surrogate));
        c.add(raw("high surrogate escape before a letter escape", JSON, escapedInContent("\\ud83d\\u0041"), 400, "invalid_json", null,
                surrogate));
        c.add(raw("surrogate pair escaped in the wrong order", JSON, escapedInContent("\\ude00\\ud83d"), 400, "invalid_json", null,
                surrogate));
        c.add(raw("high surrogate escape before a raw emoji", JSON, escapedInContent("\\ud83d\u00f0\u009f\u0098\u0080"), 400,
                "invalid_json", null, surrogate));
        c.add(json("lone surrogate escape in the model", "{\"model\":\"sai-model\\udbff\"," + MESSAGES + "}", 400, "invalid_json", null));
        c.add(json("lone surrogate escape in an ignored field's name", "{" + MESSAGES + ",\"x\\ud800\":1}", 400, "invalid_json", null));
        c.add(raw("UTF-16 body", JSON, ("{" + MESSAGES + "}").getBytes(StandardCharsets.UTF_16LE), 400, "invalid_json", null, null));
        c.add(json("JSON array as root", "[" + USER_MESSAGE + "]", 400, "invalid_json", null));
        c.add(json("JSON string as root", "\"hello\"", 400, "invalid_json", null));
        c.add(json("JSON number as root", "42", 400, "invalid_json", null));
        c.add(json("JSON null as root", "null", 400, "invalid_json", null));
        c.add(json("5000 nested arrays as root", "[".repeat(5000) + "]".repeat(5000), 400, "invalid_json", null));
        c.add(json("5000 nested arrays in an ignored field", "{" + MESSAGES + ",\"extra\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
                400, "invalid_json", null));

        // Wrong types in every field the gateway reads
        c.add(json("messages as object", "{\"messages\":{\"role\":\"user\",\"content\":\"hi\"}}", 400, "invalid_type", "messages"));
        c.add(json("messages as string", "{\"messages\":\"hi\"}", 400, "invalid_type", "messages"));
        c.add(json("messages null", "{\"messages\":null}", 400, "missing_required_parameter", "messages"));
        c.add(json("message as string", "{\"messages\":[\"hi\"]}", 400, "invalid_type", "messages[0]"));
        c.add(json("role as number", "{\"messages\":[{\"role\":1,\"content\":\"hi\"}]}", 400, "invalid_type", "messages[0].role"));
        c.add(json("role null", "{\"messages\":[{\"role\":null,\"content\":\"hi\"}]}", 400, "missing_required_parameter", "messages[0].role"));
        c.add(json("role missing", "{\"messages\":[{\"content\":\"hi\"}]}", 400, "missing_required_parameter", "messages[0].role"));
        c.add(json("role wizard", "{\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", 400, "invalid_value", "messages[0].role"));
        c.add(json("role function", "{\"messages\":[{\"role\":\"function\",\"content\":\"hi\"}]}", 400, "invalid_value", "messages[0].role"));
        c.add(json("role with trailing space", "{\"messages\":[{\"role\":\"System \",\"content\":\"hi\"}]}", 400, "invalid_value", "messages[0].role"));
        c.add(json("unknown role in a later message",
                "{\"messages\":[" + USER_MESSAGE + ",{\"role\":\"USER\",\"content\":\"again\"}]}", 400, "invalid_value", "messages[1].role"));
        c.add(json("content as number", "{\"messages\":[{\"role\":\"user\",\"content\":7}]}", 400, "invalid_type", "messages[0].content"));
        c.add(json("content as object", "{\"messages\":[{\"role\":\"user\",\"content\":{\"text\":\"hi\"}}]}", 400, "invalid_type", "messages[0].content"));
        c.add(json("content as boolean", "{\"messages\":[{\"role\":\"user\",\"content\":true}]}", 400, "invalid_type", "messages[0].content"));
        c.add(json("content part without type", "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]}",
                400, "missing_required_parameter", "messages[0].content[0].type"));
        c.add(json("content part type as number", "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":1,\"text\":\"hi\"}]}]}",
                400, "invalid_type", "messages[0].content[0].type"));
        c.add(json("content part text as number", "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":5}]}]}",
                400, "invalid_type", "messages[0].content[0].text"));
        c.add(json("content part as number", "{\"messages\":[{\"role\":\"user\",\"content\":[5]}]}",
                400, "invalid_type", "messages[0].content[0]"));
        c.add(json("stream as string", "{" + MESSAGES + ",\"stream\":\"true\"}", 400, "invalid_type", "stream"));
        c.add(json("stream_options as string", "{" + MESSAGES + ",\"stream\":true,\"stream_options\":\"include_usage\"}",
                400, "invalid_type", "stream_options"));
        c.add(json("include_usage as string", "{" + MESSAGES + ",\"stream\":true,\"stream_options\":{\"include_usage\":\"yes\"}}",
                400, "invalid_type", "stream_options.include_usage"));
        c.add(json("model as number", "{\"model\":4," + MESSAGES + "}", 400, "invalid_type", "model"));
        c.add(json("model as array", "{\"model\":[\"sai-model\"]," + MESSAGES + "}", 400, "invalid_type", "model"));
        c.add(json("model with a trailing NUL", "{\"model\":\"sai-model\\u0000\"," + MESSAGES + "}", 400, "invalid_value", "model"));
        c.add(json("model with a leading NUL", "{\"model\":\"\\u0000sai-model\"," + MESSAGES + "}", 400, "invalid_value", "model"));
        c.add(json("model with a C1 control character", "{\"model\":\"sai-model\\u0085\"," + MESSAGES + "}", 400, "invalid_value", "model"));
        c.add(json("n is 2", "{" + MESSAGES + ",\"n\":2}", 400, "invalid_value", "n"));
        c.add(json("n as string", "{" + MESSAGES + ",\"n\":\"1\"}", 400, "invalid_type", "n"));
        c.add(json("temperature 3", "{" + MESSAGES + ",\"temperature\":3}", 400, "invalid_value", "temperature"));
        c.add(json("temperature hot", "{" + MESSAGES + ",\"temperature\":\"hot\"}", 400, "invalid_type", "temperature"));
        c.add(json("top_p -1", "{" + MESSAGES + ",\"top_p\":-1}", 400, "invalid_value", "top_p"));
        c.add(json("max_tokens 0", "{" + MESSAGES + ",\"max_tokens\":0}", 400, "invalid_value", "max_tokens"));
        c.add(json("max_tokens as string", "{" + MESSAGES + ",\"max_tokens\":\"100\"}", 400, "invalid_type", "max_tokens"));
        c.add(json("max_tokens 1.5", "{" + MESSAGES + ",\"max_tokens\":1.5}", 400, "invalid_type", "max_tokens"));
        c.add(json("max_completion_tokens 7.5", "{" + MESSAGES + ",\"max_completion_tokens\":7.5}", 400, "invalid_type", "max_completion_tokens"));
        c.add(json("max_tokens 1e-3", "{" + MESSAGES + ",\"max_tokens\":1e-3}", 400, "invalid_type", "max_tokens"));
        c.add(json("litellm_params as string", "{" + MESSAGES + ",\"litellm_params\":\"key\"}", 400, "invalid_type", "litellm_params"));
        c.add(json("litellm_params.metadata as array", "{" + MESSAGES + ",\"litellm_params\":{\"metadata\":[]}}",
                400, "invalid_type", "litellm_params.metadata"));
        c.add(json("user_api_key as number", "{" + MESSAGES + ",\"litellm_params\":{\"metadata\":{\"user_api_key\":12345}}}",
                400, "invalid_type", "litellm_params.metadata.user_api_key"));

        // Missing fields
        c.add(json("no messages", "{\"model\":\"sai-model\"}", 400, "missing_required_parameter", "messages"));
        c.add(json("empty object", "{}", 400, "missing_required_parameter", "messages"));
        c.add(json("empty messages array", "{\"messages\":[]}", 400, "invalid_value", "messages"));
        c.add(json("user message without content", "{\"messages\":[{\"role\":\"user\"}]}", 400, "missing_required_parameter", "messages[0].content"));
        c.add(json("system message with null content", "{\"messages\":[{\"role\":\"system\",\"content\":null}," + USER_MESSAGE + "]}",
                400, "missing_required_parameter", "messages[0].content"));

        // Media parts: SAI takes text only
        for (String type : List.of("image_url", "input_image", "input_audio", "file")) {
            c.add(new Case(type + " part", "POST", CHAT, JSON,
                    bytes("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this?\"},"
                            + "{\"type\":\"" + type + "\",\"" + type + "\":{\"url\":\"https://example.com/x\"}}]}]}"),
                    List.of(), 400, "unsupported_content_type", "messages[0].content[1]", "text only"));
        }
        c.add(json("unknown part type", "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"video\",\"video\":{}}]}]}",
                400, "unsupported_content_type", "messages[0].content[0].type"));

        // Wrong content type
        c.add(raw("text/plain body", "text/plain", bytes("{" + MESSAGES + "}"), 415, "unsupported_media_type", null, null));
        c.add(raw("form-encoded body", "application/x-www-form-urlencoded", bytes("messages=hi"), 415, "unsupported_media_type", null, null));
        c.add(raw("XML body", "application/xml", bytes("<messages><message role=\"user\">hi</message></messages>"),
                415, "unsupported_media_type", null, null));

        // Oversize body: a valid request, just too big
        String big = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(100 * 1024) + "\"}]}";
        c.add(json("100 KB body over a 64 KB limit", big, 413, "request_too_large", null));

        // Control characters in the user key: they would split or corrupt the upstream header
        String keyParam = "litellm_params.metadata.user_api_key";
        c.add(json("user key with CR LF in the body", userKeyBody("usr-key\\r\\nX-Injected: 1"), 400, "invalid_user_api_key", keyParam));
        c.add(json("user key with NUL in the body", userKeyBody("usr\\u0000key"), 400, "invalid_user_api_key", keyParam));
        c.add(json("user cookie with LF in the body", userKeyBody("Cookies=abc\\nSet-Cookie: x"), 400, "invalid_user_api_key", keyParam));
        // U+0085 (NEL) and the rest of C1 would leave as raw header bytes; nothing outside printable ASCII fits a header.
        c.add(json("user key with U+0085 in the body", userKeyBody("usr\\u0085key"), 400, "invalid_user_api_key", keyParam));
        c.add(json("user key with U+009B in the body", userKeyBody("usr\\u009bkey"), 400, "invalid_user_api_key", keyParam));
        c.add(json("user key with DEL in the body", userKeyBody("usr\\u007fkey"), 400, "invalid_user_api_key", keyParam));
        c.add(json("user key with a non-ASCII letter in the body", userKeyBody("usr-cl\\u00e9"), 400, "invalid_user_api_key", keyParam));
        c.add(json("user key with U+2028 in the body", userKeyBody("usr\\u2028key"), 400, "invalid_user_api_key", keyParam));
        c.add(new Case("user key with a tab in the header", "POST", CHAT, JSON, bytes("{" + MESSAGES + "}"),
                List.of("user_api_key", "usr\tkey"), 400, "invalid_user_api_key", "user_api_key", null));

        // Other refusals before SAI
        c.add(json("model not listed", "{\"model\":\"gpt-4o\"," + MESSAGES + "}", 404, "model_not_found", "model"));
        c.add(new Case("GET on the POST route", "GET", CHAT, null, null, List.of(), 405, "method_not_allowed", null, null));
        c.add(new Case("GET on the legacy POST route", "GET", LEGACY_CHAT, null, null, List.of(), 405, "method_not_allowed", null, null));

        // The legacy path shares the handler, so it must share the validation
        c.add(legacy("legacy path: truncated JSON", "{\"messages\":[", 400, "invalid_json", null));
        c.add(legacy("legacy path: role wizard", "{\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", 400, "invalid_value", "messages[0].role"));
        c.add(legacy("legacy path: image part",
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}}]}]}",
                400, "unsupported_content_type", "messages[0].content[0]"));
        c.add(new Case("legacy path: text/plain body", "POST", LEGACY_CHAT, "text/plain", bytes("hi"), List.of(),
                415, "unsupported_media_type", null, null));
        return c;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedWithOpenAiErrorAndNoSaiCall(Case c) {
        HttpResponse<String> response = send(request(c));

        assertThat(response.statusCode()).as("status").isEqualTo(c.status());
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(response.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).hasSize(8));
        String body = response.body();
        OpenApiSchemas.assertValidIfSpecPresent("ErrorResponse", body);
        JsonNode error = Json.parse(body).get("error");
        assertThat(error).as(body).isNotNull();
        assertThat(error.has("message") && error.has("type") && error.has("param") && error.has("code")).as(body).isTrue();
        assertThat(error.get("code").asText()).as(body).isEqualTo(c.code());
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        if (c.param() == null) {
            assertThat(error.get("param").isNull()).as("param of " + body).isTrue();
        } else {
            assertThat(error.get("param").asText()).as(body).isEqualTo(c.param());
        }
        String message = error.get("message").asText();
        assertThat(message).isNotBlank().doesNotContain("Exception", "at io.", "sai.gateway", "java.", "com.fasterxml");
        if (c.messageContains() != null) {
            assertThat(message).contains(c.messageContains());
        }
        assertThat(sai.getAllServeEvents()).as("requests that reached SAI").isEmpty();
    }

    /** java.net.http refuses to send control characters in a header, so this one goes over a raw socket. */
    @Test
    void nulInTheUserKeyHeaderIsRefusedWithoutSaiCall() throws IOException {
        String response = rawPostWithUserKeyHeader("usr\u0000key");

        // Netty refuses the header before routing; what matters is the shape of the answer and that SAI never hears of it.
        assertThat(response).startsWith("HTTP/1.1 400");
        assertThat(response.toLowerCase(Locale.ROOT)).contains("content-type: application/json").containsPattern("x-request-id: [0-9a-f]{8}\r\n");
        String json = response.substring(response.indexOf("\r\n\r\n") + 4);
        OpenApiSchemas.assertValidIfSpecPresent("ErrorResponse", json);
        assertThat(json).as("an unreadable HTTP request is not blamed on the JSON").contains("\"code\":\"bad_request\"");
        assertThat(sai.getAllServeEvents()).isEmpty();
    }

    /** The byte 0x85 (U+0085 read as Latin-1, as Netty reads header bytes) inside the key: refused like any control character. */
    @Test
    void aC1ControlCharacterInTheUserKeyHeaderIsRefusedWithoutSaiCall() throws IOException {
        String response = rawPostWithUserKeyHeader("usr\u0085key");

        assertThat(response).startsWith("HTTP/1.1 400");
        String json = response.substring(response.indexOf("\r\n\r\n") + 4);
        OpenApiSchemas.assertValidIfSpecPresent("ErrorResponse", json);
        JsonNode error = Json.parse(json).get("error");
        assertThat(error.get("code").asText()).isEqualTo("invalid_user_api_key");
        assertThat(error.get("param").asText()).isEqualTo("user_api_key");
        assertThat(sai.getAllServeEvents()).isEmpty();
    }

    private String rawPostWithUserKeyHeader(String key) throws IOException {
        byte[] body = bytes("{" + MESSAGES + "}");
        String head = "POST " + CHAT + " HTTP/1.1\r\n"
                + "Host: localhost\r\n"
                + "Content-Type: application/json\r\n"
                + "user_api_key: " + key + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private HttpRequest request(Case c) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl() + c.path())).timeout(Duration.ofSeconds(30));
        if (c.contentType() != null) {
            builder.header("Content-Type", c.contentType());
        }
        for (int i = 0; i < c.headers().size(); i += 2) {
            builder.header(c.headers().get(i), c.headers().get(i + 1));
        }
        if (c.method().equals("GET")) {
            return builder.GET().build();
        }
        return builder.POST(HttpRequest.BodyPublishers.ofByteArray(c.body())).build();
    }

    private static Case json(String name, String body, int status, String code, String param) {
        return raw(name, JSON, bytes(body), status, code, param, null);
    }

    private static Case legacy(String name, String body, int status, String code, String param) {
        return new Case(name, "POST", LEGACY_CHAT, JSON, bytes(body), List.of(), status, code, param, null);
    }

    private static Case raw(String name, String contentType, byte[] body, int status, String code, String param, String messageContains) {
        return new Case(name, "POST", CHAT, contentType, body, List.of(), status, code, param, messageContains);
    }

    /** {@code key} is inserted as JSON string content, so escapes such as {@code \r\n} reach the gateway as control characters. */
    private static String userKeyBody(String key) {
        return "{" + MESSAGES + ",\"litellm_params\":{\"metadata\":{\"user_api_key\":\"" + key + "\"}}}";
    }

    private static byte[] invalidUtf8() {
        byte[] head = bytes("{\"messages\":[{\"role\":\"user\",\"content\":\"");
        byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE};
        byte[] tail = bytes("\"}]}");
        byte[] all = new byte[head.length + bad.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(bad, 0, all, head.length, bad.length);
        System.arraycopy(tail, 0, all, head.length + bad.length, tail.length);
        return all;
    }

    /** A chat request whose message content holds these raw bytes between two letters. */
    private static byte[] inContent(int... raw) {
        byte[] head = bytes("{\"messages\":[{\"role\":\"user\",\"content\":\"a");
        byte[] tail = bytes("b\"}]}");
        byte[] all = new byte[head.length + raw.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        for (int i = 0; i < raw.length; i++) {
            all[head.length + i] = (byte) raw[i];
        }
        System.arraycopy(tail, 0, all, head.length + raw.length, tail.length);
        return all;
    }

    /** A chat request whose message content holds this JSON text (escapes as they are, other characters as Latin-1 bytes) between two letters. */
    private static byte[] escapedInContent(String jsonText) {
        return inContent(jsonText.chars().toArray());
    }

    /** A valid request followed by the first two bytes of a three-byte character. */
    private static byte[] truncatedAtEnd() {
        byte[] valid = bytes("{" + MESSAGES + "}");
        byte[] all = java.util.Arrays.copyOf(valid, valid.length + 2);
        all[valid.length] = (byte) 0xE2;
        all[valid.length + 1] = (byte) 0x82;
        return all;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
