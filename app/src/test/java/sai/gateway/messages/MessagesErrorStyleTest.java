package sai.gateway.messages;

import sai.gateway.testing.AnthropicEvents;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.Json;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static sai.gateway.messages.AnthropicWire.assertError;

/**
 * {@code SAI_ERROR_STYLE=message} turns SAI's failures into an assistant answer for OpenAI chat UIs. Anthropic
 * clients are not such UIs: Claude Code would take that text for the model's answer (and bill it as one), so the
 * Messages API keeps its errors, plain and streamed.
 */
@MicronautTest
class MessagesErrorStyleTest extends SaiFakeTest {

    private static final String MODEL = "claude-sonnet-4-5-20250929";
    private static final String MESSAGE = "{\"model\":\"" + MODEL + "\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("gateway.error-style", "message");
    }

    @Test
    void saiInternalErrorStaysAnApiError() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500).withBody("boom")));

        assertError(postJson("/v1/messages", MESSAGE), 500, "api_error");
        SaiCalls.single(saiRequests());
    }

    @Test
    void saiUnavailableStaysOverloaded() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(503)));

        assertError(postJson("/v1/messages", MESSAGE), 529, "overloaded_error");
    }

    @Test
    void saiRejectingTheSystemKeyStaysAnError() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401)));

        HttpResponse<String> response = postJson("/v1/messages", MESSAGE);

        assertThat(response.statusCode()).as(response.body()).isNotEqualTo(200);
        assertThat(Json.parse(response.body()).path("type").asText()).isEqualTo("error");
    }

    @Test
    void aStreamedSaiFailureIsAnErrorEventNotAnAnswer() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500).withBody("boom")));

        HttpResponse<String> response = postJson("/v1/messages", MESSAGE.replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\""));

        assertThat(response.statusCode()).isEqualTo(200);
        List<AnthropicEvents.Frame> frames = AnthropicWire.withoutPings(AnthropicWire.frames(response.body()));
        assertThat(AnthropicWire.events(frames)).containsExactly("message_start", "error");
        assertThat(frames.get(1).json().at("/error/type").asText()).isEqualTo("api_error");
    }

    @Test
    void theChatSurfaceStillAnswersWithTheExplanation() {
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500).withBody("boom")));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.parse(response.body()).at("/choices/0/finish_reason").asText()).isEqualTo("error");
    }
}
