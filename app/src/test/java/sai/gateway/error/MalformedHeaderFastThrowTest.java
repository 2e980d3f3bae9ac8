package sai.gateway.error;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.SaiFakeTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A malformed Accept-Language makes Micronaut's header parser index an empty array. Thrown often enough (a long test
 * run, or a client sending it in a loop), HotSpot replaces that exception with a preallocated one without a stack
 * trace; the refusal must still be the client's 400, not a 500 (HostileInputTest met it in CI).
 */
@MicronautTest
class MalformedHeaderFastThrowTest extends SaiFakeTest {

    @Inject
    OpenAiErrorResponseProcessor processor;

    @Test
    void aStacklessIndexErrorOnAMalformedAcceptLanguageIsA400() {
        ArrayIndexOutOfBoundsException fastThrown = new ArrayIndexOutOfBoundsException();
        fastThrown.setStackTrace(new StackTraceElement[0]);
        HttpRequest<?> request = HttpRequest.POST("/v1/responses", "{}").header(HttpHeaders.ACCEPT_LANGUAGE, ";");

        MutableHttpResponse<Object> answer = processor.processResponse(ErrorContext.builder(request).cause(fastThrown).build(),
                HttpResponse.serverError());

        assertThat(answer.code()).isEqualTo(400);
    }

    @Test
    void aStacklessIndexErrorWithWellFormedHeadersIsStillTheGatewaysOwn500() {
        ArrayIndexOutOfBoundsException fastThrown = new ArrayIndexOutOfBoundsException();
        fastThrown.setStackTrace(new StackTraceElement[0]);
        HttpRequest<?> request = HttpRequest.POST("/v1/responses", "{}").header(HttpHeaders.ACCEPT_LANGUAGE, "es-EC,es;q=0.9");

        MutableHttpResponse<Object> answer = processor.processResponse(ErrorContext.builder(request).cause(fastThrown).build(),
                HttpResponse.serverError());

        assertThat(answer.code()).isEqualTo(500);
    }
}
