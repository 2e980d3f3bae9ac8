package sai.gateway.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.admin.Rfc4180;
import sai.gateway.auth.CredentialResolver;
import sai.gateway.secrets.Secret;
import sai.gateway.tenancy.IssuedKey;
import sai.gateway.tenancy.KeyChange;
import sai.gateway.tenancy.TenantRow;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.SseEvents;

import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The response cache's scopes as clients and operators see them, with virtual keys on the embedded database: who
 * gets another's answer (two keys of one tenant) and who never does (two tenants, a user's own SAI key and the system's,
 * two users), told by {@code x-cache} and by the calls SAI got; and the usage a miss and a hit leave, in the database
 * and in the admin usage report. {@link CacheTenancyPostgresTest} runs the same on a real PostgreSQL.
 */
@MicronautTest(transactional = false)
class CacheTenancyTest extends CacheWire {

    // ---- who shares an answer ----

    @Test
    void twoTenantsAskingTheSameBothReachSaiAndEachThenHitsItsOwn() {
        stubAnswer("same words", 3, 4, "sai-model");
        String a = key(tenant("a", Optional.empty()));
        String b = key(tenant("b", Optional.empty()));
        String prompt = unique("what is a cache?");

        assertCache(ask(a, prompt), "MISS");
        assertCache(ask(b, prompt), "MISS");
        assertThat(saiRequests()).as("tenant B is not answered with tenant A's answer").hasSize(2);

        assertCache(ask(a, prompt), "HIT");
        assertCache(ask(b, prompt), "HIT");
        assertThat(saiRequests()).hasSize(2);
    }

    @Test
    void twoKeysOfOneTenantShareAnAnswer() {
        stubAnswer("shared answer", 3, 4, "sai-model");
        TenantRow team = tenant("team", Optional.empty());
        String first = key(team);
        String second = key(team);
        String prompt = unique("hello");

        HttpResponse<String> miss = ask(first, prompt);
        HttpResponse<String> hit = ask(second, prompt);

        assertCache(miss, "MISS");
        assertCache(hit, "HIT");
        assertThat(content(hit)).isEqualTo("shared answer");
        assertThat(Json.parse(hit.body()).path("id").asText()).as("a hit has its own id").isNotEqualTo(Json.parse(miss.body()).path("id").asText());
        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void aTenantPayingWithItsOwnSaiKeyNeverSharesWithOneOnTheSystemKeyNorWithAStaticKey() {
        stubAnswer("paid", 3, 4, "sai-model");
        String own = key(tenant("own-key", Optional.of(Secret.of("tenant-SAI-key-cache-1"))));
        String plain = key(tenant("system-key", Optional.empty()));
        String prompt = unique("who pays?");

        assertCache(ask(own, prompt), "MISS");
        assertCache(ask(plain, prompt), "MISS");
        assertCache(ask(STATIC_KEY, prompt), "MISS");

        assertThat(saiRequests()).hasSize(3);
        sai.verify(1, postRequestedFor(urlPathEqualTo(EXECUTE_PATH)).withHeader("X-Api-Key", equalTo("tenant-SAI-key-cache-1")));
        sai.verify(2, postRequestedFor(urlPathEqualTo(EXECUTE_PATH)).withHeader("X-Api-Key", equalTo(SYSTEM_KEY)));
        assertCache(ask(own, prompt), "HIT");
        assertCache(ask(plain, prompt), "HIT");
        assertCache(ask(STATIC_KEY, prompt), "HIT");
        assertThat(saiRequests()).hasSize(3);
    }

    @Test
    void aUserKeyAndTheSystemCredentialNeverShareTwoUsersNeverShareAndOneUserDoesWhereverItsKeyIsSent() {
        stubAnswer("user's", 3, 4, "sai-model");
        String prompt = unique("mine or yours?");
        String userA = "usr-cache-A-" + UUID.randomUUID();
        String userB = "usr-cache-B-" + UUID.randomUUID();

        assertCache(ask(STATIC_KEY, prompt), "MISS");
        assertCache(ask(STATIC_KEY, prompt, CredentialResolver.USER_KEY_HEADER, userA), "MISS");
        assertCache(ask(STATIC_KEY, prompt, CredentialResolver.USER_KEY_HEADER, userB), "MISS");
        assertThat(saiRequests()).hasSize(3);
        sai.verify(1, postRequestedFor(urlPathEqualTo(EXECUTE_PATH)).withHeader("X-Api-Key", equalTo(userA)));
        sai.verify(1, postRequestedFor(urlPathEqualTo(EXECUTE_PATH)).withHeader("X-Api-Key", equalTo(userB)));

        assertCache(ask(STATIC_KEY, prompt, CredentialResolver.USER_KEY_HEADER, userA), "HIT");
        // The same user key in the body (LiteLLM's metadata) is the same user.
        HttpResponse<String> fromBody = postJson("/v1/chat/completions", "{\"model\":\"sai-model\",\"messages\":[{\"role\":\"user\",\"content\":"
                        + Json.quote(prompt) + "}],\"litellm_params\":{\"metadata\":{\"user_api_key\":" + Json.quote(userA) + "}}}",
                "Authorization", "Bearer " + STATIC_KEY);
        assertCache(fromBody, "HIT");
        assertCache(ask(STATIC_KEY, prompt), "HIT");
        assertThat(saiRequests()).hasSize(3);
    }

    @Test
    void aUserKeyUnderTwoTenantsIsTwoScopes() {
        stubAnswer("scoped", 3, 4, "sai-model");
        String a = key(tenant("user-a", Optional.empty()));
        String b = key(tenant("user-b", Optional.empty()));
        String user = "usr-cache-both-" + UUID.randomUUID();
        String prompt = unique("same user, two tenants");

        assertCache(ask(a, prompt, CredentialResolver.USER_KEY_HEADER, user), "MISS");
        assertCache(ask(b, prompt, CredentialResolver.USER_KEY_HEADER, user), "MISS");
        assertCache(ask(STATIC_KEY, prompt, CredentialResolver.USER_KEY_HEADER, user), "MISS");
        assertThat(saiRequests()).hasSize(3);
        assertCache(ask(b, prompt, CredentialResolver.USER_KEY_HEADER, user), "HIT");
        assertThat(saiRequests()).hasSize(3);
    }

    /** What a key may use is asked before the cache: a tenant's answer is no way around a key's allowed models. */
    @Test
    void aKeyNotAllowedTheModelIsRefusedEvenForItsTenantsKeptAnswer() {
        stubAnswer("for sai-model", 3, 4, "sai-model");
        TenantRow team = tenant("models", Optional.empty());
        String open = key(team);
        String narrow = admin.createKey(new KeyChange(team.id(), "narrow", null, List.of("claude-sonnet-4-5-20250929"), 0L, 0L, 0L, 0L, null, null))
                .secret().reveal();
        String prompt = unique("which model?");
        assertCache(ask(open, prompt), "MISS");

        HttpResponse<String> refused = ask(narrow, prompt);

        OpenAiErrors.assertError(refused, 403, "invalid_request_error", "model_not_allowed", "model");
        assertThat(refused.body()).doesNotContain("for sai-model");
        assertThat(saiRequests()).hasSize(1);
    }

    // ---- what a miss and a hit leave in the usage ----

    @Test
    void aMissAndAHitLeaveRecordsAndReportRowsWithTheTokensSaved() throws SQLException {
        stubAnswer("counted", 5, 7, "sai-model");
        TenantRow team = tenant("usage", Optional.empty());
        IssuedKey issued = issue(team, 0);
        String key = issued.secret().reveal();
        String keyId = issued.row().id();
        String prompt = unique("count me");

        assertCache(ask(key, prompt), "MISS");
        assertCache(ask(key, prompt), "HIT");
        HttpResponse<String> streamed = postJson("/v1/chat/completions", "{\"model\":\"sai-model\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":" + Json.quote(prompt) + "}]}", "Authorization", "Bearer " + key);
        assertCache(streamed, "HIT");
        SseEvents events = SseEvents.parse(streamed.body());
        assertThat(events.data()).last().isEqualTo(SseEvents.DONE);
        assertThat(SseEvents.content(events.chunks())).isEqualTo("counted");
        assertThat(saiRequests()).hasSize(1);

