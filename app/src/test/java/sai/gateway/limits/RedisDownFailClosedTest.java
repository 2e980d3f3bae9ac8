package sai.gateway.limits;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.LogCapture;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.RedisProcess;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code REDIS_URL} set, nothing listening there, {@code RATE_LIMIT_FAIL_OPEN=false}: every request is
 * refused with a 503 in the OpenAI shape and {@code Retry-After}, SAI is never called, and the outage is
 * logged once, not per request.
 */
@MicronautTest
class RedisDownFailClosedTest extends SaiFakeTest {

    private static final LogCapture LOGS = LogCapture.attachToRoot();

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("limits.requests-per-minute", "100", "limits.redis-url", RedisProcess.unreachableUrl(), "limits.fail-open", "false");
    }

    @AfterAll
    void stopCapturing() {
        LOGS.detach();
    }

    @Test
    void requestsAreRefusedWith503AndTheOutageIsLoggedOnce() {
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));
            OpenAiErrors.assertError(response, 503, "server_error", "rate_limiter_unavailable", null);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        }

        assertThat(saiRequests()).isEmpty();
        assertThat(LOGS.lines()).filteredOn(line -> line.message().contains("[LIMITS] Redis cannot be reached")).hasSize(1)
                .allSatisfy(line -> assertThat(line.message()).contains("failing CLOSED"));
    }
}
