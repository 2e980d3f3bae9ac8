package sai.gateway.ui;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import sai.gateway.observe.ExchangeFilter;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.usage.UsageExplorer;
import sai.gateway.usage.UsageRecorder;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** With the response cache on, the overview counts the answers it served and the tokens SAI did not spend on them. */
@MicronautTest(transactional = false)
class OverviewCacheTest extends SaiFakeTest {

    static final String ADMIN_KEY = "ui-admin-" + UUID.randomUUID();

    @Inject
    UsageRecorder recorder;
    @Inject
    UsageExplorer explorer;

    @Override
    protected Map<String, String> extraProperties() {
        Map<String, String> properties = UiClient.tenancyProperties(ADMIN_KEY, "ui-overview-cache");
        properties.put("ui.sign-in-attempts-per-minute", "1000");
        properties.put("cache.ttl", "10m");
        return properties;
    }

    @Test
    void theOverviewShowsCacheHitsAndTheTokensTheySaved() {
        Instant start = Instant.now();
        UiClient fixtures = new UiClient(baseUrl());
        String tenantId = fixtures.createTenant(ADMIN_KEY, "Cached " + UUID.randomUUID().toString().substring(0, 8));
        JsonNode key = fixtures.createKey(ADMIN_KEY, tenantId, "ci", "");
        stubAnswer("ok", 5, 7, "sai-model");
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> answered = fixtures.chat(key, "sai-model");
            assertThat(answered.statusCode()).isEqualTo(200);
            assertThat(answered.headers().firstValue(ExchangeFilter.CACHE_HEADER)).hasValue(i == 0 ? "MISS" : "HIT");
        }
        UiClient.awaitRecorded(recorder, explorer, start.minusSeconds(60), 3);

        String html = new UiClient(baseUrl()).signedIn(ADMIN_KEY).language("en").get("/ui/").body();

        assertThat(UiHtml.number(html, "stat-requests")).isEqualTo(3);
        assertThat(UiHtml.number(html, "stat-cache-hits")).isEqualTo(2);
        assertThat(UiHtml.number(html, "stat-tokens-saved")).isEqualTo(2 * (5 + 7));
        // Tokens in and out are what SAI spent: the one answer it gave.
        assertThat(UiHtml.number(html, "stat-tokens-in")).isEqualTo(5);
        assertThat(UiHtml.number(html, "stat-tokens-out")).isEqualTo(7);
        assertThat(html).contains("Cache hits").contains("Tokens saved by the cache");
        assertThat(saiRequests()).hasSize(1);
    }
}
