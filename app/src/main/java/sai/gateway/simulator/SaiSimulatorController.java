package sai.gateway.simulator;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.util.Map;

/**
 * A stand-in for SAI's execute endpoint (CONTRACT.md section 1), mounted inside the gateway itself so
 * the demo runs without credentials. Only the {@code demo} environment has it: a production gateway
 * must never be able to answer itself with fake text because a setting was missing.
 */
@Controller("/simulator")
@Requires(env = "demo")
public class SaiSimulatorController {

    private static final Logger LOG = LoggerFactory.getLogger(SaiSimulatorController.class);
    private static final MediaType TEXT_UTF8 = new MediaType(MediaType.TEXT_PLAIN, Map.of(MediaType.CHARSET_PARAMETER, "utf-8"));

    private final SimulatorRequestParser parser;
    private final SimulatorBehaviour behaviour;

    SaiSimulatorController(SimulatorRequestParser parser, SimulatorBehaviour behaviour) {
        this.parser = parser;
        this.behaviour = behaviour;
    }

    // The body is taken as text so that malformed JSON reaches the simulator (and gets SAI's plain 400)
    // instead of the gateway's own OpenAI-shaped error handling.
    @Post("/api/templates/{templateId}/execute")
    @Consumes(MediaType.ALL)
    @Produces(MediaType.TEXT_PLAIN)
    Mono<MutableHttpResponse<String>> execute(@PathVariable String templateId,
                                              @Nullable @QueryValue String modelOverride,
                                              @Nullable @Header("X-Api-Key") String apiKey,
                                              @Nullable @Header("Cookie") String cookie,
                                              @Nullable @Body String body) {
        SimulatedResponse planned = plan(apiKey, cookie, body, modelOverride);
        LOG.info("Simulated SAI call: template={}, modelOverride={}, credential={}, status={}, delay={}s",
                templateId, modelOverride, describe(apiKey, cookie), planned.status(), planned.delay().toSeconds());
        Mono<MutableHttpResponse<String>> response = Mono.fromSupplier(() -> toHttp(planned));
        // Mono.delay waits on a timer, so a long [sim:slow=N] never holds an event-loop thread.
        return planned.delay().isZero() ? response : Mono.delay(planned.delay()).then(response);
    }

    private SimulatedResponse plan(@Nullable String apiKey, @Nullable String cookie, @Nullable String body,
                                   @Nullable String modelOverride) {
        try {
            SimulatorCredential credential = SimulatorCredential.from(apiKey, cookie);
            return behaviour.credentialFailure(credential)
                    .orElseGet(() -> behaviour.answer(parser.parse(body), modelOverride));
        } catch (SimulatorRejection rejection) {
            return rejection.toResponse();
        }
    }

    private static MutableHttpResponse<String> toHttp(SimulatedResponse planned) {
        MutableHttpResponse<String> response = HttpResponse.<String>status(HttpStatus.valueOf(planned.status()))
                .contentType(TEXT_UTF8)
                .body(planned.body());
        planned.headers().forEach(response::header);
        return response;
    }

    /** Which header was used and how long it was; the value itself is a secret. */
    private static String describe(@Nullable String apiKey, @Nullable String cookie) {
        return "X-Api-Key" + (apiKey == null ? "[absent]" : "[length=" + apiKey.length() + "]")
                + ", Cookie" + (cookie == null ? "[absent]" : "[length=" + cookie.length() + "]");
    }
}
