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
import sai.gateway.database.TenancyConfiguration;
import sai.gateway.secrets.Secret;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tenancy on Lambda with its secrets in the Secrets Manager secret, not in the environment: GATEWAY_ADMIN_KEY there
 * turns tenancy on and is the key the admin API accepts, GATEWAY_ENCRYPTION_KEY seals tenants' SAI keys, and
 * DATABASE_PASSWORD is the one the pool logs in with. H2 in memory stands in for PostgreSQL (only the tests have it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenancySecretLambdaTest {

    private static final String ADMIN_KEY = "adm-from-secret-7c1e";
    private static final String ENCRYPTION_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="; // 32 bytes
    private static final String DB_PASSWORD = "db-pw-from-secret-31";

    private final SecretsManagerStub sm = new SecretsManagerStub();
    private final List<ApplicationContext> contexts = new ArrayList<>();
    private WireMockServer sai;

    static {
        // H2 slows every refused login down (250 ms, doubling to 4 s) against guessing; the refusal is what counts here.
        System.setProperty("h2.delayWrongPasswordMin", "0");
        System.setProperty("h2.delayWrongPasswordMax", "0");
    }

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
        sm.reset();
    }

    @AfterEach
    void closeContexts() {
        contexts.forEach(ApplicationContext::close);
        contexts.clear();
    }

    @Test
    void theSecretsAdminKeyTurnsTenancyOnAndOpensTheAdminApi() {
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-sys", "gw-key-1", ADMIN_KEY, ENCRYPTION_KEY, DB_PASSWORD), "v1"));
        ApiGatewayProxyRequestEventFunction handler = new ApiGatewayProxyRequestEventFunction(context(newDatabase(), Map.of()));

        APIGatewayProxyResponseEvent created = handler.handleRequest(
                admin("POST", "/admin/tenants", "Bearer " + ADMIN_KEY, "{\"name\":\"acme\",\"sai_api_key\":\"sk-acme-own\"}"),
                new MockLambdaContext());
        APIGatewayProxyResponseEvent listed = handler.handleRequest(admin("GET", "/admin/tenants", "Bearer " + ADMIN_KEY, null),
                new MockLambdaContext());
        APIGatewayProxyResponseEvent wrongKey = handler.handleRequest(admin("GET", "/admin/tenants", "Bearer gw-key-1", null),
                new MockLambdaContext());

        assertThat(created.getStatusCode()).as("a tenant with its own SAI key: sealed with the secret's encryption key")
                .isEqualTo(201);
        assertThat(created.getBody()).doesNotContain("sk-acme-own");
        assertThat(listed.getStatusCode()).isEqualTo(200);
        assertThat(listed.getBody()).contains("\"acme\"");
        assertThat(wrongKey.getStatusCode()).as("a gateway access key is no admin key").isEqualTo(401);
        assertThat(sm.calls()).as("the secret is read once at init, for the tenancy settings and the SAI credentials alike")
                .hasSize(1);
    }

    @Test
    void theSecretWinsOverTheEnvironmentAndIsThePasswordThePoolUses() {
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-sys", "gw-key-1", ADMIN_KEY, ENCRYPTION_KEY, DB_PASSWORD), "v1"));
        String database = newDatabase();
        ApplicationContext context = context(database, Map.of("tenancy.admin-key", "adm-from-env", "tenancy.database-password", "pw-from-env"));
        ApiGatewayProxyRequestEventFunction handler = new ApiGatewayProxyRequestEventFunction(context);

        TenancyConfiguration tenancy = context.getBean(TenancyConfiguration.class);
        APIGatewayProxyResponseEvent envKey = handler.handleRequest(admin("GET", "/admin/tenants", "Bearer adm-from-env", null),
                new MockLambdaContext());

        assertThat(tenancy.admin()).contains(Secret.of(ADMIN_KEY));
        assertThat(tenancy.password()).contains(Secret.of(DB_PASSWORD));
        assertThat(envKey.getStatusCode()).isEqualTo(401);
        assertThat(tenancy.toString()).doesNotContain(ADMIN_KEY).doesNotContain(DB_PASSWORD);

        // H2 keeps an in-memory database's first password: a second instance whose secret says otherwise is refused.
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-sys", "gw-key-1", ADMIN_KEY, ENCRYPTION_KEY, "not-the-password"),
                "v2"));
        assertThatThrownBy(() -> context(database, Map.of("tenancy.database-password", DB_PASSWORD, "tenancy.pool.startup-wait", "1s")))
                .hasStackTraceContaining("the user or password is refused")
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("not-the-password"));
    }

    @Test
    void withoutAnAdminKeyInTheSecretTenancyStaysOff() {
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-sys", "gw-key-1", null, null, DB_PASSWORD), "v1"));
        ApplicationContext context = context(newDatabase(), Map.of());
        ApiGatewayProxyRequestEventFunction handler = new ApiGatewayProxyRequestEventFunction(context);

        APIGatewayProxyResponseEvent response = handler.handleRequest(admin("GET", "/admin/tenants", "Bearer " + ADMIN_KEY, null),
                new MockLambdaContext());

        assertThat(context.getBean(TenancyConfiguration.class).enabled()).isFalse();
        assertThat(response.getStatusCode()).as("no admin API at all").isEqualTo(404);
    }

    @Test
    void aTenancyFieldThatIsNoStringStopsInitNamingItNotItsValue() {
        sm.answer(SecretsManagerStub.value("{\"SAI_KEY\":\"sk-sys\",\"GATEWAY_API_KEYS\":\"gw-key-1\",\"GATEWAY_ADMIN_KEY\":4242424242}", "v1"));

        assertThatThrownBy(() -> context(newDatabase(), Map.of()))
                .hasStackTraceContaining("field GATEWAY_ADMIN_KEY must be a string")
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("4242424242"));
    }

    private ApplicationContext context(String databaseUrl, Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(LambdaFixture.gatewayProperties(sai));
        properties.put("secrets.aws.secret-id", SecretsManagerStub.SECRET_ID);
        properties.put("secrets.aws.endpoint", sm.endpoint().toString());
        properties.put("secrets.aws.region", SecretsManagerStub.REGION);
        properties.put("secrets.aws.retry-delay", "5ms");
        properties.put("secrets.require-gateway-api-keys", "true");
        properties.put("tenancy.database-url", databaseUrl);
        properties.put("tenancy.database-user", "sa");
        properties.putAll(extra);
        ApplicationContext context = LambdaFixture.lambdaContext(properties,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(SecretsManagerStub.ACCESS_KEY_ID, "test-secret-access-key")));
        contexts.add(context);
        // Started here, as the handler's constructor would: init is where a bad secret must stop the function.
        return context.start();
    }

    private static String newDatabase() {
        return "jdbc:h2:mem:tenancy-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter out = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    /** An admin call as API Gateway (REST API, stage prod) hands it to the function. */
    private static APIGatewayProxyRequestEvent admin(String method, String path, String authorization, String body) {
        Map<String, String> headers = new HashMap<>(Map.of("Accept", "application/json", "Host", "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com",
                "Authorization", authorization));
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        Map<String, List<String>> multi = new HashMap<>();
        headers.forEach((k, v) -> multi.put(k, List.of(v)));
        return new APIGatewayProxyRequestEvent()
                .withResource("/{proxy+}")
                .withPath(path)
                .withHttpMethod(method)
                .withHeaders(headers)
                .withMultiValueHeaders(multi)
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext()
                        .withStage("prod")
                        .withPath("/prod" + path)
                        .withHttpMethod(method)
                        .withResourcePath("/{proxy+}")
                        .withRequestId("tenancy-" + UUID.randomUUID()));
    }
}
