package sai.gateway.limits;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With access keys, a caller counts against the limits by the key that admitted it, whichever header carried
 * it: an {@code x-api-key} caller cannot reset its count by sending a new made-up Bearer token each time.
 */
@MicronautTest
class AccessKeyLimitsTest extends SaiFakeTest {

    private static final int RPM = 2;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("secrets.gateway-api-keys", "k1-abc,k2-def", "limits.requests-per-minute", Integer.toString(RPM));
    }

    @Test
    void anXApiKeyCallerIsCountedByItsKeyWhateverBearerTokenItAlsoSends() {
        stubAnswer("ok", 1, 1, "sai-model");
        for (int i = 0; i < RPM; i++) {
            assertThat(postJson("/v1/chat/completions", chat("hi"), "x-api-key", "k1-abc", "Authorization", "Bearer made-up-" + i)
                    .statusCode()).isEqualTo(200);
        }

        HttpResponse<String> refused = postJson("/v1/chat/completions", chat("hi"), "x-api-key", "k1-abc", "Authorization", "Bearer made-up-x");

        OpenAiErrors.assertError(refused, 429, "requests", "rate_limit_exceeded", null);
        assertThat(saiRequests()).hasSize(RPM);
        // The same key as a Bearer token is the same client; the other key is another.
        OpenAiErrors.assertError(postJson("/v1/chat/completions", chat("hi"), "Authorization", "Bearer k1-abc"), 429, "requests",
                "rate_limit_exceeded", null);
        assertThat(postJson("/v1/chat/completions", chat("hi"), "x-api-key", "k2-def").statusCode()).isEqualTo(200);
    }
}
