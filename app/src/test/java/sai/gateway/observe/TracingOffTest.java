package sai.gateway.observe;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import static org.assertj.core.api.Assertions.assertThat;

/** By default tracing is off: nothing about a trace reaches SAI, not even the caller's own {@code traceparent}. */
@MicronautTest
class TracingOffTest extends SaiFakeTest {

    @Test
    void noTraceContextReachesSai() {
        stubAnswer("Quito", 3, 1, "sai-model");

        assertThat(postJson("/v1/chat/completions", chat("hi"), "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .statusCode()).isEqualTo(200);

        assertThat(SaiCalls.single(saiRequests()).containsHeader("traceparent")).isFalse();
    }
}
