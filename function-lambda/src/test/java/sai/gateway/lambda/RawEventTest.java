package sai.gateway.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.MockLambdaContext;
import io.micronaut.function.aws.proxy.payload1.ApiGatewayProxyRequestEventFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenApiSchemas;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SseEvents;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real-shaped API Gateway events (fixtures under {@code events/}: REST API payload 1.0 with its stage,
 * HTTP API and function URL payload 2.0) handed straight to the two handlers, as the Lambda runtime
 * does, with WireMock as SAI. Asserts what API Gateway would send back to the client and what SAI got.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RawEventTest {

    private static final String ANSWER = "¡Hola! Estoy bien, gracias.";

    private WireMockServer sai;
    private ApplicationContext restContext;
    private ApplicationContext httpContext;
    private ApiGatewayProxyRequestEventFunction rest;
    private HttpApiFunction http;

    @BeforeAll
    void start() {
        sai = LambdaFixture.startSai();
        Map<String, Object> properties = LambdaFixture.gatewayProperties(sai);
        properties.put("secrets.sai-key", LambdaFixture.SYSTEM_KEY);
        properties.put("secrets.sai-cookie", LambdaFixture.SYSTEM_COOKIE);
        // As if STREAM_HEARTBEAT_SECONDS=1 were in the function's environment: application-function.yml must still win.
        properties.put("STREAM_HEARTBEAT_SECONDS", "1");
        restContext = LambdaFixture.lambdaContext(properties);
        rest = new ApiGatewayProxyRequestEventFunction(restContext);
        httpContext = LambdaFixture.lambdaContext(properties);
        http = new HttpApiFunction(httpContext);
    }

    @AfterAll
    void stop() {
        restContext.close();
        httpContext.close();
        sai.stop();
    }

    @BeforeEach
    void resetSai() {
        sai.resetAll();
    }

    @Test
    void restApiChatWithStagePrefixMultiValueHeadersAndUserKey() {
        stubAnswer();

        APIGatewayProxyResponseEvent response = rest.handleRequest(LambdaFixture.restEvent("rest-chat.json"), new MockLambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(200);
        Map<String, String> headers = headers(response.getHeaders(), response.getMultiValueHeaders());
        assertThat(headers.get("content-type")).startsWith("application/json");
        assertThat(headers.get("x-request-id")).hasSize(8);
        String body = body(response.getBody(), response.getIsBase64Encoded());
        OpenApiSchemas.assertValidIfSpecPresent("CreateChatCompletionResponse", body);
        JsonNode completion = Json.parse(body);
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo(ANSWER);
        assertThat(completion.at("/usage/total_tokens").asInt()).isEqualTo(17);

        // The user_api_key header of the event, not the system key, paid for the call.
        LoggedRequest call = SaiCalls.single(saiCalls());
        SaiCalls.assertApiKey(call, "sk-user-abc123");
        assertThat(SaiCalls.body(call).path("inputs"))
                .isEqualTo(Json.parse("{\"system\": \"Eres un asistente útil\", \"user\": \"Hola, ¿cómo estás?\"}"));
    }

    @Test
    void restApiBase64BodyOnTheLegacyPathUsesTheSystemKey() {
        stubAnswer();

        APIGatewayProxyResponseEvent response = rest.handleRequest(LambdaFixture.restEvent("rest-chat-base64.json"), new MockLambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(Json.parse(body(response.getBody(), response.getIsBase64Encoded())).at("/choices/0/message/content").asText())
                .isEqualTo(ANSWER);
        SaiCalls.assertApiKey(SaiCalls.single(saiCalls()), LambdaFixture.SYSTEM_KEY);
    }

    @Test
    void restApiStreamIsOneCompleteEventStreamWithoutHeartbeats() {
        // SAI thinks longer than the heartbeat interval the environment asks for.
        sai.stubFor(WireMock.post(urlPathEqualTo(LambdaFixture.EXECUTE_PATH)).willReturn(aResponse().withStatus(200)
                .withFixedDelay(2500)
                .withHeader("prompttokens", "12")
                .withHeader("completiontokens", "5")
                .withBody(ANSWER)));

        APIGatewayProxyResponseEvent response = rest.handleRequest(LambdaFixture.restEvent("rest-stream.json"), new MockLambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(200);
        Map<String, String> headers = headers(response.getHeaders(), response.getMultiValueHeaders());
        assertThat(headers.get("content-type")).startsWith("text/event-stream");
        assertThat(headers.get("x-request-id")).hasSize(8);
        assertCompleteStream(body(response.getBody(), response.getIsBase64Encoded()));
    }

    @Test
    void restApiMissingBodyIsAnOpenAiErrorWithoutCallingSai() {
        APIGatewayProxyResponseEvent response = rest.handleRequest(LambdaFixture.restEvent("rest-missing-body.json"), new MockLambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(400);
        Map<String, String> headers = headers(response.getHeaders(), response.getMultiValueHeaders());
        assertThat(headers.get("content-type")).startsWith("application/json");
        assertThat(headers.get("x-request-id")).hasSize(8);
        String body = body(response.getBody(), response.getIsBase64Encoded());
        OpenApiSchemas.assertValidIfSpecPresent("ErrorResponse", body);
        assertThat(Json.parse(body).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(sai.getAllServeEvents()).isEmpty();
    }

    @Test
    void restApiUserKeyWithATabIsRefusedBeforeSai() {
        APIGatewayProxyResponseEvent response = rest.handleRequest(LambdaFixture.restEvent("rest-user-key-tab.json"), new MockLambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(400);
        String body = body(response.getBody(), response.getIsBase64Encoded());
        OpenApiSchemas.assertValidIfSpecPresent("ErrorResponse", body);
        assertThat(Json.parse(body).at("/error/code").asText()).isEqualTo("invalid_user_api_key");
        assertThat(body).doesNotContain("usr\tkey");
        assertThat(sai.getAllServeEvents()).isEmpty();
    }

    @Test
    void restApiModelsWithAQueryString() {
        APIGatewayProxyResponseEvent response = rest.handleRequest(LambdaFixture.restEvent("rest-models.json"), new MockLambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(200);
        String body = body(response.getBody(), response.getIsBase64Encoded());
        OpenApiSchemas.assertValidIfSpecPresent("ListModelsResponse", body);
        assertThat(Json.parse(body).findValuesAsText("id")).containsExactly("sai-model", "claude-sonnet-4-5-20250929");
        assertThat(headers(response.getHeaders(), response.getMultiValueHeaders()).get("x-request-id")).hasSize(8);
    }

    @Test
    void httpApiBase64BodyWithCookiesAndUserKey() {
        stubAnswer();

        APIGatewayV2HTTPResponse response = http.handleRequest(LambdaFixture.httpEvent("http-chat-base64.json"), new MockLambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(200);
        Map<String, String> headers = headers(response.getHeaders(), response.getMultiValueHeaders());
        assertThat(headers.get("content-type")).startsWith("application/json");
        assertThat(headers.get("x-request-id")).hasSize(8);
        String body = body(response.getBody(), response.getIsBase64Encoded());
        OpenApiSchemas.assertValidIfSpecPresent("CreateChatCompletionResponse", body);
        assertThat(Json.parse(body).at("/choices/0/message/content").asText()).isEqualTo(ANSWER);
        LoggedRequest call = SaiCalls.single(saiCalls());
        SaiCalls.assertApiKey(call, "sk-user-abc123");
        // The caller's browser cookies are theirs: SAI gets the credential's header only.
        assertThat(call.containsHeader("Cookie")).isFalse();
    }

    @Test
    void httpApiNamedStageIsTakenOutOfThePath() {
        stubAnswer();

        APIGatewayV2HTTPResponse response = http.handleRequest(LambdaFixture.httpEvent("http-stream-named-stage.json"), new MockLambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(headers(response.getHeaders(), response.getMultiValueHeaders()).get("content-type")).startsWith("text/event-stream");
        assertCompleteStream(body(response.getBody(), response.getIsBase64Encoded()));
        SaiCalls.assertApiKey(SaiCalls.single(saiCalls()), LambdaFixture.SYSTEM_KEY);
    }

    @Test
    void functionUrlModels() {
        APIGatewayV2HTTPResponse response = http.handleRequest(LambdaFixture.httpEvent("function-url-models.json"), new MockLambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(200);
        OpenApiSchemas.assertValidIfSpecPresent("ListModelsResponse", body(response.getBody(), response.getIsBase64Encoded()));
    }

    @Test
    void restApiHealthIsUpWithoutAnEmbeddedServer() {
        APIGatewayProxyRequestEvent event = LambdaFixture.restEvent("rest-models.json");
        event.setPath("/health");
        event.getRequestContext().setPath("/prod/health");

        APIGatewayProxyResponseEvent response = rest.handleRequest(event, new MockLambdaContext());

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(Json.parse(body(response.getBody(), response.getIsBase64Encoded())).path("status").asText()).isEqualTo("UP");
    }

    @Test
    void httpApiHealthIsUpWithoutAnEmbeddedServer() {
        APIGatewayV2HTTPEvent event = LambdaFixture.httpEvent("function-url-models.json");
        event.setRawPath("/health");
        event.getRequestContext().getHttp().setPath("/health");

        APIGatewayV2HTTPResponse response = http.handleRequest(event, new MockLambdaContext());

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(Json.parse(body(response.getBody(), response.getIsBase64Encoded())).path("status").asText()).isEqualTo("UP");
    }

    @Test
    void unknownPathIsAnOpenAiNotFound() {
        APIGatewayProxyRequestEvent event = LambdaFixture.restEvent("rest-models.json");
        event.setPath("/v2/nothing-here");

        APIGatewayProxyResponseEvent response = rest.handleRequest(event, new MockLambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(404);
        String body = body(response.getBody(), response.getIsBase64Encoded());
        OpenApiSchemas.assertValidIfSpecPresent("ErrorResponse", body);
        assertThat(Json.parse(body).at("/error/code").asText()).isEqualTo("unknown_url");
    }

    private void assertCompleteStream(String body) {
        SseEvents events = SseEvents.parse(body);
        assertThat(events.comments()).as("heartbeats behind API Gateway").isEmpty();
        assertThat(events.data()).last().isEqualTo(SseEvents.DONE);
        List<JsonNode> chunks = events.chunks();
        assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(SseEvents.content(chunks)).isEqualTo(ANSWER);
        assertThat(chunks.get(chunks.size() - 2).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.at("/usage/total_tokens").asInt()).isEqualTo(17);
    }

    private void stubAnswer() {
        sai.stubFor(WireMock.post(urlPathEqualTo(LambdaFixture.EXECUTE_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain; charset=utf-8")
                .withHeader("prompttokens", "12")
                .withHeader("completiontokens", "5")
                .withHeader("model", "claude-sonnet-4-5-20250929")
                .withBody(ANSWER)));
    }

    private List<LoggedRequest> saiCalls() {
        return sai.findAll(postRequestedFor(urlPathEqualTo(LambdaFixture.EXECUTE_PATH)));
    }

    /** What the client sees: API Gateway merges both maps; names are case-insensitive. */
    static Map<String, String> headers(Map<String, String> single, Map<String, List<String>> multi) {
        Map<String, String> all = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (multi != null) {
            multi.forEach((name, values) -> all.put(name, String.join(",", values)));
        }
        if (single != null) {
            all.putAll(single);
        }
        return all;
    }

    static String body(String body, Boolean base64) {
        if (body == null) {
            return "";
        }
        return Boolean.TRUE.equals(base64) ? new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8) : body;
    }
}
