package sai.gateway.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import sai.gateway.testing.GatewayProcess;
import sai.gateway.testing.Json;
import sai.gateway.testing.PostgresProcess;
import sai.gateway.testing.SaiFakeTest;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tenants and virtual keys as an operator runs them with the shipped jar: the admin API hands out a key, the
 * official OpenAI Java SDK uses it, the key, its limits and its usage survive a restart (H2 under DATA_DIR, or
 * PostgreSQL through DATABASE_URL), a revocation reaches the SDK as a 401 within seconds, even on another replica,
 * and no secret of any of it (admin key, virtual key, tenant SAI key, database password) is ever written to a log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenancyIT {

    private static final String ADMIN_KEY = "admin-key-TenancyIT-c0ffee-31337";
    private static final String ENCRYPTION_KEY = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";
    private static final String TENANT_SAI_KEY = "tenant-SAI-key-TenancyIT-8086";
    private static final String STATIC_KEY = "gw-static-key-TenancyIT-6502";
    private static final int PROMPT_TOKENS = 7;
    private static final int COMPLETION_TOKENS = 2;
    private static final Duration STOP = Duration.ofSeconds(40);

    private WireMockServer sai;
    /** Every line every run wrote (stdout, stderr, LOG_DIR's file), kept before close() deletes LOG_DIR. */
    private final List<String> logged = new ArrayList<>();
    private final List<OpenAIClient> clients = new ArrayList<>();

    @TempDir
    Path temp;

    @BeforeAll
    void startSai() {
        sai = new WireMockServer(options().dynamicPort());
        sai.start();
    }

    @BeforeEach
    void stubSai() {
        sai.resetAll();
        sai.stubFor(post(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain; charset=utf-8")
                .withHeader("prompttokens", Integer.toString(PROMPT_TOKENS))
                .withHeader("completiontokens", Integer.toString(COMPLETION_TOKENS))
                .withHeader("model", "sai-model")
                .withBody("Quito")));
        logged.clear();
        answeredAfterRevoke = 0;
    }

    @AfterAll
    void stopSai() {
        clients.forEach(OpenAIClient::close);
        sai.stop();
    }

    @Test
    void onH2UnderDataDirKeysAndUsageSurviveARestartAndARevocationIsA401() throws Exception {
        Path dataDir = temp.resolve("data");
        lifecycle(gateway -> gateway.env("DATA_DIR", dataDir.toString()), false, List.of());
        assertThat(dataDir).isDirectory().isNotEmptyDirectory();
    }

    @Test
    void onPostgresqlKeysAndUsageSurviveARestartAndARevocationReachesTheOtherReplica() throws Exception {
        Optional<PostgresProcess> started = PostgresProcess.start();
        Assumptions.assumeTrue(started.isPresent(), PostgresProcess.MISSING);
        try (PostgresProcess postgres = started.get()) {
            Path dataDir = temp.resolve("spool");
            String keyId = lifecycle(gateway -> gateway.env("DATA_DIR", dataDir.toString()).env("DATABASE_URL", postgres.url()), true,
                    List.of(postgres.password()));
            // One row per answer with the key: the first run's, one from each replica after the restart, and those the
            // other replica gave before it re-read the keys.
            int answers = 3 + answeredAfterRevoke;
            assertThat(postgres.execute("SELECT count(*), sum(prompt_tokens + completion_tokens) FROM usage_record WHERE key_id = '"
                    + keyId + "' AND status = 200")).isEqualTo(answers + "|" + answers * (PROMPT_TOKENS + COMPLETION_TOKENS));
            // At rest: the key is a hash, the tenant's SAI key is sealed.
            assertThat(postgres.execute("SELECT revoked, last_used_at IS NOT NULL FROM virtual_key WHERE id = '" + keyId + "'")).isEqualTo("t|t");
            assertThat(postgres.execute("SELECT sai_key_encrypted FROM tenant")).isNotBlank().doesNotContain(TENANT_SAI_KEY);
        }
    }

    /**
     * The whole life of one key. With PostgreSQL a second replica runs beside the restarted one and must refuse
     * the key once the first revokes it: each replica re-reads the keys every {@code tenancy.key-refresh} (2 s).
     */
    /** @return the key's id */
    private int answeredAfterRevoke;

    private String lifecycle(UnaryOperator<GatewayProcess.Builder> database, boolean shared, List<String> moreSecrets) throws Exception {
        String keyId;
        String secret;
        try (GatewayProcess gateway = start(database)) {
            HttpResponse<String> tenant = admin(gateway, "POST", "/admin/tenants", "{\"name\":\"team-it\",\"requests_per_minute\":100,"
                    + "\"tokens_per_day\":100000,\"sai_api_key\":" + Json.quote(TENANT_SAI_KEY) + "}");
            assertThat(tenant.statusCode()).as(tenant.body()).isEqualTo(201);
            assertThat(tenant.body()).doesNotContain(TENANT_SAI_KEY);
            String tenantId = Json.parse(tenant.body()).path("id").asText();
            HttpResponse<String> issued = admin(gateway, "POST", "/admin/keys", "{\"tenant_id\":" + Json.quote(tenantId)
                    + ",\"name\":\"ci\",\"owner\":\"dev@example.com\",\"requests_per_minute\":50,\"tokens_per_day\":5000}");
            assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
            keyId = Json.parse(issued.body()).path("id").asText();
            secret = Json.parse(issued.body()).path("key").asText();
            assertThat(secret).startsWith("sk-sai-");
            // Shown once: reading the key back never gives the secret again.
            assertThat(admin(gateway, "GET", "/admin/keys/" + keyId, null).body()).doesNotContain(secret);

            ChatCompletion answer = sdk(gateway, secret).chat().completions().create(ask());
            assertThat(answer.choices().get(0).message().content()).contains("Quito");
            assertThat(answer.usage().orElseThrow().totalTokens()).isEqualTo(PROMPT_TOKENS + COMPLETION_TOKENS);
            // The tenant's own SAI key pays, not the system's.
            sai.verify(1, postRequestedFor(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)).withHeader("X-Api-Key", equalTo(TENANT_SAI_KEY)));

            JsonNode me = awaitUsed(gateway, secret, PROMPT_TOKENS + COMPLETION_TOKENS);
            assertThat(me.path("id").asText()).isEqualTo(keyId);
            assertThat(me.at("/tenant/name").asText()).isEqualTo("team-it");
            assertThat(me.at("/key/requests_per_minute").asLong()).isEqualTo(50);
            assertThat(me.at("/key/tokens_per_day").asLong()).isEqualTo(5000);
            assertThat(me.at("/tenant_limits/requests_per_minute").asLong()).isEqualTo(100);
            assertThat(me.at("/tenant_limits/tokens_per_day").asLong()).isEqualTo(100000);
            assertThat(me.at("/key/remaining/0/left").asLong()).isEqualTo(5000 - PROMPT_TOKENS - COMPLETION_TOKENS);
            assertThat(me.toString()).doesNotContain(secret).doesNotContain(TENANT_SAI_KEY);

            HttpResponse<String> anonymous = chat(gateway, null);
            assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(401);
            assertThat(Json.parse(anonymous.body()).at("/error/code").asText()).isEqualTo("invalid_api_key");
            assertThatThrownBy(() -> sdk(gateway, "sk-sai-" + "x".repeat(43)).chat().completions().create(ask()))
                    .isInstanceOf(UnauthorizedException.class);
            // The static access key works beside the virtual keys, and pays with the system key.
            assertThat(sdk(gateway, STATIC_KEY).chat().completions().create(ask()).choices().get(0).message().content()).contains("Quito");
            sai.verify(1, postRequestedFor(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)).withHeader("X-Api-Key", equalTo(SaiFakeTest.SYSTEM_KEY)));
            // A virtual key is no admin key, and neither is the static one.
            assertThat(admin(gateway, "GET", "/admin/tenants", null, secret).statusCode()).isEqualTo(401);
            assertThat(admin(gateway, "GET", "/admin/tenants", null, STATIC_KEY).statusCode()).isEqualTo(401);
            assertThat(admin(gateway, "GET", "/admin/tenants", null, "").statusCode()).isEqualTo(401);

            awaitLastUsed(gateway, keyId);
            stop(gateway);
        }

        try (GatewayProcess gateway = start(database);
             GatewayProcess other = shared ? start(database) : null) {
            // What the first run spent is still counted: its usage rows were written and survived the restart.
            JsonNode me = meOf(gateway, secret);
            assertThat(me.at("/key/remaining/0/used").asLong()).as(me.toString()).isEqualTo(PROMPT_TOKENS + COMPLETION_TOKENS);
            assertThat(Json.parse(admin(gateway, "GET", "/admin/keys/" + keyId, null).body()).path("last_used_at").isNumber()).isTrue();
            assertThat(sdk(gateway, secret).chat().completions().create(ask()).choices().get(0).message().content()).contains("Quito");
            if (other != null) {
                assertThat(sdk(other, secret).chat().completions().create(ask()).choices().get(0).message().content()).contains("Quito");
            }

            HttpResponse<String> revoked = admin(gateway, "POST", "/admin/keys/" + keyId + "/revoke", null);
            assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
            assertThat(Json.parse(revoked.body()).path("revoked").asBoolean()).isTrue();
            long revokedAt = System.nanoTime();
            // The replica that revoked refuses at once; the other once it has re-read the keys.
            assertThat(awaitRefused(gateway, secret, revokedAt, Duration.ofSeconds(5))).isZero();
            if (other != null) {
                answeredAfterRevoke = awaitRefused(other, secret, revokedAt, Duration.ofSeconds(5));
            }
            int calls = sai.findAll(postRequestedFor(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH))).size();
            assertThatThrownBy(() -> sdk(gateway, secret).chat().completions().create(ask()))
                    .isInstanceOfSatisfying(UnauthorizedException.class, e -> assertThat(e.getMessage()).contains("revoked"));
            assertThat(sai.findAll(postRequestedFor(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)))).hasSize(calls);
            stop(gateway);
            if (other != null) {
                stop(other);
            }
        }

        List<String> secrets = new ArrayList<>(List.of(ADMIN_KEY, secret, TENANT_SAI_KEY, STATIC_KEY, ENCRYPTION_KEY));
        secrets.addAll(moreSecrets);
        List<String> lines = List.copyOf(logged);
        assertThat(lines).as("the runs logged").anyMatch(l -> l.contains("[KEYS] virtual keys on"));
        for (String value : secrets) {
            assertThat(lines).as("no log line holds " + value).noneMatch(l -> l.contains(value));
        }
        // Checked last, so a failure here comes after everything an operator does has been seen to work: a clean stop
        // has no stack trace and does not find its own database gone (usage is written, not spooled).
        assertThat(lines).as("stack traces").noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception:") || l.startsWith("Caused by"));
        assertThat(lines).as("usage spooled at a clean stop").noneMatch(l -> l.contains("[USAGE] database unreachable"));
        return keyId;
    }

    private GatewayProcess start(UnaryOperator<GatewayProcess.Builder> database) {
        GatewayProcess gateway = database.apply(GatewayProcess.configured(sai.baseUrl())
                .env("GATEWAY_ADMIN_KEY", ADMIN_KEY)
                .env("GATEWAY_ENCRYPTION_KEY", ENCRYPTION_KEY)
                .env("GATEWAY_API_KEYS", STATIC_KEY)).start();
        return gateway.awaitHealthy();
    }

    /** SIGTERM (exit 143, as ShutdownIT expects); what the run wrote is kept for the checks at the end. */
    private void stop(GatewayProcess gateway) {
        gateway.terminate();
        assertThat(gateway.awaitExit(STOP)).as(gateway.output()).isEqualTo(143);
        logged.addAll(gateway.stdoutLines());
        logged.addAll(gateway.stderrLines());
        logged.addAll(gateway.logFileLines());
    }

    private OpenAIClient sdk(GatewayProcess gateway, String apiKey) {
        OpenAIClient client = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + gateway.port() + "/v1")
                .apiKey(apiKey)
                .maxRetries(0)
                .responseValidation(true)
                .timeout(Duration.ofSeconds(30))
                .build();
        clients.add(client);
        return client;
    }

    private static ChatCompletionCreateParams ask() {
        return ChatCompletionCreateParams.builder().model("sai-model").addUserMessage("Capital of Ecuador?").build();
    }

    /** @return how many answers the key still got meanwhile */
    private int awaitRefused(GatewayProcess gateway, String secret, long since, Duration within) throws InterruptedException {
        long deadline = since + within.toNanos();
        int answered = 0;
        while (true) {
            try {
                sdk(gateway, secret).chat().completions().create(ask());
                answered++;
            } catch (UnauthorizedException refused) {
                return answered;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the revoked key was still answered after " + within.toSeconds() + " s on port " + gateway.port());
            }
            Thread.sleep(200);
        }
    }

    private static JsonNode meOf(GatewayProcess gateway, String secret) throws IOException, InterruptedException {
        HttpResponse<String> me = gateway.http().send(HttpRequest.newBuilder(gateway.uri("/v1/me")).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + secret).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        return Json.parse(me.body());
    }

    /** The key's daily budget counts tokens once SAI's answer is in, which may be a moment after the SDK has it. */
    private static JsonNode awaitUsed(GatewayProcess gateway, String secret, long used) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        JsonNode me = meOf(gateway, secret);
        while (me.at("/key/remaining/0/used").asLong() != used && System.nanoTime() < deadline) {
            Thread.sleep(100);
            me = meOf(gateway, secret);
        }
        assertThat(me.at("/key/remaining/0/used").asLong()).as(me.toString()).isEqualTo(used);
        return me;
    }

    /** last_used_at is written with the next key refresh (every 2 s), not on the request path. */
    private static void awaitLastUsed(GatewayProcess gateway, String keyId) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode key = Json.parse(admin(gateway, "GET", "/admin/keys/" + keyId, null).body());
        while (!key.path("last_used_at").isNumber() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            key = Json.parse(admin(gateway, "GET", "/admin/keys/" + keyId, null).body());
        }
        assertThat(key.path("last_used_at").isNumber()).as(key.toString()).isTrue();
    }

    private static HttpResponse<String> chat(GatewayProcess gateway, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"sai-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return gateway.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> admin(GatewayProcess gateway, String method, String path, String body)
            throws IOException, InterruptedException {
        return admin(gateway, method, path, body, ADMIN_KEY);
    }

    private static HttpResponse<String> admin(GatewayProcess gateway, String method, String path, String body, String bearer)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (!bearer.isEmpty()) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return gateway.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
