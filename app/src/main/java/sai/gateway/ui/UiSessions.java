package sai.gateway.ui;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import sai.gateway.database.TenancyConfiguration;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.secrets.Secret;
import sai.gateway.tenancy.KeyMaterial;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Dashboard sign-ins. The cookie is {@code <id>.<mac>}: a random id, and its HMAC under a key derived from the admin key,
 * so a new admin key ends every session at once. The database keeps only the id's SHA-256 (with the CSRF token and the
 * expiry), so every replica and Lambda instance knows the session and sign-out ends it everywhere. Neither the admin key
 * nor anything it could be guessed from is ever in the cookie or the table.
 */
@Singleton
@Requires(condition = TenancyEnabled.class)
class UiSessions {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    /** The longest cookie value {@link #find} reads: an id, a dot and a MAC, each 43 characters. */
    private static final int MAX_COOKIE = 2 * 43 + 1;

    private final UiSessionRepository sessions;
    private final UiConfiguration configuration;
    private final byte[] signingKey;
    private final Clock clock;

    @Inject
    UiSessions(UiSessionRepository sessions, UiConfiguration configuration, TenancyConfiguration tenancy) {
        this(sessions, configuration, tenancy.admin().orElseThrow(), Clock.systemUTC());
    }

    UiSessions(UiSessionRepository sessions, UiConfiguration configuration, Secret adminKey, Clock clock) {
        this.sessions = sessions;
        this.configuration = configuration;
        this.signingKey = hmac(adminKey.reveal().getBytes(StandardCharsets.UTF_8), "sai-gateway ui session v1");
        this.clock = clock;
    }

    /** A new session: the cookie value to set, and the session it stands for. */
    record Started(String cookieValue, UiSession session) {
        @Override
        public String toString() {
            return "Started[" + session + "]";
        }
    }

    Started start() {
        Instant now = clock.instant();
        sessions.deleteByExpiresAtBefore(now);
        String id = KeyMaterial.randomToken();
        UiSessionRow row = new UiSessionRow(KeyMaterial.hash(id), KeyMaterial.randomToken(), now, now.plus(configuration.sessionTtl()));
        sessions.save(row);
        return new Started(id + "." + mac(id), new UiSession(row.csrfToken(), row.expiresAt()));
    }

    /** The live session the cookie stands for; empty when it is missing, forged, signed under another admin key, ended or expired. */
    Optional<UiSession> find(@Nullable String cookieValue) {
        String id = verifiedId(cookieValue);
        if (id == null) {
            return Optional.empty();
        }
        return sessions.findById(KeyMaterial.hash(id)).filter(row -> row.expiresAt().isAfter(clock.instant()))
                .map(row -> new UiSession(row.csrfToken(), row.expiresAt()));
    }

    void end(@Nullable String cookieValue) {
        String id = verifiedId(cookieValue);
        if (id != null) {
            sessions.deleteById(KeyMaterial.hash(id));
        }
    }

    @Nullable
    private String verifiedId(@Nullable String cookieValue) {
        if (cookieValue == null || cookieValue.length() > MAX_COOKIE) {
            return null;
        }
        int dot = cookieValue.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        String id = cookieValue.substring(0, dot);
        byte[] given = cookieValue.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(given, mac(id).getBytes(StandardCharsets.US_ASCII)) ? id : null;
    }

    private String mac(String id) {
        return B64.encodeToString(hmac(signingKey, id));
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
