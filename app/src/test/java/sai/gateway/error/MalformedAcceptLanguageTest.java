package sai.gateway.error;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiFakeTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Accept-Language values that make a header parser throw (found by HostileInputTest). Micronaut's, while it
 * binds the controller's arguments: the client gets a 400 in the OpenAI shape, not a 500, and SAI is not
 * called. The JDK's, when the gateway picks the message language: the header is ignored, the request served.
 */
@MicronautTest
class MalformedAcceptLanguageTest extends SaiFakeTest {

    @ParameterizedTest
    @ValueSource(strings = {";", ",", ",;", ";;"})
    void malformedAcceptLanguageIsABadRequest(String header) {
        stubAnswer("Quito", 1, 1, "sai-model");

        OpenAiErrors.assertError(postJson("/v1/chat/completions", chat("hi"), "Accept-Language", header),
                400, "invalid_request_error", "bad_request", null);
        OpenAiErrors.assertError(postJson("/v1/responses", "{\"input\":\"hi\"}", "Accept-Language", header),
                400, "invalid_request_error", "bad_request", null);
        assertThat(saiRequests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-", "--"})
    void acceptLanguageTheJdkCannotParseFallsBackToTheDefaultLanguage(String header) {
        stubAnswer("Quito", 1, 1, "sai-model");

        assertThat(postJson("/v1/chat/completions", chat("hi"), "Accept-Language", header).statusCode()).isEqualTo(200);
        OpenAiErrors.assertError(postJson("/v1/chat/completions", "{\"messages\":[]}", "Accept-Language", header),
                400, "invalid_request_error", "invalid_value", "messages");
    }
}