        JsonNode report = usageOnceRecorded("/admin/usage?group_by=key&key_id=" + keyId, 3);
        assertThat(report.path("data")).hasSize(1);
        JsonNode row = report.path("data").get(0);
        assertThat(row.path("requests").asLong()).as(row.toString()).isEqualTo(3);
        assertThat(row.path("cache_hits").asLong()).as(row.toString()).isEqualTo(2);
        assertThat(row.path("tokens_saved").asLong()).as(row.toString()).isEqualTo(24);
        // Only the miss spent tokens: a hit's are saved, not charged.
        assertThat(row.path("prompt_tokens").asLong()).as(row.toString()).isEqualTo(5);
        assertThat(row.path("completion_tokens").asLong()).as(row.toString()).isEqualTo(7);
        assertThat(row.path("total_tokens").asLong()).as(row.toString()).isEqualTo(12);

        HttpResponse<String> csv = get("/admin/usage.csv?group_by=key&key_id=" + keyId, "Authorization", "Bearer " + ADMIN_KEY);
        assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
        List<List<String>> lines = Rfc4180.parse(csv.body());
        assertThat(lines).hasSize(2);
        List<String> header = lines.get(0);
        List<String> values = lines.get(1);
        assertThat(values.get(header.indexOf("key_id"))).isEqualTo(keyId);
        assertThat(values.get(header.indexOf("cache_hits"))).isEqualTo("2");
        assertThat(values.get(header.indexOf("tokens_saved"))).isEqualTo("24");
        assertThat(values.get(header.indexOf("total_tokens"))).isEqualTo("12");

        List<String> records = records(keyId);
        assertThat(records).containsExactlyInAnyOrder(
                "cache_hit=false tokens_saved=0 prompt=5 completion=7 status=200 stream=false",
                "cache_hit=true tokens_saved=12 prompt=0 completion=0 status=200 stream=false",
                "cache_hit=true tokens_saved=12 prompt=0 completion=0 status=200 stream=true");
    }
}
