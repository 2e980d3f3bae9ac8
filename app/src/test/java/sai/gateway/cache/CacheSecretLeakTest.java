package sai.gateway.cache;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import sai.gateway.observe.ExchangeFilter;
import sai.gateway.testing.Json;
import sai.gateway.testing.LogCapture;
import sai.gateway.testing.RedisProcess;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache's scope is made of credentials, and none of them may surface: with verbose logging, Redis and metrics on,
 * a user key (header and body), a cookie and the system key appear in no log line, response, metric, Redis key or
 * Redis value after misses and hits, plain and streamed.
 */
@MicronautTest
class CacheSecretLeakTest extends SaiFakeTest {

    private static final String HEADER_USER_KEY = "usr-HEADER-KEY-5a1c3e7b";
    private static final String BODY_USER_KEY = "usr-BODY-KEY-8c2e4a6d";
    private static final String USER_COOKIE = "Cookies=usr-COOKIE-9b3d5f7a; theme=dark";
    private static final List<String> SECRETS = List.of(SYSTEM_KEY, "9f8e7d6c5b4a", SYSTEM_COOKIE, "1a2b3c4d5e",
            HEADER_USER_KEY, "5a1c3e7b", BODY_USER_KEY, "8c2e4a6d", "usr-COOKIE-9b3d5f7a", "9b3d5f7a");

    private final LogCapture logs = LogCapture.attachToRoot();
    private Optional<RedisProcess> redis;

    @Override
    protected Map<String, String> extraProperties() {
        redis = RedisProcess.start();
        return Map.of("cache.ttl", "10m",
                "limits.redis-url", redis.map(RedisProcess::url).orElseGet(RedisProcess::unreachableUrl),
                "gateway.verbose-logging", "true",
                "micronaut.metrics.enabled", "true",
                "micronaut.metrics.export.prometheus.enabled", "true",
                "endpoints.prometheus.enabled", "true");
    }

    @AfterAll
    void stop() {
        logs.detach();
        redis.ifPresent(RedisProcess::close);
    }

    @Test
    void noCredentialSurfacesAnywhereTheCacheTouches() throws Exception {
        Assumptions.assumeTrue(redis.isPresent(), RedisProcess.MISSING);
        stubAnswer("a cached answer", 4, 2, "sai-model");
        String plain = chat("leak check");
        String streamed = plain.replace("{\"model\"", "{\"stream\":true,\"model\"");
        String withBodyKey = plain.replace("{\"model\"", "{\"litellm_params\":{\"metadata\":{\"user_api_key\":" + Json.quote(BODY_USER_KEY)
                + "}},\"model\"");
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            responses.add(postJson("/v1/chat/completions", plain));
            responses.add(postJson("/v1/chat/completions", streamed, "user_api_key", HEADER_USER_KEY));
            responses.add(postJson("/v1/chat/completions", withBodyKey));
            responses.add(postJson("/v1/chat/completions", plain, "user_api_key", USER_COOKIE));
        }
        responses.add(get("/prometheus"));

        assertThat(responses.subList(4, 8)).allSatisfy(r -> assertThat(r.headers().firstValue(ExchangeFilter.CACHE_HEADER)).hasValue("HIT"));
        for (HttpResponse<String> response : responses) {
            assertNoSecretIn("a response body", response.body());
            response.headers().map().forEach((name, values) -> values.forEach(v -> assertNoSecretIn("response header " + name, v)));
        }
        for (LogCapture.Line line : logs.lines()) {
            if (!line.logger().toLowerCase(Locale.ROOT).contains("wiremock")) {
                assertNoSecretIn("log line", line.text());
            }
        }
        String keys = redis.get().cli("--scan", "--pattern", "*");
        assertNoSecretIn("Redis keys", keys);
        for (String key : keys.lines().filter(k -> k.startsWith("sai-gateway:cache:")).toList()) {
            assertNoSecretIn("Redis value", redis.get().cli("GET", key));
        }
        assertThat(keys.lines().filter(k -> k.startsWith("sai-gateway:cache:"))).as("one entry per credential scope").hasSize(4);
    }

    private static void assertNoSecretIn(String where, String text) {
        for (String secret : SECRETS) {
            assertThat(text).as(where).doesNotContain(secret);
        }
    }
}
