package sai.gateway.sai;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.LogCapture;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiFakeTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A wrong {@code SAI_URL} is diagnosable from the log alone: startup names the URL the gateway will call
 * (and the models), and a failed connection names that URL and the cause, on one line; never the
 * credentials an operator may have put in the URL's user-info part.
 */
@MicronautTest
class SaiEndpointLogTest extends SaiFakeTest {

    /** Attached before the application context exists, so its startup lines are captured too. */
    private static final LogCapture LOGS = LogCapture.attachToRoot();
    private static final String URL_USER = "alice-URLUSER";
    private static final String URL_PASSWORD = "url-PASS-5e6f7a8b";

    private final int closedPort = closedPort();

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("sai.url", "http://" + URL_USER + ":" + URL_PASSWORD + "@127.0.0.1:" + closedPort + "/sai-base/");
        properties.put("sai.max-retries", "0");
        return properties;
    }

    @Test
    void startupNamesTheUrlTheTemplateAndTheModels() {
        List<String> lines = LOGS.lines().stream().map(LogCapture.Line::message).filter(m -> m.startsWith("SAI: POST")).toList();

        // Once per application context (the Lambda build's test harness starts more than one).
        assertThat(lines).isNotEmpty().containsOnly("SAI: POST http://127.0.0.1:" + closedPort + "/sai-base/api/templates/" + TEMPLATE_ID
                + "/execute, models [sai-model, claude-sonnet-4-5-20250929]");
        assertNoUrlCredentialLogged();
    }

    @Test
    void aRefusedConnectionNamesTheUrlAndTheCauseOnOneLine() {
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        OpenAiErrors.assertError(response, 502, "server_error", "upstream_unavailable", null);
        String id = response.headers().firstValue("x-request-id").orElseThrow();
        List<String> failures = LOGS.linesOf(id).stream().map(LogCapture.Line::message)
                .filter(m -> m.startsWith("[SAI -> SERVER] connection")).toList();
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0))
                .contains("http://127.0.0.1:" + closedPort + "/sai-base/api/templates/" + TEMPLATE_ID + "/execute")
                .contains("Connection refused")
                .containsPattern("failed after \\d+ ms")
                .doesNotContain("\n", "\r");
        assertNoUrlCredentialLogged();
    }

    private void assertNoUrlCredentialLogged() {
        assertThat(LOGS.text()).doesNotContain(URL_PASSWORD).doesNotContain(URL_USER).doesNotContain(SYSTEM_KEY);
    }

    /** A port nothing listens on: bound once to pick it, then released. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
