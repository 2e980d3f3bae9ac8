package sai.gateway.observe;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SaiFakeTest;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code LOG_FORMAT}: the application's own {@code logback.xml} (the container's, or the Lambda's when this
 * suite runs there) is loaded into a separate logback context with {@code LOG_FORMAT} set, and the appenders
 * it builds are attached beside the test run's own, their output captured. A gateway request then logs
 * through them: json gives one parseable object per line, carrying the request id; text gives the readable
 * lines. Neither contains a credential, even when SAI echoes one.
 */
@MicronautTest
class LogFormatTest extends SaiFakeTest {

    private static final String USER_KEY = "usr-LOGJSON-KEY-8b0d2f4a";

    private final List<Appender<ILoggingEvent>> attached = new ArrayList<>();
    private final List<ByteArrayOutputStream> outputs = new ArrayList<>();
    private LoggerContext configured;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("gateway.verbose-logging", "true");
    }

    @AfterEach
    void detach() {
        Logger root = globalRoot();
        attached.forEach(root::detachAppender);
        attached.clear();
        outputs.clear();
        if (configured != null) {
            configured.stop();
        }
    }

    @Test
    void jsonFormatWritesOneObjectPerLineWithTheRequestId() throws Exception {
        capture("json");
        stubAnswer("Quito", 10, 2, "sai-model");

        HttpResponse<String> answered = postJson("/v1/chat/completions", chat("Capital of Ecuador?"));
        HttpResponse<String> rejected = rejectedUserKey();

        assertThat(answered.statusCode()).isEqualTo(200);
        for (String output : texts()) {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : output.split("\n")) {
                assertThat(line).startsWith("{").endsWith("}");
                lines.add(Json.parse(line));
            }
            String id = answered.headers().firstValue("x-request-id").orElseThrow();
            assertThat(lines).anySatisfy(line -> {
                assertThat(line.path("requestId").asText()).isEqualTo(id);
                assertThat(line.path("message").asText()).contains("[SERVER -> CLIENT] answered");
                assertThat(line.path("level").asText()).isEqualTo("INFO");
                assertThat(line.path("logger_name").asText()).isEqualTo("sai.gateway.exchange.ExchangePipeline");
                assertThat(line.has("@timestamp")).isTrue();
            });
            String rejectedId = rejected.headers().firstValue("x-request-id").orElseThrow();
            assertThat(lines).anySatisfy(line -> {
                assertThat(line.path("requestId").asText()).isEqualTo(rejectedId);
                assertThat(line.path("message").asText()).contains("[SAI -> SERVER] HTTP 401", "[redacted]");
            });
            assertNoSecret(output);
        }
    }

    @Test
    void textFormatStaysTheReadableDefault() throws Exception {
        capture("text");
        stubAnswer("Quito", 10, 2, "sai-model");

        HttpResponse<String> answered = postJson("/v1/chat/completions", chat("Capital of Ecuador?"));
        rejectedUserKey();

        String id = answered.headers().firstValue("x-request-id").orElseThrow();
        for (String output : texts()) {
            assertThat(output.lines()).allSatisfy(line -> assertThat(line).doesNotStartWith("{"))
                    .anySatisfy(line -> assertThat(line).contains("[" + id + "]", "[SERVER -> CLIENT] answered"));
            assertNoSecret(output);
        }
    }

    private HttpResponse<String> rejectedUserKey() {
        sai.resetAll();
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(401)
                .withBody("{\"detail\":\"Invalid API key {{request.headers.X-Api-Key}}\"}")
                .withTransformers("response-template")));
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("hi"), "user_api_key", USER_KEY);
        OpenAiErrors.assertError(response, 401, "invalid_request_error", "invalid_api_key", null);
        return response;
    }

    /** The application's logback.xml with LOG_FORMAT set; its writers redirected into memory and attached to the live root. */
    private void capture(String format) throws Exception {
        configured = new LoggerContext();
        configured.putProperty("LOG_FORMAT", format);
        configured.putProperty("LOG_DIR", Files.createTempDirectory("sai-logs").toString());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(configured);
        configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
        Iterator<Appender<ILoggingEvent>> appenders = configured.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
        while (appenders.hasNext()) {
            Appender<ILoggingEvent> appender = appenders.next();
            if (appender instanceof BatchingAppender writer) {
                // Synchronously: the lines are complete when the response has arrived.
                writer.iteratorForAppenders().forEachRemaining(this::redirect);
            } else {
                redirect(appender);
            }
        }
        assertThat(outputs).as("logback.xml writes somewhere").isNotEmpty();
    }

    @SuppressWarnings("unchecked")
    private void redirect(Appender<ILoggingEvent> appender) {
        assertThat(appender).isInstanceOf(OutputStreamAppender.class);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ((OutputStreamAppender<ILoggingEvent>) appender).setOutputStream(out);
        outputs.add(out);
        attached.add(appender);
        globalRoot().addAppender(appender);
    }

    private List<String> texts() {
        List<String> texts = outputs.stream().map(out -> out.toString(StandardCharsets.UTF_8)).toList();
        assertThat(texts).allSatisfy(text -> assertThat(text).isNotBlank());
        return texts;
    }

    private static void assertNoSecret(String output) {
        for (String secret : List.of(SYSTEM_KEY, "sys-KEY", SYSTEM_COOKIE, "sys-COOKIE", USER_KEY, "usr-LOGJSON", "LOGJSON-KEY")) {
            assertThat(output).as("log output must not contain %s", secret).doesNotContain(secret);
        }
    }

    private static Logger globalRoot() {
        return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
