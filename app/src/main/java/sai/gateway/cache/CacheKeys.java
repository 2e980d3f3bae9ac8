package sai.gateway.cache;

import sai.gateway.auth.CredentialPlan;
import sai.gateway.auth.UpstreamCredential;
import sai.gateway.sai.SaiExecuteRequest;
import sai.gateway.sai.SaiExecuteRequest.SaiChatMessage;
import sai.gateway.secrets.Secret;
import sai.gateway.tenancy.KeyGrant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A cache key: SHA-256 over everything that changes SAI's answer and over who pays for it. The answer's inputs are
 * the template, the model override and SAI's body as sent (system prompt with the tool instruction, the user's
 * message, the tools, every history message with its role), but not the history's ids, which are the clock's. The
 * scope is the tenant (a virtual key's) and the credential: a user's SAI key (only its hash enters), else "the
 * system's". Every field is length-prefixed, so no two different requests write the same bytes.
 */
public final class CacheKeys {

    /** Raised when what the key covers changes, so entries written by older builds are never read. */
    private static final String VERSION = "sai-gateway-cache-v1";
    private static final HexFormat HEX = HexFormat.of();

    private CacheKeys() {
    }

    /** Hex SHA-256, 64 characters. */
    public static String of(String templateId, Optional<String> modelOverride, String scope, SaiExecuteRequest body) {
        MessageDigest digest = sha256();
        put(digest, VERSION);
        put(digest, templateId);
        put(digest, modelOverride.orElse(""));
        put(digest, scope);
        put(digest, body.inputs().system());
        put(digest, body.inputs().user());
        put(digest, body.inputs().tools() == null ? "\0none" : body.inputs().tools());
        int count = body.chatMessages() == null ? 0 : body.chatMessages().size();
        put(digest, Integer.toString(count));
        for (int i = 0; i < count; i++) {
            SaiChatMessage message = body.chatMessages().get(i);
            put(digest, message.role());
            put(digest, message.content());
        }
        return HEX.formatHex(digest.digest());
    }

    /**
     * Who an answer belongs to: the virtual key's tenant, if any, and the credential the request asked SAI with first.
     * User keys and cookies are known only by their SHA-256; the system's credentials (key or cookie, before or after a
     * rotation) and a tenant's own SAI key are one scope each.
     */
    public static String scope(CredentialPlan plan, Optional<KeyGrant> grant) {
        String tenant = grant.map(g -> "tenant:" + g.tenant().id()).orElse("no tenant");
        UpstreamCredential credential = plan.primary();
        String paidBy = switch (credential.kind()) {
            case USER_KEY, USER_COOKIE -> credential.kind().name() + ":" + HEX.formatHex(Secret.sha256(credential.value().reveal()));
            case TENANT_KEY -> "tenant key";
            case SYSTEM_KEY, SYSTEM_COOKIE -> "system";
        };
        return tenant + "|" + paidBy;
    }

    private static void put(MessageDigest digest, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int length = bytes.length;
        digest.update(new byte[]{(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
