package sai.gateway.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.MockLambdaContext;
import io.micronaut.function.aws.proxy.payload1.ApiGatewayProxyRequestEventFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import sai.gateway.testing.Json;
import sai.gateway.testing.SaiCalls;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Lambda with {@code SAI_SECRET_ID} set, end to end: the handler starts as on AWS, reads the secret
 * from WireMock-as-Secrets-Manager, spends its key at WireMock-as-SAI, enforces its access keys, picks up
 * a rotation when SAI refuses the old key, and reads the secret again after a SnapStart restore.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsManagerLambdaTest {

    private final SecretsManagerStub sm = new SecretsManagerStub();
    private final List<ApplicationContext> contexts = new ArrayList<>();
    private WireMockServer sai;

    @BeforeAll
    void start() {
        SecretsManagerStub.useTestCredentials();
        sai = LambdaFixture.startSai();
    }

    @AfterAll
    void stop() {
        SecretsManagerStub.clearTestCredentials();
        sai.stop();
        sm.stop();
    }

    @BeforeEach
    void reset() {
        sai.resetAll();
        sm.reset();
    }

    @AfterEach
    void closeContexts() {
        contexts.forEach(ApplicationContext::close);
        contexts.clear();
    }

    @Test
    void theSecretsKeyPaysAndItsAccessKeysGuardTheApi() {
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-from-secret", "session=from-secret", "gw-key-1,gw-key-2"), "v1"));
        stubSai("sk-from-secret", 200);
        ApiGatewayProxyRequestEventFunction handler = handler(Map.of());

        APIGatewayProxyResponseEvent refused = handler.handleRequest(LambdaFixture.restEvent("rest-chat.json"), new MockLambdaContext());
        APIGatewayProxyResponseEvent allowed = handler.handleRequest(systemKeyEvent("Bearer gw-key-2"), new MockLambdaContext());

        assertThat(refused.getStatusCode()).as("no bearer token").isEqualTo(401);
        assertThat(Json.parse(refused.getBody()).at("/error/code").asText()).isEqualTo("invalid_api_key");
        assertThat(allowed.getStatusCode()).isEqualTo(200);
        SaiCalls.assertApiKey(SaiCalls.single(saiCalls()), "sk-from-secret");
        assertThat(sm.calls()).as("read once, at init").hasSize(1);
    }

    @Test
    void environmentValuesAreIgnoredWhenTheSecretIsSet() {
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-from-secret", null, null), "v1"));
        stubSai("sk-from-secret", 200);
        ApiGatewayProxyRequestEventFunction handler = handler(Map.of("secrets.sai-key", "sk-from-env", "secrets.gateway-api-keys", "gw-env"));

        APIGatewayProxyResponseEvent response = handler.handleRequest(systemKeyEvent(null), new MockLambdaContext());

        assertThat(response.getStatusCode()).as("GATEWAY_API_KEYS from the environment is not in force either").isEqualTo(200);
        SaiCalls.assertApiKey(SaiCalls.single(saiCalls()), "sk-from-secret");
    }

    @Test
    void aRotatedSystemKeyIsPickedUpWhenSaiRefusesTheOldOne() {
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-old", null, null), "v1"));
        ApiGatewayProxyRequestEventFunction handler = handler(Map.of());
        // The operator rotates: SAI now refuses the old key, the secret holds the new one; the TTL has not run out.
        stubSai("sk-old", 401);
        stubSai("sk-new", 200);
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-new", null, null), "v2"));

        APIGatewayProxyResponseEvent response = handler.handleRequest(systemKeyEvent(null), new MockLambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(saiCalls()).extracting(c -> c.getHeader("X-Api-Key")).containsExactly("sk-old", "sk-new");
        assertThat(sm.calls()).as("init, then one early read").hasSize(2);
    }

    @Test
    void aSystemKeyThatStaysWrongFailsAsBeforeWithOneExtraRead() {
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-revoked", null, null), "v1"));
        stubSai("sk-revoked", 401);
        ApiGatewayProxyRequestEventFunction handler = handler(Map.of());

        APIGatewayProxyResponseEvent first = handler.handleRequest(systemKeyEvent(null), new MockLambdaContext());
        APIGatewayProxyResponseEvent second = handler.handleRequest(systemKeyEvent(null), new MockLambdaContext());

        assertThat(first.getStatusCode()).isEqualTo(401);
        assertThat(Json.parse(first.getBody()).at("/error/code").asText()).isEqualTo("invalid_api_key");
        assertThat(first.getBody()).doesNotContain("sk-revoked");
        assertThat(second.getStatusCode()).isEqualTo(401);
        assertThat(saiCalls()).as("no retry with an unchanged key").hasSize(2);
        assertThat(sm.calls()).as("init, one early read; the second refusal comes too soon for another").hasSize(2);
    }

    @Test
    void missingSecretStopsInitNamingIt() {
        sm.answer(SecretsManagerStub.error("ResourceNotFoundException", "Secrets Manager can't find the specified secret."));

        assertThatThrownBy(() -> handler(Map.of()))
                .hasStackTraceContaining("no secret " + SecretsManagerStub.SECRET_ID);
    }

    @Test
    void afterASnapStartRestoreTheSecretIsReadAgain() throws Exception {
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-at-snapshot", null, null), "v1"));
        ApplicationContext context = context(Map.of());
        ApiGatewayProxyRequestEventFunction handler = new ApiGatewayProxyRequestEventFunction(context);
        assertThat(sai.getAllServeEvents()).as("init opens no connection to SAI, so the snapshot holds none").isEmpty();
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-rotated-while-frozen", null, null), "v2"));
        stubSai("sk-rotated-while-frozen", 200);

        SnapStartRestoreHook hook = context.getBean(SnapStartRestoreHook.class);
        hook.beforeCheckpoint(null);
        hook.afterRestore(null);
        APIGatewayProxyResponseEvent response = handler.handleRequest(systemKeyEvent(null), new MockLambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(200);
        SaiCalls.assertApiKey(SaiCalls.single(saiCalls()), "sk-rotated-while-frozen");
    }

    @Test
    void requiredAccessKeysMissingStopInitNamingTheVariable() {
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-from-secret", null, null), "v1"));

        assertThatThrownBy(() -> handler(Map.of("secrets.require-gateway-api-keys", "true")))
                .hasStackTraceContaining("GATEWAY_REQUIRE_API_KEYS");
    }

    private ApiGatewayProxyRequestEventFunction handler(Map<String, Object> extra) {
        return new ApiGatewayProxyRequestEventFunction(context(extra));
    }

    private ApplicationContext context(Map<String, Object> extra) {
        Map<String, Object> properties = LambdaFixture.gatewayProperties(sai);
        properties.put("secrets.aws.secret-id", SecretsManagerStub.SECRET_ID);
        properties.put("secrets.aws.endpoint", sm.endpoint().toString());
        properties.put("secrets.aws.region", SecretsManagerStub.REGION);
        properties.put("secrets.aws.retry-delay", "5ms");
        properties.putAll(extra);
        ApplicationContext context = LambdaFixture.lambdaContext(properties,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(SecretsManagerStub.ACCESS_KEY_ID, "test-secret-access-key")));
        contexts.add(context);
        return context;
    }

    /** A chat without a user key, so the system key pays; {@code authorization} may be null. */
    private static APIGatewayProxyRequestEvent systemKeyEvent(String authorization) {
        APIGatewayProxyRequestEvent event = LambdaFixture.restEvent("rest-chat-base64.json");
        if (authorization != null) {
            event.getHeaders().put("Authorization", authorization);
            event.getMultiValueHeaders().put("Authorization", List.of(authorization));
        }
        return event;
    }

    private void stubSai(String key, int status) {
        sai.stubFor(post(urlPathEqualTo(LambdaFixture.EXECUTE_PATH)).withHeader("X-Api-Key", equalTo(key))
                .willReturn(aResponse().withStatus(status).withHeader("prompttokens", "3").withHeader("completiontokens", "2")
                        .withBody(status == 200 ? "ok" : "Invalid API key")));
    }

    private List<com.github.tomakehurst.wiremock.verification.LoggedRequest> saiCalls() {
        return sai.findAll(postRequestedFor(urlPathEqualTo(LambdaFixture.EXECUTE_PATH)));
    }
}
