package sai.gateway.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.tenancy.IssuedKey;
import sai.gateway.tenancy.TenantRow;
import sai.gateway.testing.OpenAiErrors;

import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code CACHE_HITS_COUNT_TOKENS=true}: a hit spends budgets and quotas as SAI's answer did, and its usage record holds
 * those tokens (still counted as saved at SAI). The numbers of {@link CacheLimitsTest}, where hits are free.
 */
@MicronautTest(transactional = false)
class CacheHitsCountTokensTest extends CacheWire {

    @Override
    protected Map<String, String> cacheProperties() {
        return Map.of("cache.hits-count-tokens", "true", "limits.tokens-per-day", Integer.toString(CacheLimitsTest.TOKENS_PER_DAY));
    }

    @Test
    void hitsSpendTheKeysDailyBudgetUntilItIsRefused() {
        stubAnswer("budgeted", 20, 20, "sai-model");
        String key = issue(tenant("budget", Optional.empty()), 60).secret().reveal();
        String prompt = unique("one question");

        assertCache(ask(key, prompt), "MISS");
        assertCache(ask(key, prompt), "HIT"); // 80 of 60: overdrawn
        HttpResponse<String> refused = ask(key, prompt);

        OpenAiErrors.assertError(refused, 429, "tokens", "budget_exceeded", null);
        assertThat(refused.body()).contains("daily budget of 60 tokens");
        assertThat(saiRequests()).hasSize(1);
        assertThat(remaining(key, "key").path("left").asLong()).isZero();
    }

    @Test
    void hitsSpendTheClientsDailyQuotaUntilItIsRefused() {
        stubAnswer("quota", 20, 5, "sai-model");
        String key = key(tenant("quota", Optional.empty()));
        String prompt = unique("quota question");

        assertThat(assertCache(ask(key, prompt), "MISS").headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("100");
        for (String left : new String[]{"75", "50", "25"}) {
            assertThat(assertCache(ask(key, prompt), "HIT").headers().firstValue("x-ratelimit-remaining-tokens")).hasValue(left);
        }
        HttpResponse<String> refused = ask(key, prompt);

        OpenAiErrors.assertError(refused, 429, "tokens", "rate_limit_exceeded", null);
        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void aHitsRecordAndReportRowHoldTheTokensItWasCharged() throws SQLException {
        stubAnswer("counted", 20, 5, "sai-model");
        TenantRow team = tenant("usage", Optional.empty());
        IssuedKey issued = issue(team, 0);
        String prompt = unique("count me");

        assertCache(ask(issued.secret().reveal(), prompt), "MISS");
        assertCache(ask(issued.secret().reveal(), prompt), "HIT");

        JsonNode row = usageOnceRecorded("/admin/usage?group_by=key&key_id=" + issued.row().id(), 2).path("data").path(0);
        assertThat(row.path("cache_hits").asLong()).as(row.toString()).isEqualTo(1);
        assertThat(row.path("tokens_saved").asLong()).as(row.toString()).isEqualTo(25);
        assertThat(row.path("prompt_tokens").asLong()).as(row.toString()).isEqualTo(40);
        assertThat(row.path("completion_tokens").asLong()).as(row.toString()).isEqualTo(10);
        assertThat(records(issued.row().id())).containsExactlyInAnyOrder(
                "cache_hit=false tokens_saved=0 prompt=20 completion=5 status=200 stream=false",
                "cache_hit=true tokens_saved=25 prompt=20 completion=5 status=200 stream=false");
    }
}
