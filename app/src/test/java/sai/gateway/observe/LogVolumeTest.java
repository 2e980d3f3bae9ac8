package sai.gateway.observe;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.LogCapture;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One request writes a bounded number of log lines whatever it holds: with {@code VERBOSE_LOGGING=true}, a
 * conversation of 5,000 messages (refused for its size) gets previews of its first and last five messages and
 * one line counting the rest, not a line per message (an 80,000-message request wrote 80,004 lines).
 */
@MicronautTest
class LogVolumeTest extends SaiFakeTest {

    private static final int MESSAGES = 5_000;

    private LogCapture logs;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("gateway.verbose-logging", "true", "sai.max-context-tokens", "1000");
    }

    @BeforeAll
    void capture() {
        logs = LogCapture.attachToRoot();
    }

    @AfterAll
    void release() {
        logs.detach();
    }

    @Test
    void aHugeConversationWritesAFewLinesNotOnePerMessage() {
        StringBuilder body = new StringBuilder("{\"messages\":[");
        for (int i = 0; i < MESSAGES; i++) {
            body.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":\"message number ").append(i).append("\"}");
        }
        body.append("]}");

        HttpResponse<String> response = postJson("/v1/chat/completions", body.toString());

        OpenAiErrors.assertError(response, 400, "invalid_request_error", "context_length_exceeded", "messages");
        String id = response.headers().firstValue("x-request-id").orElseThrow();
        List<String> lines = logs.lines().stream().filter(line -> id.equals(line.requestId())).map(LogCapture.Line::message).toList();
        assertThat(lines).as("log lines of one request").hasSizeLessThanOrEqualTo(20)
                .anySatisfy(line -> assertThat(line).contains("[0]", "message number 0"))
                .anySatisfy(line -> assertThat(line).contains("[" + (MESSAGES - 1) + "]", "message number " + (MESSAGES - 1)))
                .anySatisfy(line -> assertThat(line).contains((MESSAGES - 10) + " more"));
    }
}
