package sai.gateway.cache;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.tenancy.KeyChange;
import sai.gateway.tenancy.TenantRow;
import sai.gateway.testing.OpenAiErrors;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token budgets and quotas with the response cache on and {@code CACHE_HITS_COUNT_TOKENS} at its default (false): a hit
 * costs SAI nothing, so it spends neither a virtual key's (and its tenant's) daily budget nor the per-client
 * {@code TOKEN_QUOTA_DAILY}; many hits leave both where the miss left them. A budget already spent is still refused
 * before the cache is asked. Each test has its own key, which is also its own client for the per-client quota.
 * {@link CacheHitsCountTokensTest} is the same with hits counted.
 */
@MicronautTest(transactional = false)
class CacheLimitsTest extends CacheWire {

    static final int TOKENS_PER_DAY = 100;
    private static final int HITS = 5;

    @Override
    protected Map<String, String> cacheProperties() {
        return Map.of("limits.tokens-per-day", Integer.toString(TOKENS_PER_DAY));
    }

    @Test
    void manyHitsDoNotSpendTheKeysOrItsTenantsDailyBudget() {
        stubAnswer("budgeted", 20, 20, "sai-model");
        TenantRow team = tenant("budget", 1000, Optional.empty());
        String key = issue(team, 60).secret().reveal();
        String prompt = unique("one question");

        assertCache(ask(key, prompt), "MISS");
        // Were a hit charged its 40 tokens, the second would overdraw the key's 60 and the third be refused.
        for (int i = 0; i < HITS; i++) {
            assertCache(ask(key, prompt), "HIT");
        }

        assertThat(saiRequests()).hasSize(1);
        assertThat(remaining(key, "key").path("used").asLong()).isEqualTo(40);
        assertThat(remaining(key, "key").path("left").asLong()).isEqualTo(20);
        assertThat(remaining(key, "tenant_limits").path("used").asLong()).isEqualTo(40);
        // The budget still counts what SAI answers: a second miss overdraws it and the next request is refused.
        assertCache(ask(key, unique("another question")), "MISS");
        OpenAiErrors.assertError(ask(key, prompt), 429, "tokens", "budget_exceeded", null);
        assertThat(saiRequests()).hasSize(2);
    }

    @Test
    void manyHitsDoNotSpendTheClientsDailyQuota() {
        stubAnswer("quota", 20, 5, "sai-model");
        String key = key(tenant("quota", Optional.empty()));
        String prompt = unique("quota question");

        HttpResponse<String> miss = assertCache(ask(key, prompt), "MISS");
        assertThat(miss.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("100");
        // Charged 25 each, the fourth hit would find the quota spent.
        for (int i = 0; i < HITS; i++) {
            HttpResponse<String> hit = assertCache(ask(key, prompt), "HIT");
            assertThat(hit.headers().firstValue("x-ratelimit-remaining-tokens")).as("hit %d", i + 1).hasValue("75");
        }

        assertThat(saiRequests()).hasSize(1);
        assertThat(assertCache(ask(key, unique("a new one")), "MISS").headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("75");
        assertThat(assertCache(ask(key, prompt), "HIT").headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("50");
    }

    @Test
    void aKeyWhoseBudgetIsSpentIsRefusedEvenForAnAnswerTheCacheHolds() {
        stubAnswer("spent", 20, 20, "sai-model");
        TenantRow team = tenant("spent", Optional.empty());
        String spent = issue(team, 40).secret().reveal();
        String prompt = unique("last question");
        assertCache(ask(spent, prompt), "MISS");

        HttpResponse<String> refused = ask(spent, prompt);

        OpenAiErrors.assertError(refused, 429, "tokens", "budget_exceeded", null);
        assertThat(refused.body()).contains("daily budget of 40 tokens");
        assertThat(refused.headers().firstValue("x-cache")).isNotEqualTo(Optional.of("HIT"));
        assertThat(saiRequests()).hasSize(1);
        // The answer is still there for the tenant's other keys.
        assertCache(ask(key(team), prompt), "HIT");
        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void aClientWhoseQuotaIsSpentIsRefusedEvenForAnAnswerTheCacheHolds() {
        stubAnswer("all of it", 60, 40, "sai-model");
        TenantRow team = tenant("quota-spent", Optional.empty());
        String spent = key(team);
        String prompt = unique("expensive question");
        assertCache(ask(spent, prompt), "MISS");

        HttpResponse<String> refused = ask(spent, prompt);

        OpenAiErrors.assertError(refused, 429, "tokens", "rate_limit_exceeded", null);
        assertThat(refused.body()).contains(TOKENS_PER_DAY + " tokens per day");
        assertThat(refused.headers().firstValue("x-cache")).isNotEqualTo(Optional.of("HIT"));
        assertThat(saiRequests()).hasSize(1);
        assertCache(ask(key(team), prompt), "HIT");
    }

    /** The key's own requests per minute, like RATE_LIMIT_RPM, are taken before the cache is asked. */
    @Test
    void aKeysRequestsPerMinuteCountHits() {
        stubAnswer("per key", 1, 1, "sai-model");
        TenantRow team = tenant("key-rpm", Optional.empty());
        String key = admin.createKey(new KeyChange(team.id(), "one a minute", null, List.of(), 1L, 0L, 0L, 0L, null, null)).secret().reveal();
        String prompt = unique("once");
        assertCache(ask(key(team), prompt), "MISS");

        assertCache(ask(key, prompt), "HIT");
        HttpResponse<String> refused = ask(key, prompt);

        OpenAiErrors.assertError(refused, 429, "requests", "rate_limit_exceeded", null);
        assertThat(refused.body()).contains("this key allows 1 requests per minute");
        assertThat(saiRequests()).hasSize(1);
    }
}
