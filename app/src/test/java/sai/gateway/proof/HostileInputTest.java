package sai.gateway.proof;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import sai.gateway.testing.LogCapture;
import sai.gateway.testing.OpenApiSchemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based proof that hostile input never gets past validation: jqwik generates malformed and
 * adversarial requests (random JSON, deep nesting, huge strings, invalid UTF-8, a wrong type in each
 * validated field, out-of-range numbers such as absurd {@code n} and {@code max_tokens}, control characters
 * in user keys, junk headers) for chat completions, the Responses API and the Messages API. Every answer must be an
 * error in the surface's API shape with a 4xx status (never a 5xx), SAI must never be called (the fake answers anything, so a request
 * that slipped through would show), and no credential may appear in the response.
 *
 * <p>jqwik is its own JUnit Platform engine, so this class runs beside the Jupiter tests; it starts the
 * gateway and the SAI fake itself because {@code @MicronautTest} is a Jupiter extension.
 */
class HostileInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String SYSTEM_KEY = "sys-HOSTILE-KEY-1f3e5d7c";
    private static final String SYSTEM_COOKIE = "session=sys-HOSTILE-COOKIE-9a8b7c6d";
    private static final String USER_KEY_MARK = "usr-HOSTILE-";
    private static final Set<String> MODELS = Set.of("sai-model", "claude-sonnet-4-5-20250929");

    /** Longer than any line the gateway writes about a request; a client value pasted whole would exceed it. */
    private static final int LONGEST_LOG_MESSAGE = 2_000;

    private static WireMockServer sai;
    private static LogCapture logs;
    private static EmbeddedServer gateway;
    private static String base;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A request to send and what went into it, for jqwik's report when a case fails. */
    record Hostile(String path, byte[] body, Map<String, String> headers, String what) {
        @Override
        public String toString() {
            String text = new String(body, StandardCharsets.UTF_8);
            return what + " | " + path + " | headers=" + headers + " | body=" + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
        }
    }

    @BeforeContainer
    static void start() {
        logs = LogCapture.attachToRoot();
        sai = new WireMockServer(options().dynamicPort());
        sai.start();
        sai.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("prompttokens", "1")
                .withHeader("completiontokens", "1").withBody("an answer that must never be asked for")));
        Map<String, Object> properties = new HashMap<>();
        properties.put("sai.url", sai.baseUrl());
        properties.put("sai.template-id", "tpl-hostile");
        properties.put("sai.models", String.join(",", List.of("sai-model", "claude-sonnet-4-5-20250929")));
        properties.put("sai.max-retries", "0");
        properties.put("secrets.sai-key", SYSTEM_KEY);
        properties.put("secrets.sai-cookie", SYSTEM_COOKIE);
        properties.put("gateway.locale", "en");
        gateway = ApplicationContext.run(EmbeddedServer.class, properties, "test");
        base = gateway.getURL().toString();
    }

    @AfterContainer
    static void stop() {
        if (logs != null) {
            logs.detach();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (sai != null) {
            sai.stop();
        }
    }

    @Property(tries = 700)
    void chatCompletionsRefuseHostileInput(@ForAll("hostileChat") Hostile request) throws Exception {
        assertRefused(request);
    }

    @Property(tries = 400)
    void responsesRefuseHostileInput(@ForAll("hostileResponses") Hostile request) throws Exception {
        assertRefused(request);
    }

    @Property(tries = 400)
    void messagesRefuseHostileInput(@ForAll("hostileMessages") Hostile request) throws Exception {
        assertRefused(request);
    }

    private static void assertRefused(Hostile hostile) throws Exception {
        int logged = logs.lines().size();
        sai.resetRequests();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + hostile.path()))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(hostile.body()));
        hostile.headers().forEach(builder::header);
        HttpResponse<String> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as("status of %s; body %s", hostile, response.body()).isBetween(400, 499);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        JsonNode body = JSON.readTree(response.body());
        JsonNode error = body.path("error");
        assertThat(error.path("message").asText()).isNotBlank();
        if (hostile.path().contains("/messages")) {
            // Anthropic's shape: the error's type, no OpenAI code; the request id beside it.
            assertThat(body.path("type").asText()).isEqualTo("error");
            assertThat(error.path("type").asText()).isIn("invalid_request_error", "not_found_error", "request_too_large");
            assertThat(body.path("request_id").asText()).isEqualTo(response.headers().firstValue("request-id").orElse("absent"));
        } else {
            OpenApiSchemas.assertValidIfSpecPresent("ErrorResponse", response.body());
            assertThat(error.path("code").asText()).isNotBlank();
        }
        assertThat(sai.getAllServeEvents()).as("SAI calls after %s", hostile).isEmpty();
        String visible = response.body() + response.headers().map();
        for (String secret : List.of(SYSTEM_KEY, "sys-HOSTILE", SYSTEM_COOKIE, USER_KEY_MARK)) {
            assertThat(visible).doesNotContain(secret);
        }
        // The log is output too: no client value may forge a line (CR, LF) or flood it, and no key may reach it.
        for (LogCapture.Line line : logs.lines().subList(logged, logs.lines().size())) {
            assertThat(line.message()).as("log line after %s", hostile).hasSizeLessThan(LONGEST_LOG_MESSAGE)
                    .doesNotContain("\n", "\r", SYSTEM_KEY, USER_KEY_MARK);
        }
    }

    // ----- chat completions ------------------------------------------------------------------------------

    @Provide
    Arbitrary<Hostile> hostileChat() {
        Arbitrary<byte[]> bodies = Arbitraries.oneOf(
                wrongField(chatBase(), chatBreakers()),
                notARequest(),
                brokenJson(chatBase()),
                invalidUtf8(chatBase()),
                deepNesting(),
                hugeStrings("model", "messages"));
        return withHeaders("/v1/chat/completions", bodies);
    }

    private static ObjectNode chatBase() {
        ObjectNode root = NODES.objectNode();
        root.put("model", "sai-model");
        root.putArray("messages").addObject().put("role", "user").put("content", "hi");
        return root;
    }

    /** Each breaker takes a valid request and makes it invalid in one field, with a generated value. */
    private static List<Arbitrary<ObjectNode>> chatBreakers() {
        return List.of(
                set("model", notA("string")),
                set("model", unknownModel()),
                set("model", modelWithControlCharacter()),
                set("messages", Arbitraries.oneOf(notA("array"), Arbitraries.just(NODES.arrayNode()), Arbitraries.just(NODES.nullNode()))),
                message(Arbitraries.oneOf(notA("object"), Arbitraries.just(NODES.objectNode().put("content", "no role")))),
                message(Arbitraries.oneOf(notA("string"), unknownRole()).map(role -> {
                    ObjectNode m = NODES.objectNode();
                    m.set("role", role);
                    return m.put("content", "hi");
                })),
                message(Arbitraries.oneOf(notA("string or array"), Arbitraries.just(NODES.arrayNode()), badParts()).map(content -> {
                    ObjectNode m = NODES.objectNode().put("role", "user");
                    return m.set("content", content);
                })),
                set("stream", notA("boolean")),
                set("stream_options", notA("object")),
                set("stream_options", notA("boolean").map(v -> NODES.objectNode().set("include_usage", v))),
                set("n", Arbitraries.oneOf(absurdIntegers().filter(n -> n.asLong() != 1), fractions(), notA("number"))),
                set("max_tokens", Arbitraries.oneOf(outside(1, Integer.MAX_VALUE), notA("number"), positiveFractions())),
                set("max_completion_tokens", Arbitraries.oneOf(outside(1, Integer.MAX_VALUE), notA("number"), positiveFractions())),
                set("temperature", Arbitraries.oneOf(outside(0, 2), notA("number"))),
                set("top_p", Arbitraries.oneOf(outside(0, 1), notA("number"))),
                set("presence_penalty", outside(-2, 2)),
                set("frequency_penalty", outside(-2, 2)),
                set("litellm_params", Arbitraries.oneOf(notA("object"),
                        notA("object").map(m -> NODES.objectNode().set("metadata", m)),
                        notA("string").map(k -> metadata(k)),
                        userKeyWithControlCharacters().map(k -> metadata(NODES.textNode(k))))),
                set("tools", notA("array")),
                set("tool_choice", Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(30)
                        .filter(s -> !Set.of("none", "auto").contains(s)).map(NODES::textNode)));
    }

    // ----- Responses API ---------------------------------------------------------------------------------

    @Provide
    Arbitrary<Hostile> hostileResponses() {
        Arbitrary<byte[]> bodies = Arbitraries.oneOf(
                wrongField(responsesBase(), responsesBreakers()),
                notARequest(),
                brokenJson(responsesBase()),
                invalidUtf8(responsesBase()),
                hugeStrings("model", "input"));
        return withHeaders("/v1/responses", bodies);
    }

    private static ObjectNode responsesBase() {
        return NODES.objectNode().put("model", "sai-model").put("input", "hi");
    }

    private static List<Arbitrary<ObjectNode>> responsesBreakers() {
        return List.of(
                set("model", notA("string")),
                set("model", unknownModel()),
                set("model", modelWithControlCharacter()),
                set("input", Arbitraries.oneOf(notA("string or array"), Arbitraries.just(NODES.nullNode()))),
                set("input", Arbitraries.oneOf(notA("object"), unknownRole().map(r -> NODES.objectNode().put("type", "message")
                        .put("content", "hi").set("role", r))).map(item -> NODES.arrayNode().add(item))),
                set("input", Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20)
                        .filter(t -> !Set.of("message", "function_call", "function_call_output", "custom_tool_call",
                                "custom_tool_call_output", "reasoning").contains(t))
                        .map(t -> NODES.arrayNode().add(NODES.objectNode().put("type", t)))),
                set("previous_response_id", anyJson(2).filter(v -> !v.isNull())),
                set("conversation", anyJson(2).filter(v -> !v.isNull())),
                set("background", Arbitraries.oneOf(Arbitraries.just(NODES.booleanNode(true)), notA("boolean"))),
                set("instructions", notA("string")),
                set("stream", notA("boolean")),
                set("temperature", Arbitraries.oneOf(outside(0, 2), notA("number"))),
                set("top_p", Arbitraries.oneOf(outside(0, 1), notA("number"))),
                set("max_output_tokens", Arbitraries.oneOf(outside(1, Integer.MAX_VALUE), notA("number"), positiveFractions())),
                set("metadata", notA("object")),
                set("litellm_params", userKeyWithControlCharacters().map(k -> metadata(NODES.textNode(k)))));
    }

    // ----- Messages API ----------------------------------------------------------------------------------

    @Provide
    Arbitrary<Hostile> hostileMessages() {
        Arbitrary<byte[]> bodies = Arbitraries.oneOf(
                wrongField(messagesBase(), messagesBreakers()),
                notARequest(),
                brokenJson(messagesBase()),
                invalidUtf8(messagesBase()),
                deepNesting(),
                hugeStrings("model", "messages"));
        return Combinators.combine(withHeaders("/v1/messages", bodies), Arbitraries.of("/v1/messages", "/v1/messages/count_tokens"))
                .as((hostile, path) -> new Hostile(path, hostile.body(), hostile.headers(), hostile.what()));
    }

    private static ObjectNode messagesBase() {
        ObjectNode root = chatBase();
        return root.put("max_tokens", 1024);
    }

    private static List<Arbitrary<ObjectNode>> messagesBreakers() {
        Arbitrary<JsonNode> badBlock = Arbitraries.oneOf(
                Arbitraries.of("image", "document").map(t -> NODES.objectNode().put("type", t)),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(15)
                        .filter(t -> !Set.of("text", "tool_use", "tool_result", "thinking", "redacted_thinking", "server_tool_use").contains(t)
                                && !t.endsWith("_tool_result"))
                        .map(t -> NODES.objectNode().put("type", t).put("text", "hi")),
                notA("string").map(t -> NODES.objectNode().put("type", "text").set("text", t)),
                notA("object").filter(b -> !b.isTextual()));
        return List.of(
                set("model", notA("string")),
                set("model", unknownModel()),
                set("model", modelWithControlCharacter()),
                set("messages", Arbitraries.oneOf(notA("array"), Arbitraries.just(NODES.arrayNode()))),
                message(Arbitraries.oneOf(notA("string"), unknownRole().filter(r -> !r.asText().equals("system"))).map(role -> {
                    ObjectNode m = NODES.objectNode();
                    m.set("role", role);
                    return m.put("content", "hi");
                })),
                message(Arbitraries.oneOf(notA("string or array"), badBlock.map(b -> NODES.arrayNode().add(b))).map(content -> {
                    ObjectNode m = NODES.objectNode().put("role", "user");
                    return m.set("content", content);
                })),
                set("system", Arbitraries.oneOf(notA("string or array"), badBlock.map(b -> NODES.arrayNode().add(b)))),
                // No stream breaker: count_tokens ignores the field, as Anthropic's does.
                
                set("temperature", Arbitraries.oneOf(outside(0, 1), notA("number"))),
                set("top_p", Arbitraries.oneOf(outside(0, 1), notA("number"))),
                set("top_k", Arbitraries.oneOf(outside(0, Integer.MAX_VALUE), notA("number"), positiveFractions())),
                set("stop_sequences", Arbitraries.oneOf(notA("array"), notA("string").map(v -> NODES.arrayNode().add(v)))),
                set("metadata", notA("object")),
                set("tools", notA("array")),
                set("tools", notA("object").map(t -> NODES.arrayNode().add(t))),
                set("tool_choice", Arbitraries.oneOf(notA("object"), Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(15)
                        .filter(t -> !Set.of("auto", "any", "none").contains(t)).map(t -> NODES.objectNode().put("type", t)))));
    }

    // ----- shared generators -----------------------------------------------------------------------------

    /** A valid request with one breaker applied, plus unknown fields of random JSON (which are allowed) as noise. */
    private static Arbitrary<byte[]> wrongField(ObjectNode base, List<Arbitrary<ObjectNode>> breakers) {
        Arbitrary<ObjectNode> broken = Arbitraries.oneOf(breakers.stream().map(b -> b.map(patch -> {
            ObjectNode copy = base.deepCopy();
            patch.fields().forEachRemaining(field -> {
                if (field.getKey().equals("$message")) {
                    ((ArrayNode) copy.get("messages")).set(0, field.getValue());
                } else {
                    copy.set(field.getKey(), field.getValue());
                }
            });
            return copy;
        })).toList());
        Arbitrary<Map<String, JsonNode>> noise = Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12).map(k -> "x_" + k),
                anyJson(3)).ofMaxSize(3);
        return Combinators.combine(broken, noise).as((request, extra) -> {
            extra.forEach(request::set);
            return bytes(request);
        });
    }

    private static Arbitrary<ObjectNode> set(String field, Arbitrary<? extends JsonNode> values) {
        return values.map(v -> {
            ObjectNode patch = NODES.objectNode();
            patch.set(field, v);
            return patch;
        });
    }

    /** Replaces the first message. */
    private static Arbitrary<ObjectNode> message(Arbitrary<? extends JsonNode> messages) {
        return set("$message", messages);
    }

    private static ObjectNode metadata(JsonNode userKey) {
        ObjectNode params = NODES.objectNode();
        params.putObject("metadata").set("user_api_key", userKey);
        return params;
    }

    /** Random JSON that is no request at all: a scalar or array body, or an object without the required field. */
    private static Arbitrary<byte[]> notARequest() {
        Arbitrary<JsonNode> notObject = anyJson(4).filter(v -> !v.isObject());
        Arbitrary<JsonNode> withoutRequired = Arbitraries.maps(Arbitraries.strings().alpha().ofMaxLength(10)
                        .filter(k -> !k.equals("messages") && !k.equals("input")), anyJson(3)).ofMaxSize(5)
                .map(fields -> {
                    ObjectNode o = NODES.objectNode();
                    fields.forEach(o::set);
                    return o;
                });
        return Arbitraries.oneOf(notObject, withoutRequired).map(HostileInputTest::bytes);
    }

    /** A valid request cut short, or followed by garbage, or with a byte changed into JSON syntax noise. */
    private static Arbitrary<byte[]> brokenJson(ObjectNode base) {
        byte[] valid = bytes(base);
        Arbitrary<byte[]> truncated = Arbitraries.integers().between(0, valid.length - 1).map(n -> java.util.Arrays.copyOf(valid, n));
        Arbitrary<byte[]> trailing = Arbitraries.strings().withChars("{}[],:\"x1 ").ofMinLength(1).ofMaxLength(20)
                .filter(s -> !s.isBlank())
                .map(s -> concat(valid, s.getBytes(StandardCharsets.UTF_8)));
        Arbitrary<byte[]> corrupted = Combinators.combine(Arbitraries.integers().between(0, valid.length - 1), Arbitraries.of('{', '}', '[', ']', ',', ':', '"'))
                .as((at, c) -> {
                    byte[] copy = valid.clone();
                    copy[at] = (byte) (char) c;
                    return copy;
                }).filter(b -> !isValidJson(b));
        return Arbitraries.oneOf(truncated, trailing, corrupted);
    }

    /** A valid request whose user text contains a byte sequence that is not UTF-8, or an escape that decodes to no Unicode text. */
    private static Arbitrary<byte[]> invalidUtf8(ObjectNode base) {
        Arbitrary<byte[]> bad = Arbitraries.of(
                new byte[]{(byte) 0xff}, new byte[]{(byte) 0xfe, (byte) 0xff}, new byte[]{(byte) 0x80},
                new byte[]{(byte) 0xbf, 'a'}, new byte[]{(byte) 0xc3, '('}, new byte[]{(byte) 0xe2, (byte) 0x82, 'x'},
                new byte[]{(byte) 0xf0, (byte) 0x9f, (byte) 0x98}, new byte[]{(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                // Overlong forms of '/', a code point above U+10FFFF, an encoded surrogate, a raw NUL: a lenient decoder reads characters.
                new byte[]{(byte) 0xc0, (byte) 0xaf}, new byte[]{(byte) 0xc1, (byte) 0xbf}, new byte[]{(byte) 0xe0, (byte) 0x80, (byte) 0xaf},
                new byte[]{(byte) 0xf0, (byte) 0x80, (byte) 0x80, (byte) 0xaf}, new byte[]{(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                new byte[]{(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[]{(byte) 0xed, (byte) 0xbf, (byte) 0xbf}, new byte[]{0},
                // Well-formed bytes, but escapes of unpaired surrogates, which a JSON parser decodes as lone surrogates.
                ascii("\\ud800"), ascii("\\uDBFF"), ascii("\\udc00"), ascii("\\uDFFF"), ascii("\\ud83d\\u0020"), ascii("\\ude00\\ud83d"),
                ascii("\\\\\\ud800"));
        String marker = "INVALID_UTF8_HERE";
        ObjectNode withMarker = base.deepCopy();
        if (withMarker.has("messages")) {
            ((ObjectNode) withMarker.get("messages").get(0)).put("content", "before " + marker + " after");
        } else {
            withMarker.put("input", "before " + marker + " after");
        }
        String text = new String(bytes(withMarker), StandardCharsets.UTF_8);
        int at = text.indexOf(marker);
        byte[] head = text.substring(0, at).getBytes(StandardCharsets.UTF_8);
        byte[] tail = text.substring(at + marker.length()).getBytes(StandardCharsets.UTF_8);
        return bad.map(b -> concat(concat(head, b), tail));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Arrays nested from a few levels (a content part that is not an object) to far past the parser's depth limit. */
    private static Arbitrary<byte[]> deepNesting() {
        return Arbitraries.integers().between(2, 50_000).flatMap(depth -> Arbitraries.of("content", "body", "model").map(where -> {
            String nested = "[".repeat(depth) + "]".repeat(depth);
            String json = switch (where) {
                case "content" -> "{\"messages\":[{\"role\":\"user\",\"content\":" + nested + "}]}";
                case "model" -> "{\"model\":" + nested + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                default -> nested;
            };
            return json.getBytes(StandardCharsets.UTF_8);
        }));
    }

    /** Strings of up to a megabyte where a short identifier belongs. */
    private static Arbitrary<byte[]> hugeStrings(String modelField, String requiredField) {
        return Arbitraries.integers().between(1_000, 1_000_000).flatMap(length -> Arbitraries.of("model", "role").map(where -> {
            String huge = "x".repeat(length);
            ObjectNode root = NODES.objectNode();
            if (where.equals("model") || requiredField.equals("input")) {
                root.put(modelField, huge);
                if (requiredField.equals("input")) {
                    root.put("input", "hi");
                } else {
                    root.putArray("messages").addObject().put("role", "user").put("content", "hi");
                }
            } else {
                root.putArray("messages").addObject().put("role", huge).put("content", "hi");
            }
            return bytes(root);
        }));
    }

    private static Arbitrary<JsonNode> unknownModel() {
        return text().ofMinLength(1).ofMaxLength(200).filter(s -> !MODELS.contains(s.trim()) && !s.isBlank()).map(NODES::textNode);
    }

    /** A listed model id with a control character (C0, DEL or C1) before, inside or after it. */
    private static Arbitrary<JsonNode> modelWithControlCharacter() {
        Arbitrary<String> control = Arbitraries.oneOf(Arbitraries.chars().range('\u0000', '\u001f'), Arbitraries.just('\u007f'),
                Arbitraries.chars().range('\u0080', '\u009f')).map(String::valueOf);
        return Combinators.combine(Arbitraries.of(MODELS), control, Arbitraries.of("before", "inside", "after")).as((model, c, where) ->
                switch (where) {
                    case "before" -> c + model;
                    case "inside" -> model.substring(0, 3) + c + model.substring(3);
                    default -> model + c;
                })
                // Whitespace around an id is trimmed as before (a pasted id's newline is not an attack); only what remains counts.
                .filter(m -> !MODELS.contains(m.strip()))
                .map(NODES::textNode);
    }

    private static Arbitrary<JsonNode> unknownRole() {
        return text().ofMinLength(0).ofMaxLength(40)
                .filter(s -> !Set.of("system", "developer", "user", "assistant", "tool", "function").contains(s))
                .map(NODES::textNode);
    }

    private static Arbitrary<JsonNode> badParts() {
        return Arbitraries.oneOf(
                // A bare string is accepted as a text part on purpose (lenient, like OpenAI's SDKs); anything else is not.
                notA("object").filter(p -> !p.isTextual()).map(p -> NODES.arrayNode().add(p)),
                Arbitraries.of("image_url", "input_image", "input_audio", "file").map(t -> NODES.arrayNode().add(NODES.objectNode().put("type", t))),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(15)
                        .filter(t -> !Set.of("text", "input_text", "output_text", "refusal").contains(t))
                        .map(t -> NODES.arrayNode().add(NODES.objectNode().put("type", t).put("text", "hi"))),
                notA("string").map(t -> NODES.arrayNode().add(NODES.objectNode().put("type", "text").set("text", t))));
    }

    private static Arbitrary<String> userKeyWithControlCharacters() {
        // Inside the key: a key is trimmed first (a pasted key's trailing newline is not an attack), then refused if anything is left.
        return Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12),
                Arbitraries.of("\r\n", "\n", "\r", "\u0000", "\u0007", "\u001b", "\r\nX-Injected: 1", "\u007f", "\u0085", "\u009b",
                        "\u00e9", "\u2028", "\ufeff"),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12)).as((a, ctl, b) -> USER_KEY_MARK + a + ctl + b);
    }

    private static Arbitrary<JsonNode> absurdIntegers() {
        return Arbitraries.oneOf(Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.of("0", "-1", "2", "9223372036854775807", "99999999999999999999999", "1e400", "-1e400")
                        .map(HostileInputTest::number));
    }

    private static Arbitrary<JsonNode> fractions() {
        return Arbitraries.doubles().between(-1e6, 1e6).filter(d -> d != Math.rint(d)).map(NODES::numberNode);
    }

    /** Decimals where an integer belongs, inside the integer's range. */
    private static Arbitrary<JsonNode> positiveFractions() {
        return Arbitraries.doubles().between(1, 1e6).filter(d -> d != Math.rint(d)).map(NODES::numberNode);
    }

    /** Numbers strictly outside [min, max], absurd magnitudes included. */
    private static Arbitrary<JsonNode> outside(double min, double max) {
        return Arbitraries.oneOf(
                Arbitraries.doubles().between(max, max * 2 + 10).filter(d -> d > max).map(NODES::numberNode),
                Arbitraries.doubles().between(min - Math.abs(min) * 2 - 10, min).filter(d -> d < min).map(NODES::numberNode),
                Arbitraries.of("1e308", "-1e308", "1e400", "-1e400", "99999999999999999999999999").map(HostileInputTest::number)
                        .filter(n -> n.asDouble() > max || n.asDouble() < min));
    }

    /** Any JSON value whose type is not the one named ({@code "string or array"} excludes both). */
    private static Arbitrary<JsonNode> notA(String type) {
        return anyJson(2).filter(v -> !v.isNull() && switch (type) {
            case "string" -> !v.isTextual();
            case "boolean" -> !v.isBoolean();
            case "number" -> !v.isNumber();
            case "array" -> !v.isArray();
            case "object" -> !v.isObject();
            case "string or array" -> !v.isTextual() && !v.isArray();
            default -> throw new IllegalArgumentException(type);
        });
    }

    private static Arbitrary<JsonNode> anyJson(int depth) {
        Arbitrary<JsonNode> scalar = Arbitraries.oneOf(
                text().ofMaxLength(30).map(NODES::textNode),
                Arbitraries.integers().map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode),
                Arbitraries.of(NODES.booleanNode(true), NODES.booleanNode(false), NODES.nullNode()));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<JsonNode> array = anyJson(depth - 1).list().ofMaxSize(3).map(items -> {
            ArrayNode a = NODES.arrayNode();
            items.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> object = Arbitraries.maps(text().ofMaxLength(8), anyJson(depth - 1)).ofMaxSize(3).map(fields -> {
            ObjectNode o = NODES.objectNode();
            fields.forEach(o::set);
            return o;
        });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, scalar),
                net.jqwik.api.Tuple.of(1, array),
                net.jqwik.api.Tuple.of(1, object));
    }

    /** Any text Java strings can hold as whole code points (below the surrogates): control characters, accents, CJK. */
    private static net.jqwik.api.arbitraries.StringArbitrary text() {
        return Arbitraries.strings().withCharRange('\u0000', '\ud7ff');
    }

    /** Junk a client might send beside the body: none of it may turn a refusal into anything else. */
    private static Arbitrary<Hostile> withHeaders(String path, Arbitrary<byte[]> bodies) {
        Arbitrary<String> printable = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(200);
        Arbitrary<Map<String, String>> headers = Combinators.combine(
                printable.injectNull(0.5),
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(40).map(k -> USER_KEY_MARK + k).injectNull(0.5),
                printable.injectNull(0.7)).as((language, userKey, forwarded) -> {
                    Map<String, String> h = new HashMap<>();
                    if (language != null) {
                        h.put("Accept-Language", language);
                    }
                    if (userKey != null) {
                        h.put("user_api_key", userKey);
                    }
                    if (forwarded != null) {
                        h.put("X-Forwarded-For", forwarded);
                    }
                    return h;
                });
        return Combinators.combine(bodies, headers).as((body, h) -> new Hostile(path, body, h, describe(body)));
    }

    private static String describe(byte[] body) {
        return body.length + " bytes";
    }

    private static JsonNode number(String literal) {
        try {
            return JSON.readTree(literal);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isValidJson(byte[] bytes) {
        try {
            JSON.readTree(bytes);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
