package sai.gateway.chat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.Json;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest
class ChatCompletionSmokeTest extends SaiFakeTest {

    @Test
    void answersWithSaiTextAndUsage() {
        stubAnswer("Hola, mundo", 12, 3, "claude-x");

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("Hola"));

        assertThat(response.statusCode()).isEqualTo(200);
        var body = Json.parse(response.body());
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Hola, mundo");
        assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(15);
        assertThat(body.at("/model").asText()).isEqualTo("claude-x");
        assertThat(response.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).hasSize(8));
        assertThat(saiRequests()).hasSize(1);
        assertThat(saiRequests().get(0).getHeader("X-Api-Key")).isEqualTo(SYSTEM_KEY);
    }
}
