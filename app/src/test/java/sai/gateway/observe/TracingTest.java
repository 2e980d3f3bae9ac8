package sai.gateway.observe;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code OTEL_SDK_DISABLED=false}: the request continues the caller's W3C trace, SAI receives a
 * {@code traceparent} of the same trace (the SAI call's own span), and both spans are exported over OTLP/HTTP
 * (here to the SAI fake, which records the export), without a key in them.
 */
@MicronautTest
class TracingTest extends SaiFakeTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";

    @Override
    protected Map<String, String> extraProperties() {
        // The fake's own URL is only known here; it doubles as the OTLP collector.
        return Map.of("otel.sdk.disabled", "false",
                "otel.exporter.otlp.endpoint", sai.baseUrl(),
                "otel.exporter.otlp.protocol", "http/protobuf",
                "otel.bsp.schedule.delay", "50");
    }

    @Test
    void saiCallContinuesTheCallersTraceAndSpansAreExported() throws InterruptedException {
        stubAnswer("Quito", 3, 1, "sai-model");
        sai.stubFor(post(urlPathEqualTo("/v1/traces")).willReturn(ok()));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"), "traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01",
                "user_api_key", "usr-TRACE-KEY-6c8e0a2b");

        assertThat(response.statusCode()).isEqualTo(200);
        LoggedRequest call = SaiCalls.single(saiRequests());
        assertThat(call.getHeader("traceparent")).matches("00-" + TRACE_ID + "-[0-9a-f]{16}-01")
                .doesNotContain(CALLER_SPAN);

        // The SAI span ends when SAI answers, the server span when the response has left: they may come in two
        // export batches, so every batch so far is read until both are there (or 5 s pass).
        String exported = "";
        for (int i = 0; i < 100 && !(exported.contains("SAI execute") && exported.contains("/v1/chat/completions")); i++) {
            exported = sai.findAll(postRequestedFor(urlPathEqualTo("/v1/traces"))).stream()
                    .map(export -> new String(export.getBody(), StandardCharsets.ISO_8859_1))
                    .collect(java.util.stream.Collectors.joining("\n"));
            Thread.sleep(50);
        }
        assertThat(exported).as("OTLP exports").isNotEmpty();
        assertThat(exported).contains("sai-gateway", "SAI execute", "/v1/chat/completions", "user key")
                .doesNotContain("usr-TRACE-KEY", SYSTEM_KEY);
    }
}
