package sai.gateway.messages;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static sai.gateway.messages.AnthropicWire.assertError;

/**
 * {@code GATEWAY_API_KEYS} on the Anthropic routes: Claude Code sends the key as {@code x-api-key}
 * (ANTHROPIC_API_KEY) or as a bearer token (ANTHROPIC_AUTH_TOKEN), and the official Java SDK as a bearer token; a
 * refusal is Anthropic's {@code authentication_error}, which Claude Code reports as "Not logged in" rather than
 * retrying it as an unknown failure. The OpenAI routes keep OpenAI's shape.
 */
@MicronautTest
class MessagesAccessKeyTest extends SaiFakeTest {

    private static final String KEY = "k1-abc";
    private static final String MODEL = "claude-sonnet-4-5-20250929";
    private static final String MESSAGE = "{\"model\":\"" + MODEL + "\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String COUNT = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("secrets.gateway-api-keys", KEY + ",k2-def");
    }

    @Test
    void aValidXApiKeyIsServed() {
        stubAnswer("ok", 1, 1, MODEL);

        HttpResponse<String> response = postJson("/v1/messages?beta=true", MESSAGE, "x-api-key", KEY, "anthropic-version", "2023-06-01");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(Json.parse(response.body()).at("/content/0/text").asText()).isEqualTo("ok");
        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), SYSTEM_KEY); // the access key is the gateway's, never SAI's
    }

    @Test
    void aValidBearerTokenIsServed() {
        stubAnswer("ok", 1, 1, MODEL);

        HttpResponse<String> response = postJson("/v1/messages", MESSAGE, "Authorization", "Bearer " + KEY, "anthropic-version", "2023-06-01");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        SaiCalls.assertApiKey(SaiCalls.single(saiRequests()), SYSTEM_KEY);
    }

    @Test
    void aValidKeyServesCountTokens() {
        HttpResponse<String> response = postJson("/v1/messages/count_tokens", COUNT, "x-api-key", KEY);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(Json.parse(response.body()).path("input_tokens").asLong()).isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/messages", "/messages", "/v1/messages/count_tokens", "/v1/messages?beta=true"})
    void noKeyIsAnAnthropicAuthenticationError(String path) {
        stubAnswer("never", 1, 1, MODEL);

        assertError(postJson(path, path.contains("count") ? COUNT : MESSAGE, "anthropic-version", "2023-06-01"), 401, "authentication_error");

        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void anUnknownKeyIsAnAnthropicAuthenticationError() {
        stubAnswer("never", 1, 1, MODEL);

        assertError(postJson("/v1/messages", MESSAGE, "x-api-key", "k9-nope"), 401, "authentication_error");
        assertError(postJson("/v1/messages", MESSAGE, "Authorization", "Bearer k9-nope"), 401, "authentication_error");

        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void chatCompletionsWithoutAKeyKeepsOpenAisShape() {
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        OpenAiErrors.assertError(response, 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(response.headers().firstValue("request-id")).isEmpty();
    }

    @Test
    void modelsWithAnthropicVersionAndNoKeyIsAnAnthropicError() {
        assertError(get("/v1/models", "anthropic-version", "2023-06-01"), 401, "authentication_error");
    }

    @Test
    void modelsWithoutAnthropicVersionAndNoKeyIsAnOpenAiError() {
        OpenAiErrors.assertError(get("/v1/models"), 401, "invalid_request_error", "invalid_api_key", null);
    }

    @Test
    void modelsWithAnthropicVersionAndAKeyIsServed() {
        HttpResponse<String> response = get("/v1/models", "anthropic-version", "2023-06-01", "x-api-key", KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.parse(response.body()).path("has_more").asBoolean(true)).isFalse();
    }
}
