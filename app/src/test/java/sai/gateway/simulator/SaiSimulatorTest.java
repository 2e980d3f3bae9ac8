package sai.gateway.simulator;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.Json;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

@MicronautTest(environments = "demo")
class SaiSimulatorTest {

    private static final String PATH = "/simulator/api/templates/demo-template/execute";

    @Inject
    @Client("/")
    HttpClient client;

    @Inject
    ApplicationContext context;

    // --- normal answers -----------------------------------------------------------------------------

    @Test
    void echoesTheLastUserMessageWithUsageAndDefaultModel() {
        String body = """
                {"inputs":{"system":"You are helpful.","user":"Hola, ¿qué tal?"},
                 "chatMessages":[{"content":"Hola, ¿qué tal?","role":"user","id":1732240000000}]}""";

        HttpResponse<String> response = call(withKey(body, "any-key"));

        assertThat(response.code()).isEqualTo(200);
        assertThat(response.getContentType()).map(MediaType::toString).hasValue("text/plain;charset=utf-8");
        String answer = response.body();
        assertThat(answer).isEqualTo("[SAI simulator] You said: Hola, ¿qué tal?");
        // "You are helpful." (16) + "Hola, ¿qué tal?" (15) = 31 characters -> 8 tokens
        assertThat(response.header("prompttokens")).isEqualTo("8");
        assertThat(response.header("completiontokens")).isEqualTo(Long.toString((answer.length() + 3) / 4));
        assertThat(response.header("model")).isEqualTo("sai-simulator-default");
    }

    @Test
    void reportsTheOverriddenModel() {
        MutableHttpRequest<String> request = HttpRequest.POST(PATH + "?modelOverride=claude-sonnet-4-5-20250929",
                        minimal("hello"))
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .header("X-Api-Key", "any-key");

        HttpResponse<String> response = call(request);

        assertThat(response.code()).isEqualTo(200);
        assertThat(response.header("model")).isEqualTo("claude-sonnet-4-5-20250929");
    }

