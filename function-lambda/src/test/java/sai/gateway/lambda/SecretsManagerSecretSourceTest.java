package sai.gateway.lambda;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import sai.gateway.secrets.Secret;
import sai.gateway.testing.Json;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Secrets Manager source against WireMock speaking the service's protocol, through the real AWS SDK
 * (endpoint override, static test credentials, a region). Time is a fake clock, so TTLs need no sleeping.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsManagerSecretSourceTest {

    private static final Duration TTL = Duration.ofMinutes(5);

    private final SecretsManagerStub sm = new SecretsManagerStub();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final JsonMapper json = JsonMapper.createDefault();
    private SecretsManagerClient client;

    @BeforeAll
    void client() {
        AwsSecretConfiguration config = config();
        client = SecretsManagerClientFactory.build(config,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(SecretsManagerStub.ACCESS_KEY_ID, "test-secret-access-key")));
    }

    @AfterAll
    void stop() {
        client.close();
        sm.stop();
    }

    @BeforeEach
    void reset() {
        sm.reset();
    }

    @Test
    void readsTheThreeFieldsThroughTheSignedSdkCall() {
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-sys-1", "session=sys-1", "gw-a, gw-b"), "v1"));

        SecretsManagerSecretSource source = source(false);

        assertThat(source.saiKey().map(Secret::reveal)).contains("sk-sys-1");
        assertThat(source.saiCookie().map(Secret::reveal)).contains("session=sys-1");
        assertThat(source.gatewayApiKeys()).extracting(Secret::reveal).containsExactly("gw-a", "gw-b");
        LoggedRequest call = sm.calls().get(0);
        assertThat(sm.calls()).hasSize(1);
        assertThat(Json.parse(call.getBodyAsString()).path("SecretId").asText()).isEqualTo(SecretsManagerStub.SECRET_ID);
        assertThat(call.getHeader("Authorization")).contains("Credential=" + SecretsManagerStub.ACCESS_KEY_ID + "/")
                .contains("/" + SecretsManagerStub.REGION + "/secretsmanager/aws4_request");
    }

    @Test
    void missingSecretStopsStartupNamingIt() {
        sm.answer(SecretsManagerStub.error("ResourceNotFoundException", "Secrets Manager can't find the specified secret."));

        assertThatThrownBy(() -> source(false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("SAI_SECRET_ID")
                .hasMessageContaining("no secret " + SecretsManagerStub.SECRET_ID);
        assertThat(sm.calls()).as("not found is not retried").hasSize(1);
    }

    @Test
    void accessDeniedNamesThePermissionToGrant() {
        sm.answer(SecretsManagerStub.error("AccessDeniedException", "User is not authorized to perform secretsmanager:GetSecretValue"));

        assertThatThrownBy(() -> source(false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(SecretsManagerStub.SECRET_ID)
                .hasMessageContaining("secretsmanager:GetSecretValue");
    }

    @Test
    void malformedJsonStopsStartupWithoutQuotingIt() {
        sm.answer(SecretsManagerStub.value("{\"SAI_KEY\": \"sk-half-written", "v1"));

        assertThatThrownBy(() -> source(false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(SecretsManagerStub.SECRET_ID)
                .hasMessageContaining("not valid JSON")
                .hasMessageNotContaining("sk-half-written");
    }

    @Test
    void aSecretThatIsNotAnObjectIsRefused() {
        sm.answer(SecretsManagerStub.value("sk-just-the-key", "v1"));

        assertThatThrownBy(() -> source(false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageNotContaining("sk-just-the-key");
    }

    @Test
    void missingKeyStopsStartupNamingTheFields() {
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret(null, " ", "gw-a"), "v1"));

        assertThatThrownBy(() -> source(false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("has neither SAI_KEY nor SAI_COOKIE")
                .hasMessageContaining(SecretsManagerStub.SECRET_ID);
    }

    @Test
    void requiredAccessKeysMissingFromTheSecretStopStartup() {
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-sys-1", null, null), "v1"));

        assertThatThrownBy(() -> source(true))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("GATEWAY_API_KEYS")
                .hasMessageContaining("GATEWAY_REQUIRE_API_KEYS");
    }

    @Test
    void throttlingAtStartupIsRetriedWithBackoff() {
        sm.server.stubFor(sm.getSecretValue().inScenario("throttled").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(SecretsManagerStub.throttled()).willSetStateTo("recovered"));
        sm.server.stubFor(sm.getSecretValue().inScenario("throttled").whenScenarioStateIs("recovered")
                .willReturn(SecretsManagerStub.value(SecretsManagerStub.secret("sk-sys-1", null, null), "v1")));

        SecretsManagerSecretSource source = source(false);

        assertThat(source.saiKey().map(Secret::reveal)).contains("sk-sys-1");
        assertThat(sm.calls()).hasSize(2);
    }

    @Test
    void rotatedValuesAreReadAfterTheTtl() {
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-old", null, "gw-old"), "v1"));
        SecretsManagerSecretSource source = source(false);
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-new", null, "gw-new"), "v2"));

        nanos.addAndGet(TTL.minusSeconds(1).toNanos());
        assertThat(source.saiKey().map(Secret::reveal)).as("within the TTL").contains("sk-old");
        assertThat(sm.calls()).hasSize(1);

        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(source.saiKey().map(Secret::reveal)).as("after the TTL").contains("sk-new");
        assertThat(source.gatewayApiKeys()).extracting(Secret::reveal).containsExactly("gw-new");
        assertThat(sm.calls()).as("one read per TTL, not per call").hasSize(2);
    }

    @Test
    void throttlingWithAWarmCacheServesTheCachedValues() {
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-cached", null, null), "v1"));
        SecretsManagerSecretSource source = source(false);
        sm.answer(SecretsManagerStub.throttled());

        nanos.addAndGet(TTL.plusSeconds(1).toNanos());
        assertThat(source.saiKey().map(Secret::reveal)).contains("sk-cached");
        int afterFailedRefresh = sm.calls().size();
        assertThat(afterFailedRefresh).as("the first read, then the SDK's attempts").isEqualTo(1 + config().maxAttempts());

        // Not again on every request: the next try waits a while.
        assertThat(source.saiKey().map(Secret::reveal)).contains("sk-cached");
        assertThat(sm.calls()).hasSize(afterFailedRefresh);

        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-after-throttling", null, null), "v2"));
        nanos.addAndGet(SecretsManagerSecretSource.FAILED_READ_PAUSE.plusSeconds(1).toNanos());
        assertThat(source.saiKey().map(Secret::reveal)).contains("sk-after-throttling");
    }

    @Test
    void anUnusableNewVersionKeepsTheValuesHeld() {
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-good", null, null), "v1"));
        SecretsManagerSecretSource source = source(false);
        sm.answer(SecretsManagerStub.value("{not json", "v2"));

        nanos.addAndGet(TTL.plusSeconds(1).toNanos());

        assertThat(source.saiKey().map(Secret::reveal)).contains("sk-good");
    }

    @Test
    void aRejectionReadsAgainAtOnceButNotOnEveryRequest() {
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-old", null, null), "v1"));
        SecretsManagerSecretSource source = source(false);
        sm.answer(SecretsManagerStub.value(SecretsManagerStub.secret("sk-new", null, null), "v2"));

        assertThat(source.reloadAfterRejection()).as("rotated before the TTL ran out").isTrue();
        assertThat(source.saiKey().map(Secret::reveal)).contains("sk-new");
        assertThat(sm.calls()).hasSize(2);

        // A key that stays wrong must not turn every request into a Secrets Manager call.
        assertThat(source.reloadAfterRejection()).isFalse();
        assertThat(sm.calls()).hasSize(2);

        nanos.addAndGet(SecretsManagerSecretSource.EARLY_READ_PAUSE.plusSeconds(1).toNanos());
        assertThat(source.reloadAfterRejection()).as("read again, nothing changed").isFalse();
        assertThat(sm.calls()).hasSize(3);
    }

    private SecretsManagerSecretSource source(boolean requireGatewayApiKeys) {
        return new SecretsManagerSecretSource(client, json, config(), requireGatewayApiKeys, nanos::get);
    }

    private AwsSecretConfiguration config() {
        return new AwsSecretConfiguration(SecretsManagerStub.SECRET_ID, TTL, sm.endpoint(), SecretsManagerStub.REGION, 3, Duration.ofMillis(5));
    }
}
