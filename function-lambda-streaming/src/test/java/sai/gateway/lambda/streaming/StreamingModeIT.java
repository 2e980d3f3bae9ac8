package sai.gateway.lambda.streaming;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sai.gateway.testing.LeavingClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The streaming mode's deployment package (function-lambda-streaming-0.1.0.zip) as the Lambda Web Adapter runs it
 * ({@link AdapterLaunch}): readiness, a slow answer streamed with heartbeats, the Lambda-only settings refused at start,
 * Secrets Manager and the SnapStart hook, and a client that leaves.
 */
class StreamingModeIT {

    private static final String TEMPLATE_ID = "tpl-stream";
    private static final String EXECUTE = "/api/templates/" + TEMPLATE_ID + "/execute";
    private static final String SYSTEM_KEY = "sk-system-STREAM-5f4e";
    private static final String CHAT = "{\"model\":\"sai-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"¿Qué tal?\"}]}";

    private static WireMockServer sai;
    private static HttpClient client;

    @TempDir
    Path work;
    private Path taskRoot;

    @BeforeAll
    static void startSai() {
        sai = new WireMockServer(options().dynamicPort());
        sai.start();
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stopSai() {
        sai.stop();
    }

    @BeforeEach
    void unpack() throws Exception {
        sai.resetAll();
        taskRoot = Files.createDirectory(work.resolve("task"));
        AdapterLaunch.unpack(taskRoot);
    }

    private Map<String, String> settings(String... more) {
        Map<String, String> settings = new HashMap<>();
        settings.put("SAI_URL", sai.baseUrl());
        settings.put("SAI_TEMPLATE_ID", TEMPLATE_ID);
        settings.put("SAI_KEY", SYSTEM_KEY);
        settings.put("FUNCTION_TIMEOUT", "900");
        settings.put("GATEWAY_LOCALE", "en");
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        return settings;
    }

    @Test
    void theTemplatesHandlerIsTheZipsStartScriptWithItsExecuteBitAndTheAdaptersSettings() throws Exception {
        JsonNode function = AdapterLaunch.streamingFunction();
        Map<String, String> variables = AdapterLaunch.literalVariables(function);

        assertThat(AdapterLaunch.TEMPLATE.getParent().resolve(function.path("CodeUri").asText()).normalize()).isEqualTo(AdapterLaunch.ZIP);
        assertThat(variables).containsEntry("AWS_LAMBDA_EXEC_WRAPPER", "/opt/bootstrap")
                .containsEntry("AWS_LWA_INVOKE_MODE", "response_stream")
                .containsEntry("AWS_LWA_READINESS_CHECK_PATH", "/health")
                .containsEntry("AWS_LWA_PORT", "8080");
        try (ZipFile zip = ZipFile.builder().setPath(AdapterLaunch.ZIP).get()) {
            ZipArchiveEntry handler = zip.getEntry(function.path("Handler").asText());
            assertThat(handler).as("the handler at the zip's root").isNotNull();
            assertThat(handler.getUnixMode() & 0111).as("execute bits of %s", handler.getName()).isEqualTo(0111);
            String script = new String(zip.getInputStream(handler).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(script).startsWith("#!/bin/sh\n").contains("AWS_LWA_PORT").doesNotContain("\r");
        }
    }

    /**
     * The adapter serves no request until the readiness path answers (and waits for it again after each SnapStart
     * restore), so /health must not depend on the read-only /var/task's free space: a disk-space threshold no disk meets
     * leaves it UP.
     */
    @Test
    void startedAsTheAdapterStartsItHealthIsUpOnTheAdaptersPort() throws Exception {
        try (AdapterLaunch function = AdapterLaunch.start(taskRoot, settings("ENDPOINTS_HEALTH_DISK_SPACE_THRESHOLD", "1000000000000000"))) {
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(function.base.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(health.statusCode()).as(function.output()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"UP\"}");
            assertThat(function.output()).contains("Server Running: http://localhost:" + function.port)
                    .contains("Established active environments").containsPattern("environments: \\[[^\\]]*streaming")
                    .doesNotContainPattern("environments: \\[[^\\]]*function");
        }
    }

    /** Heartbeats while SAI works, then the events, each line as it is written: what the buffered mode cannot do. */
    @Test
    void aSlowAnswerStreamsHeartbeatsWhileSaiWorksAndItsEventsWhenItAnswers() throws Exception {
        sai.stubFor(post(urlPathEqualTo(EXECUTE)).willReturn(aResponse().withStatus(200).withFixedDelay(3_500)
                .withHeader("prompttokens", "5").withHeader("completiontokens", "4").withBody("Muy bien, gracias.")));

        try (AdapterLaunch function = AdapterLaunch.start(taskRoot, settings("STREAM_HEARTBEAT_SECONDS", "1"))) {
            long sent = System.nanoTime();
            HttpResponse<Stream<String>> response = client.send(HttpRequest.newBuilder(function.base.resolve("/v1/chat/completions"))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofLines());
            long headersMs = (System.nanoTime() - sent) / 1_000_000;
            List<Long> heartbeats = new ArrayList<>();
            List<String> data = new ArrayList<>();
            long roleMs = -1;
            long contentMs = -1;
            try (Stream<String> lines = response.body()) {
                for (String line : (Iterable<String>) lines::iterator) {
                    long at = (System.nanoTime() - sent) / 1_000_000;
                    if (line.startsWith(":")) {
                        heartbeats.add(at);
                    } else if (line.startsWith("data: ")) {
                        roleMs = roleMs < 0 && line.contains("\"role\":\"assistant\"") ? at : roleMs;
                        contentMs = contentMs < 0 && line.contains("Muy bien") ? at : contentMs;
                        data.add(line.substring(6));
                    }
                }
            }

            assertThat(response.statusCode()).as(function.output()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
            assertThat(headersMs).as("headers before SAI answers").isLessThan(3_000);
            assertThat(heartbeats).as("heartbeats while SAI works").hasSizeGreaterThanOrEqualTo(2);
            assertThat(roleMs).as("the opening role chunk at once").isBetween(0L, 2_000L);
            assertThat(heartbeats.get(0)).as("the first heartbeat about a second in, not with the answer").isLessThan(2_500);
            assertThat(heartbeats.get(1)).isLessThan(3_400);
            assertThat(contentMs).as("the answer's events once SAI answered").isGreaterThanOrEqualTo(3_400);
            assertThat(String.join("", data)).contains("Muy bien, gracias.");
            assertThat(data).last().isEqualTo("[DONE]");
        }
    }

    @Test
    void heartbeatsThatApiGatewayWouldCutAndARequestTimeoutPastTheFunctionsRefuseToStart() throws Exception {
        AdapterLaunch.Refusal off = AdapterLaunch.refuse(taskRoot, settings("STREAM_HEARTBEAT_SECONDS", "0"));
        AdapterLaunch.Refusal slow = AdapterLaunch.refuse(taskRoot, settings("STREAM_HEARTBEAT_SECONDS", "26"));
        AdapterLaunch.Refusal late = AdapterLaunch.refuse(taskRoot, settings("REQUEST_TIMEOUT", "895"));

        assertThat(off.exitCode()).isEqualTo(1);
        assertThat(off.output().lines()).contains("Configuration error: STREAM_HEARTBEAT_SECONDS must be from 1 to 25 in the streaming"
                + " Lambda mode: API Gateway closes a stream that stays silent for 30 seconds on an edge-optimised endpoint (got \"0\")");
        assertThat(slow.exitCode()).isEqualTo(1);
        assertThat(slow.output()).contains("STREAM_HEARTBEAT_SECONDS must be from 1 to 25").contains("(got \"26\")");
        assertThat(late.exitCode()).isEqualTo(1);
        assertThat(late.output().lines()).contains("Configuration error: REQUEST_TIMEOUT must be at most 890, 10 seconds below"
                + " FUNCTION_TIMEOUT (900), so that the gateway answers before Lambda stops the function; unset, it is that (got \"895\")");
    }

    /** The secret as in the buffered mode: the only source of the credentials, re-read after a SnapStart restore. */
    @Test
    void secretsManagerAccessKeysAndTheSnapStartHookWorkAsInTheBufferedMode() throws Exception {
        String secretKey = "sk-from-SECRET-77aa";
        String accessKey = "gw-stream-KEY-0b1c";
        WireMockServer secrets = new WireMockServer(options().dynamicPort());
        secrets.start();
        try {
            secrets.stubFor(post(urlPathEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                            .withBody("{\"ARN\":\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:gw-AbCdEf\",\"Name\":\"gw\","
                                    + "\"VersionId\":\"v1\",\"SecretString\":\"{\\\"SAI_KEY\\\":\\\"" + secretKey
                                    + "\\\",\\\"GATEWAY_API_KEYS\\\":\\\"" + accessKey + "\\\"}\",\"VersionStages\":[\"AWSCURRENT\"]}")));
            sai.stubFor(post(urlPathEqualTo(EXECUTE)).willReturn(aResponse().withStatus(200).withBody("hola")));
            Map<String, String> settings = settings("SAI_SECRET_ID", "gw", "SECRETS_AWS_ENDPOINT", secrets.baseUrl(),
                    "GATEWAY_REQUIRE_API_KEYS", "true", "AWS_ACCESS_KEY_ID", "AKIDSTREAMTEST0000", "AWS_SECRET_ACCESS_KEY", "test-secret",
                    "AWS_SESSION_TOKEN", "test-session-token");
            settings.remove("SAI_KEY");

            try (AdapterLaunch function = AdapterLaunch.start(taskRoot, settings)) {
                HttpResponse<String> without = chat(function.base, null);
                HttpResponse<String> with = chat(function.base, accessKey);
                int readsBefore = secrets.findAll(postRequestedFor(urlPathEqualTo("/"))).size();
                HttpResponse<String> hook = client.send(HttpRequest.newBuilder(function.base.resolve("/lambda/snapstart/after-restore"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

                assertThat(without.statusCode()).as(function.output()).isEqualTo(401);
                assertThat(with.statusCode()).as(with.body()).isEqualTo(200);
                assertThat(sai.findAll(postRequestedFor(urlPathEqualTo(EXECUTE)))).singleElement()
                        .satisfies(call -> assertThat(call.getHeader("X-Api-Key")).isEqualTo(secretKey));
                assertThat(hook.statusCode()).isEqualTo(204);
                assertThat(secrets.findAll(postRequestedFor(urlPathEqualTo("/")))).as("read again after the restore").hasSize(readsBefore + 1);
                assertThat(function.output()).contains("[SNAPSTART] restored")
                        .doesNotContain(secretKey, accessKey, "test-secret", "test-session-token", "AKIDSTREAMTEST0000");
                assertThat(without.body() + with.body() + hook.body()).doesNotContain(secretKey, accessKey, "test-secret");
            }
        } finally {
            secrets.stop();
        }
    }

    /**
     * The server the adapter runs ends the exchange when the connection to it closes: SAI's late answer is never
     * processed. This is the server's side only: Lambda tells a function nothing when an API Gateway client leaves a
     * response stream, so on AWS the exchange still runs until SAI answers or REQUEST_TIMEOUT (the function's timeout
     * less 10 s) ends it, unless the adapter closes its connection (infra/README.md, Limits).
     */
    @Test
    void aConnectionThatClosesEndsTheExchangeWhileOneThatStaysGetsItsAnswer() throws Exception {
        sai.stubFor(post(urlPathEqualTo(EXECUTE)).willReturn(aResponse().withStatus(200).withFixedDelay(2_500).withBody("tarde")));

        try (AdapterLaunch function = AdapterLaunch.start(taskRoot, settings("STREAM_HEARTBEAT_SECONDS", "1"))) {
            LeavingClient.leaveAfterFirstHeartbeat(function.base, "/v1/chat/completions", CHAT);
            Thread.sleep(4_000);
            String afterLeaving = function.output();

            HttpResponse<String> stayed = client.send(HttpRequest.newBuilder(URI.create(function.base + "/v1/chat/completions"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(afterLeaving).as("nothing processed of SAI's late answer").doesNotContain("[SERVER -> CLIENT] answered");
            assertThat(stayed.statusCode()).isEqualTo(200);
            assertThat(stayed.body()).contains("tarde");
            assertThat(function.output()).as("the control: an answer that reaches its client is logged").contains("[SERVER -> CLIENT] answered");
        }
    }

    private HttpResponse<String> chat(URI base, String accessKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/v1/chat/completions")).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"sai-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hola\"}]}"));
        if (accessKey != null) {
            request.header("Authorization", "Bearer " + accessKey);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
