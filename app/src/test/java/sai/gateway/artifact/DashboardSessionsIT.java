package sai.gateway.artifact;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import sai.gateway.testing.GatewayProcess;
import sai.gateway.testing.PostgresProcess;
import sai.gateway.testing.RedisProcess;
import sai.gateway.ui.UiClient;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dashboard sign-ins as the shipped jar keeps them: in the database, so a session opened on one replica works on the
 * other and a sign-out on either ends it on both; the sign-in attempts are counted in Redis for both replicas together;
 * a restart keeps the session and a new admin key ends it. No log line of any replica holds the admin key or a cookie.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardSessionsIT {

    private static final String ADMIN_KEY = "admin-dashboard-" + UUID.randomUUID();
    private static final int ATTEMPTS = 4;

    private PostgresProcess postgres;
    private RedisProcess redis;
    private WireMockServer sai;
    private GatewayProcess first;
    private GatewayProcess second;
    private final List<String> logged = new ArrayList<>();
    private final List<String> cookies = new ArrayList<>();

    private Path temp;

    @BeforeAll
    void startReplicas() throws java.io.IOException {
        temp = java.nio.file.Files.createTempDirectory("dashboard-sessions-");
        Assumptions.assumeTrue(PostgresProcess.installed(), PostgresProcess.MISSING);
        Optional<RedisProcess> startedRedis = RedisProcess.start();
        Assumptions.assumeTrue(startedRedis.isPresent(), RedisProcess.MISSING);
        redis = startedRedis.get();
        postgres = PostgresProcess.start().orElseThrow(() -> new AssertionError("PostgreSQL is installed but did not start"));
        sai = new WireMockServer(options().dynamicPort());
        sai.start();
        first = replica("a").start().awaitHealthy();
        second = replica("b").start().awaitHealthy();
    }

    @AfterAll
    void stop() {
        for (GatewayProcess gateway : Arrays.asList(first, second)) {
            if (gateway != null) {
                logged.add(gateway.output());
                logged.addAll(gateway.logFileLines());
            }
        }
        for (AutoCloseable closeable : Arrays.asList(first, second, postgres, redis)) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
        if (sai != null) {
            sai.stop();
        }
        String all = String.join("\n", logged);
        assertThat(all).doesNotContain(ADMIN_KEY);
        cookies.forEach(cookie -> assertThat(all).doesNotContain(cookie));
    }

    private GatewayProcess.Builder replica(String name) {
        return GatewayProcess.configured(sai.baseUrl()).env("GATEWAY_ADMIN_KEY", ADMIN_KEY).env("DATABASE_URL", postgres.url())
                .env("REDIS_URL", redis.url()).env("DATA_DIR", temp.resolve(name).toString())
                .env("UI_SIGN_IN_ATTEMPTS_PER_MINUTE", Integer.toString(ATTEMPTS));
    }

    private static UiClient ui(GatewayProcess gateway) {
        return new UiClient(gateway.uri("/").toString());
    }

    @Test
    @Order(1)
    void aSessionOpenedOnOneReplicaWorksOnTheOtherAndASignOutOnEitherEndsItOnBoth() {
        UiClient onFirst = ui(first).signedIn(ADMIN_KEY);
        cookies.add(onFirst.sessionCookie());
        UiClient onSecond = ui(second);
        onSecond.useSession(onFirst.sessionCookie());
        assertThat(onSecond.get("/ui/").statusCode()).isEqualTo(200);

        HttpResponse<String> out = onSecond.post("/ui/sign-out", Map.of("csrf", onSecond.csrf("/ui/")));

        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(onFirst.get("/ui/").statusCode()).isEqualTo(303);
        assertThat(onSecond.get("/ui/").statusCode()).isEqualTo(303);
    }

    @Test
    @Order(2)
    void aRestartKeepsTheSessionAndANewAdminKeyEndsIt() throws Exception {
        Path data = temp.resolve("single");
        String cookie;
        try (GatewayProcess alone = GatewayProcess.configured(sai.baseUrl()).env("GATEWAY_ADMIN_KEY", ADMIN_KEY)
                .env("DATA_DIR", data.toString()).start().awaitHealthy()) {
            cookie = ui(alone).signedIn(ADMIN_KEY).sessionCookie();
            cookies.add(cookie);
            // As docker stop does it: SIGTERM, and the embedded database is closed with everything written.
            alone.terminate();
            assertThat(alone.awaitExit(java.time.Duration.ofSeconds(40))).as("SIGTERM").isIn(0, 143);
            logged.add(alone.output());
        }
        try (GatewayProcess restarted = GatewayProcess.configured(sai.baseUrl()).env("GATEWAY_ADMIN_KEY", ADMIN_KEY)
                .env("DATA_DIR", data.toString()).start().awaitHealthy()) {
            UiClient client = ui(restarted);
            client.useSession(cookie);
            assertThat(client.get("/ui/").statusCode()).as("same key after a restart").isEqualTo(200);
            logged.add(restarted.output());
        }
        String newKey = ADMIN_KEY + "-rotated";
        try (GatewayProcess rotated = GatewayProcess.configured(sai.baseUrl()).env("GATEWAY_ADMIN_KEY", newKey)
                .env("DATA_DIR", data.toString()).start().awaitHealthy()) {
            UiClient client = ui(rotated);
            client.useSession(cookie);
            assertThat(client.get("/ui/").statusCode()).as("a new admin key").isEqualTo(303);
            assertThat(ui(rotated).signIn(ADMIN_KEY).statusCode()).as("the old key").isEqualTo(401);
            assertThat(ui(rotated).signIn(newKey).statusCode()).as("the new key").isEqualTo(303);
            logged.add(rotated.output().replace(newKey, "<new key>"));
            assertThat(rotated.output()).doesNotContain(newKey);
        }
    }

    /** Last: it spends this address's attempts for a minute. */
    @Test
    @Order(3)
    void wrongKeysAreLimitedForBothReplicasTogetherAndTheRefusalSaysWhenToTryAgain() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < ATTEMPTS; i++) {
            statuses.add(ui(i % 2 == 0 ? first : second).signIn("guess-" + i).statusCode());
        }
        HttpResponse<String> limited = ui(second).signIn("guess-again");
        HttpResponse<String> evenTheKey = ui(first).signIn(ADMIN_KEY);

        // The first test's sign-in counted too, but the bucket refills greedily (one attempt per 60 / ATTEMPTS s): at
        // least ATTEMPTS - 1 of these were still allowed, and alternating replicas made no difference.
        assertThat(statuses).filteredOn(s -> s == 401).hasSizeGreaterThanOrEqualTo(ATTEMPTS - 1);
        assertThat(statuses).isSubsetOf(401, 429);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After").map(Integer::parseInt)).hasValueSatisfying(s -> assertThat(s).isBetween(1, 60));
        assertThat(limited.body()).contains("<form").doesNotContain("guess-again");
        assertThat(evenTheKey.statusCode()).isEqualTo(429);
        assertThat(UiClient.setCookie(evenTheKey).isPresent()).isFalse();
    }
}