    @Test
    void acceptsACookieInsteadOfAKey() {
        HttpResponse<String> response = call(withCookie(minimal("hi"), "session=abc; other=1"));

        assertThat(response.code()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("[SAI simulator] You said: hi");
        assertThat(response.header("prompttokens")).isEqualTo("1");
    }

    @Test
    void notesHowManyToolsWereOffered() {
        String body = """
                {"inputs":{"system":"","user":"weather?","tools":"[{\\"type\\":\\"function\\"},{\\"type\\":\\"function\\"}]"}}""";

        HttpResponse<String> response = call(withKey(body, "any-key"));

        assertThat(response.body()).isEqualTo("[SAI simulator] You said: weather?\n[SAI simulator] Tools offered: 2");
    }

    @Test
    void waitsForSlowMarkerWithoutChangingTheAnswer() {
        long start = System.nanoTime();

        HttpResponse<String> response = call(withKey(minimal("take your time [sim:slow=1]"), "any-key"));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(response.code()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("[SAI simulator] You said: take your time [sim:slow=1]");
    }

    @Test
    void answersEmptyMarkerWithAnEmptySuccess() {
        HttpResponse<String> response = call(withKey(minimal("[sim:empty]"), "any-key"));

        assertThat(response.code()).isEqualTo(200);
        assertThat(Optional.ofNullable(response.body()).orElse("")).isEmpty();
        assertThat(response.header("prompttokens")).isEqualTo("3");
        assertThat(response.header("completiontokens")).isEqualTo("0");
        assertThat(response.header("model")).isEqualTo("sai-simulator-default");
    }

    // --- credential failures ------------------------------------------------------------------------

    @Test
    void rejectsAnInvalidKey() {
        HttpClientResponseException e = callFailing(withKey(minimal("hi"), "sim-401"));

        assertThat(e.code()).isEqualTo(401);
        assertThat(bodyOf(e)).isEqualTo("Unauthorized");
    }

    @Test
    void rejectsACookieCarryingTheInvalidTrigger() {
        HttpClientResponseException e = callFailing(withCookie(minimal("hi"), "session=sim-401; x=1"));

        assertThat(e.code()).isEqualTo(401);
    }

    @Test
    void reportsASpentTemplateQuotaWithRetryAfter() {
        HttpClientResponseException e = callFailing(withKey(minimal("hi"), "sim-429"));

        assertThat(e.code()).isEqualTo(429);
        assertThat(bodyOf(e)).isEqualTo("Test template usage limit exceeded");
        assertThat(e.getResponse().header("Retry-After")).isEqualTo("7");
    }

    @Test
    void reportsAPlainRateLimit() {
        HttpClientResponseException e = callFailing(withKey(minimal("hi"), "sim-429-plain"));

        assertThat(e.code()).isEqualTo(429);
        assertThat(bodyOf(e)).isEqualTo("Too Many Requests").doesNotContain("usage limit");
        assertThat(e.getResponse().header("Retry-After")).isNull();
    }

    @Test
    void refusesBothCredentials() {
        MutableHttpRequest<String> request = withKey(minimal("hi"), "any-key").header("Cookie", "session=abc");

        HttpClientResponseException e = callFailing(request);

        assertThat(e.code()).isEqualTo(400);
        assertThat(bodyOf(e)).contains("Both X-Api-Key and Cookie");
    }

    @Test
    void refusesNoCredential() {
        HttpClientResponseException e = callFailing(HttpRequest.POST(PATH, minimal("hi")).contentType(MediaType.APPLICATION_JSON_TYPE));

        assertThat(e.code()).isEqualTo(400);
        assertThat(bodyOf(e)).contains("No credential");
    }

    // --- marker failures ----------------------------------------------------------------------------

    @Test
    void reportsAPromptTooLong() {
        HttpClientResponseException e = callFailing(withKey(minimal("[sim:too-long] hi"), "any-key"));

        assertThat(e.code()).isEqualTo(500);
        assertThat(bodyOf(e)).isEqualTo("{\"error\":\"prompt is too long: 250000 tokens > 200000 maximum\"}");
    }

    @Test
    void reportsAnInternalError() {
        HttpClientResponseException e = callFailing(withKey(minimal("[sim:500]"), "any-key"));

        assertThat(e.code()).isEqualTo(500);
        assertThat(bodyOf(e)).isEqualTo("internal error at com.sai.internal.Foo (stack details)");
    }

    @Test
    void reportsUnavailable() {
        HttpClientResponseException e = callFailing(withKey(minimal("[sim:503]"), "any-key"));

        assertThat(e.code()).isEqualTo(503);
    }

    // --- malformed calls ----------------------------------------------------------------------------

    @Test
    void refusesABodyThatIsNotJson() {
        HttpClientResponseException e = callFailing(withKey("this is not json", "any-key"));

        assertThat(e.code()).isEqualTo(400);
        assertThat(e.getResponse().getContentType()).map(MediaType::getName).hasValue("text/plain");
        assertThat(bodyOf(e)).contains("not valid JSON");
    }

    @Test
    void refusesABodyWithoutInputsUser() {
        HttpClientResponseException e = callFailing(withKey("{\"inputs\":{\"system\":\"s\"}}", "any-key"));

        assertThat(e.code()).isEqualTo(400);
        assertThat(bodyOf(e)).contains("inputs.user");
    }

    @Test
    void refusesToolsSentAsAnArrayInsteadOfAString() {
        HttpClientResponseException e = callFailing(withKey("{\"inputs\":{\"system\":\"\",\"user\":\"u\",\"tools\":[]}}", "any-key"));

        assertThat(e.code()).isEqualTo(400);
        assertThat(bodyOf(e)).contains("inputs.tools");
    }

    @Test
    void refusesAnOutOfRangeSlowMarker() {
        HttpClientResponseException e = callFailing(withKey(minimal("[sim:slow=601]"), "any-key"));

        assertThat(e.code()).isEqualTo(400);
    }

    // --- tool calls ---------------------------------------------------------------------------------

    private static final String WEATHER_TOOLS = """
            [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object",
              "properties": {"city": {"type": "string"}, "days": {"type": "integer"}, "units": {"type": "string"}}, "required": ["city", "days"]}}},
             {"type": "custom", "custom": {"name": "apply_patch"}}]""";

    private static String withTools(String user, String chatMessages) {
        return "{\"inputs\":{\"system\":\"\",\"user\":" + Json.quote(user) + ",\"tools\":" + Json.quote(WEATHER_TOOLS) + "},"
                + "\"chatMessages\":" + chatMessages + "}";
    }

    @Test
    void answersTheToolMarkerWithACallToThatTool() {
        String user = "weather please [sim:tool=get_weather]";

        HttpResponse<String> response = call(withKey(withTools(user, "[{\"content\":" + Json.quote(user) + ",\"role\":\"user\",\"id\":1}]"),
                "any-key"));

        assertThat(response.code()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"tool_calls\":[{\"name\":\"get_weather\",\"arguments\":{\"city\":\"sim\",\"days\":1}}]}");
    }

    @Test
    void givesACustomToolAPlaceholderInputAndAnUnknownToolNoArguments() {
        assertThat(call(withKey(withTools("[sim:tool=apply_patch]", "[]"), "any-key")).body())
                .isEqualTo("{\"tool_calls\":[{\"name\":\"apply_patch\",\"input\":\"sim\"}]}");
        assertThat(call(withKey(minimal("[sim:tool=rm_rf]"), "any-key")).body())
                .isEqualTo("{\"tool_calls\":[{\"name\":\"rm_rf\",\"arguments\":{}}]}");
    }

    @Test
    void answersTheToolResultOnceItIsBack() {
        String user = "[sim:tool=get_weather]";
        String history = "[{\"content\":" + Json.quote(user) + ",\"role\":\"user\",\"id\":1},"
                + "{\"content\":\"{\\\"tool_calls\\\":[]}\",\"role\":\"assistant\",\"id\":2},"
                + "{\"content\":\"[tool result for call_1 (get_weather)]\\nSunny\",\"role\":\"tool\",\"id\":3}]";

        HttpResponse<String> response = call(withKey(withTools(user, history), "any-key"));

        assertThat(response.body()).isEqualTo("[SAI simulator] Tool result received: [tool result for call_1 (get_weather)]\nSunny");
    }

    // --- configuration ------------------------------------------------------------------------------

    @Test
    void demoEnvironmentPointsTheGatewayAtTheSimulator() {
        int port = context.getRequiredProperty("micronaut.server.port", Integer.class);

        assertThat(context.getRequiredProperty("sai.url", String.class)).isEqualTo("http://127.0.0.1:" + port + "/simulator");
        assertThat(context.getRequiredProperty("sai.template-id", String.class)).isEqualTo("demo-template");
        assertThat(context.getRequiredProperty("secrets.sai-key", String.class)).isEqualTo("sim-system-key");
        assertThat(context.getRequiredProperty("secrets.sai-cookie", String.class)).isEqualTo("sim-system-cookie=1");
    }

    /** With GATEWAY_API_KEYS the API is closed, but the gateway calls its simulator with SAI's headers and no bearer token. */
    @Test
    void theDemoAnswersACallerWithAnAccessKey() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Map<String, Object> keyed = Map.of("micronaut.server.port", port, "secrets.gateway-api-keys", "demo-access-1");
        try (EmbeddedServer demo = ApplicationContext.run(EmbeddedServer.class, keyed, "test", "demo");
             HttpClient caller = HttpClient.create(demo.getURL())) {
            String chat = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

            HttpResponse<String> answer = caller.toBlocking().exchange(HttpRequest.POST("/v1/chat/completions", chat)
                    .contentType(MediaType.APPLICATION_JSON_TYPE).bearerAuth("demo-access-1"), Argument.STRING, Argument.STRING);
            HttpClientResponseException refused = assertThrows(HttpClientResponseException.class,
                    () -> caller.toBlocking().exchange(HttpRequest.POST("/v1/chat/completions", chat)
                            .contentType(MediaType.APPLICATION_JSON_TYPE).bearerAuth("wrong"), Argument.STRING, Argument.STRING));

            assertThat(Json.parse(answer.body()).at("/choices/0/message/content").asText()).isEqualTo("[SAI simulator] You said: hi");
            assertThat(refused.getStatus().getCode()).isEqualTo(401);
        }
    }

    // --- helpers ------------------------------------------------------------------------------------

    private static String minimal(String user) {
        return "{\"inputs\":{\"system\":\"\",\"user\":\"" + user + "\"},"
                + "\"chatMessages\":[{\"content\":\"" + user + "\",\"role\":\"user\",\"id\":1}]}";
    }

    private static MutableHttpRequest<String> withKey(String body, String key) {
        return HttpRequest.POST(PATH, body).contentType(MediaType.APPLICATION_JSON_TYPE).header("X-Api-Key", key);
    }

    private static MutableHttpRequest<String> withCookie(String body, String cookie) {
        return HttpRequest.POST(PATH, body).contentType(MediaType.APPLICATION_JSON_TYPE).header("Cookie", cookie);
    }

    private HttpResponse<String> call(MutableHttpRequest<String> request) {
        return client.toBlocking().exchange(request, Argument.STRING, Argument.STRING);
    }

    private HttpClientResponseException callFailing(MutableHttpRequest<?> request) {
        try {
            HttpResponse<String> response = client.toBlocking().exchange(request, Argument.STRING, Argument.STRING);
            throw new AssertionError("expected a failure status, got " + response.code());
        } catch (HttpClientResponseException e) {
            return e;
        }
    }

    private static String bodyOf(HttpClientResponseException e) {
        return e.getResponse().getBody(String.class).orElse("");
    }
}
