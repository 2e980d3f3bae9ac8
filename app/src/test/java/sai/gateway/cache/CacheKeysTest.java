package sai.gateway.cache;

import org.junit.jupiter.api.Test;
import sai.gateway.auth.CredentialKind;
import sai.gateway.auth.CredentialPlan;
import sai.gateway.auth.UpstreamCredential;
import sai.gateway.sai.SaiExecuteRequest;
import sai.gateway.sai.SaiExecuteRequest.Inputs;
import sai.gateway.sai.SaiExecuteRequest.SaiChatMessage;
import sai.gateway.secrets.Secret;
import sai.gateway.tenancy.KeyGrant;
import sai.gateway.tenancy.Limits;
import sai.gateway.tenancy.Tenant;
import sai.gateway.tenancy.VirtualKey;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What makes two requests share a cache entry, and what keeps them apart; without an application context. */
class CacheKeysTest {

    private static final String SYSTEM = "system";

    private static SaiExecuteRequest body(String system, String user, String tools, List<SaiChatMessage> history) {
        return new SaiExecuteRequest(new Inputs(system, user, tools), history.isEmpty() ? null : history);
    }

    private static List<SaiChatMessage> history(long firstId, String... roleAndContent) {
        List<SaiChatMessage> messages = new java.util.ArrayList<>();
        for (int i = 0; i < roleAndContent.length; i += 2) {
            messages.add(new SaiChatMessage(roleAndContent[i + 1], roleAndContent[i], firstId + i / 2));
        }
        return messages;
    }

    private static String key(SaiExecuteRequest body) {
        return CacheKeys.of("tpl", Optional.empty(), SYSTEM, body);
    }

    @Test
    void theHistorysIdsAreTheClocksAndDoNotChangeTheKey() {
        SaiExecuteRequest now = body("be brief", "hi", null, history(1_700_000_000_000L, "user", "hi"));
        SaiExecuteRequest later = body("be brief", "hi", null, history(1_800_000_000_000L, "user", "hi"));

        assertThat(key(now)).isEqualTo(key(later)).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void everyInputOfTheAnswerChangesTheKey() {
        SaiExecuteRequest base = body("sys", "hi", "[{\"name\":\"f\"}]", history(1, "user", "hello", "assistant", "hey", "user", "hi"));
        Set<String> keys = new HashSet<>();
        keys.add(key(base));
        keys.add(CacheKeys.of("tpl-other", Optional.empty(), SYSTEM, base));
        keys.add(CacheKeys.of("tpl", Optional.of("claude-x"), SYSTEM, base));
        keys.add(CacheKeys.of("tpl", Optional.empty(), "no tenant|USER_KEY:ab", base));
        keys.add(key(body("sys.", "hi", "[{\"name\":\"f\"}]", history(1, "user", "hello", "assistant", "hey", "user", "hi"))));
        keys.add(key(body("sys", "hi!", "[{\"name\":\"f\"}]", history(1, "user", "hello", "assistant", "hey", "user", "hi"))));
        keys.add(key(body("sys", "hi", "[{\"name\":\"g\"}]", history(1, "user", "hello", "assistant", "hey", "user", "hi"))));
        keys.add(key(body("sys", "hi", null, history(1, "user", "hello", "assistant", "hey", "user", "hi"))));
        keys.add(key(body("sys", "hi", "", history(1, "user", "hello", "assistant", "hey", "user", "hi"))));
        // One character of history, a role, a message more or less.
        keys.add(key(body("sys", "hi", "[{\"name\":\"f\"}]", history(1, "user", "hello", "assistant", "hey.", "user", "hi"))));
        keys.add(key(body("sys", "hi", "[{\"name\":\"f\"}]", history(1, "user", "hello", "tool", "hey", "user", "hi"))));
        keys.add(key(body("sys", "hi", "[{\"name\":\"f\"}]", history(1, "assistant", "hey", "user", "hi"))));
        keys.add(key(body("sys", "hi", "[{\"name\":\"f\"}]", history(1, "user", "hello", "assistant", "hey", "user", "hi", "user", "hi"))));

        assertThat(keys).hasSize(13);
    }

    @Test
    void fieldsAreDelimitedSoMovingTextBetweenThemIsAnotherRequest() {
        assertThat(key(body("ab", "c", null, List.of()))).isNotEqualTo(key(body("a", "bc", null, List.of())));
        assertThat(key(body("", "", null, history(1, "user", "ab", "user", "c"))))
                .isNotEqualTo(key(body("", "", null, history(1, "user", "a", "user", "bc"))));
    }

    @Test
    void theScopeIsTheTenantAndTheCredentialWithUserKeysOnlyAsHashes() {
        CredentialPlan system = plan(CredentialKind.SYSTEM_KEY, "sys-key-1");
        CredentialPlan rotatedSystem = plan(CredentialKind.SYSTEM_KEY, "sys-key-2");
        CredentialPlan cookie = plan(CredentialKind.SYSTEM_COOKIE, "session=1");
        CredentialPlan alice = plan(CredentialKind.USER_KEY, "alice-secret-key");
        CredentialPlan bob = plan(CredentialKind.USER_KEY, "bob-secret-key");
        CredentialPlan aliceCookie = plan(CredentialKind.USER_COOKIE, "alice-secret-key");

        assertThat(CacheKeys.scope(system, Optional.empty())).isEqualTo(CacheKeys.scope(rotatedSystem, Optional.empty()))
                .isEqualTo(CacheKeys.scope(cookie, Optional.empty()));
        Set<String> scopes = Set.of(CacheKeys.scope(system, Optional.empty()), CacheKeys.scope(alice, Optional.empty()),
                CacheKeys.scope(bob, Optional.empty()), CacheKeys.scope(aliceCookie, Optional.empty()),
                CacheKeys.scope(system, grant("ten-a")), CacheKeys.scope(system, grant("ten-b")), CacheKeys.scope(alice, grant("ten-a")),
                CacheKeys.scope(plan(CredentialKind.TENANT_KEY, "tenant-secret"), grant("ten-a")));
        assertThat(scopes).hasSize(8);
        for (String scope : scopes) {
            assertThat(scope).doesNotContain("secret").doesNotContain("sys-key");
        }
        // Two keys of one tenant are one scope.
        assertThat(CacheKeys.scope(system, grant("ten-a"))).isEqualTo(CacheKeys.scope(system, grant("ten-a")));
    }

    private static CredentialPlan plan(CredentialKind kind, String value) {
        return new CredentialPlan(new UpstreamCredential(kind, Secret.of(value)), Optional.empty());
    }

    private static Optional<KeyGrant> grant(String tenantId) {
        Tenant tenant = new Tenant(tenantId, "name " + tenantId, List.of(), Limits.NONE, Map.of(), Optional.empty());
        VirtualKey key = new VirtualKey("key-" + System.nanoTime(), tenantId, "k", null, List.of(), Limits.NONE, Map.of(), null, false,
                "sk-sai-abcd");
        return Optional.of(new KeyGrant(key, tenant));
    }
}
