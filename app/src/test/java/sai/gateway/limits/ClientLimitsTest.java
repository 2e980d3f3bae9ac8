package sai.gateway.limits;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code RATE_LIMIT_RPM} and {@code TOKEN_QUOTA_DAILY} in memory (one replica): counted per client, refused
 * with OpenAI's 429 and headers before SAI is called, and a refused stream is an HTTP 429, not an event. Each
 * test uses its own user key, so its buckets are its own.
 */
@MicronautTest
class ClientLimitsTest extends SaiFakeTest {

    private static final int RPM = 3;
    private static final int TOKENS_PER_DAY = 40;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("limits.requests-per-minute", Integer.toString(RPM),
                "limits.tokens-per-day", Integer.toString(TOKENS_PER_DAY));
    }

    @Test
    void requestsOverThePerMinuteLimitAreRefusedWithOpenAiHeaders() {
        stubAnswer("ok", 1, 1, "sai-model");
        for (int i = 1; i <= RPM; i++) {
            HttpResponse<String> ok = postJson("/v1/chat/completions", chat("hi"), "user_api_key", "usr-rpm-key");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("x-ratelimit-limit-requests")).hasValue(Integer.toString(RPM));
            assertThat(ok.headers().firstValue("x-ratelimit-remaining-requests")).hasValue(Integer.toString(RPM - i));
            assertThat(ok.headers().firstValue("x-ratelimit-reset-requests")).hasValueSatisfying(v -> assertThat(v).matches("\\d+ms|(\\d+h)?(\\d+m)?\\d+s"));
            assertThat(ok.headers().firstValue("x-ratelimit-limit-tokens")).hasValue(Integer.toString(TOKENS_PER_DAY));
        }

        HttpResponse<String> refused = postJson("/v1/chat/completions", chat("hi"), "user_api_key", "usr-rpm-key");

        JsonNode error = OpenAiErrors.assertError(refused, 429, "requests", "rate_limit_exceeded", null);
        assertThat(error.path("message").asText()).contains(RPM + " requests per minute");
        assertThat(refused.headers().firstValue("Retry-After").map(Long::parseLong)).hasValueSatisfying(s -> assertThat(s).isBetween(1L, 60L));
        assertThat(refused.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        assertThat(saiRequests()).hasSize(RPM);

        // Another client is not affected.
        assertThat(postJson("/v1/chat/completions", chat("hi"), "user_api_key", "usr-other-key").statusCode()).isEqualTo(200);
    }

    @Test
    void refusedStreamIsAnHttp429BeforeAnyEvent() {
        stubAnswer("ok", 1, 1, "sai-model");
        String stream = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}";
        for (int i = 0; i < RPM; i++) {
            assertThat(postJson("/v1/chat/completions", stream, "user_api_key", "usr-stream-key").statusCode()).isEqualTo(200);
        }

        HttpResponse<String> refused = postJson("/v1/responses", "{\"input\":\"hi\",\"stream\":true}", "user_api_key", "usr-stream-key");

        OpenAiErrors.assertError(refused, 429, "requests", "rate_limit_exceeded", null);
        assertThat(saiRequests()).hasSize(RPM);
    }

    @Test
    void tokenQuotaCountsSaiUsageAndRefusesOnceSpent() {
        stubAnswer("ok", 20, 5, "sai-model");

        HttpResponse<String> first = postJson("/v1/chat/completions", chat("hi"), "user_api_key", "usr-tokens-key");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("40");
        HttpResponse<String> second = postJson("/v1/completions", "{\"prompt\":\"hi\"}", "user_api_key", "usr-tokens-key");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("15");

        HttpResponse<String> refused = postJson("/v1/chat/completions", chat("hi"), "user_api_key", "usr-tokens-key");

        JsonNode error = OpenAiErrors.assertError(refused, 429, "tokens", "rate_limit_exceeded", null);
        assertThat(error.path("message").asText()).contains(TOKENS_PER_DAY + " tokens per day");
        assertThat(refused.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("0");
        assertThat(refused.headers().firstValue("Retry-After").map(Long::parseLong))
                .hasValueSatisfying(s -> assertThat(s).isBetween(1L, 86_400L));
        assertThat(refused.headers().firstValue("x-ratelimit-reset-tokens")).hasValueSatisfying(v -> assertThat(v).matches("(\\d+h)?(\\d+m)?\\d+s|\\d+ms"));
        assertThat(saiRequests()).hasSize(2);
    }

    @Test
    void withoutAUserKeyTheClientIsItsAddress() {
        stubAnswer("ok", 1, 1, "sai-model");
        for (int i = 0; i < RPM; i++) {
            assertThat(postJson("/v1/chat/completions", chat("hi")).statusCode()).isEqualTo(200);
        }

        OpenAiErrors.assertError(postJson("/v1/chat/completions", chat("hi")), 429, "requests", "rate_limit_exceeded", null);
        // A refused request does not touch SAI; a client with a key of its own still gets through.
        assertThat(postJson("/v1/chat/completions", chat("hi"), "user_api_key", "usr-address-key").statusCode()).isEqualTo(200);
        assertThat(saiRequests()).hasSize(RPM + 1);
    }

    @Test
    void invalidRequestsAreRefusedBeforeTheyCount() {
        for (int i = 0; i < RPM + 2; i++) {
            OpenAiErrors.assertError(postJson("/v1/chat/completions", "{\"messages\":[]}", "user_api_key", "usr-invalid-key"),
                    400, "invalid_request_error", "invalid_value", "messages");
        }
        stubAnswer("ok", 1, 1, "sai-model");
        assertThat(postJson("/v1/chat/completions", chat("hi"), "user_api_key", "usr-invalid-key").statusCode()).isEqualTo(200);
    }
}
