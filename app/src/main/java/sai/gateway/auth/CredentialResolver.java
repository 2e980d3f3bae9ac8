package sai.gateway.auth;

import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;
import sai.gateway.observe.RequestLog;
import sai.gateway.secrets.Secret;
import sai.gateway.secrets.SystemCredentials;

import java.util.Locale;
import java.util.Optional;

/**
 * The old gateway's credential chain, per request: a user key (body first, then the
 * {@code user_api_key} header), a user key that is really a session cookie, the system key, the
 * system cookie. User keys are never stored; only their source and length are logged.
 */
@Singleton
public class CredentialResolver {

    public static final String USER_KEY_HEADER = "user_api_key";
    static final String BODY_SOURCE = "litellm_params.metadata.user_api_key";
    /** A value clients ship with before a user fills in their own key. */
    private static final String PLACEHOLDER = "raspberry";
    private static final String COOKIE_MARKER = "Cookies";

    private final SystemCredentials system;

    public CredentialResolver(SystemCredentials system) {
        this.system = system;
    }

    public CredentialPlan resolve(RequestLog log, @Nullable String bodyKey, @Nullable String headerKey) {
        return resolve(log, bodyKey, headerKey, Optional.empty());
    }

    /**
     * @param tenantKey the SAI key of the tenant whose virtual key admitted the request: it takes the system key's place
     *                  (a user's own key still wins; the cookie fallback on 429 still applies)
     */
    public CredentialPlan resolve(RequestLog log, @Nullable String bodyKey, @Nullable String headerKey, Optional<Secret> tenantKey) {
        Optional<Secret> user = userKey(log, bodyKey, BODY_SOURCE);
        if (user.isEmpty()) {
            user = userKey(log, headerKey, USER_KEY_HEADER);
        }
        Optional<UpstreamCredential> cookieFallback = system.saiCookie().map(c -> new UpstreamCredential(CredentialKind.SYSTEM_COOKIE, c));
        if (user.isPresent()) {
            Secret key = user.get();
            if (key.reveal().contains(COOKIE_MARKER)) {
                log.info("[AUTH] user value is a session cookie: sent as Cookie, no fallback");
                return new CredentialPlan(new UpstreamCredential(CredentialKind.USER_COOKIE, key), Optional.empty());
            }
            return new CredentialPlan(new UpstreamCredential(CredentialKind.USER_KEY, key), cookieFallback);
        }
        if (tenantKey.isPresent()) {
            log.info("[AUTH] no user key: using the tenant's SAI key");
            return new CredentialPlan(new UpstreamCredential(CredentialKind.TENANT_KEY, tenantKey.get()), cookieFallback);
        }
        if (system.saiKey().isPresent()) {
            log.info("[AUTH] no user key: using the system key");
            return new CredentialPlan(new UpstreamCredential(CredentialKind.SYSTEM_KEY, system.saiKey().get()), cookieFallback);
        }
        log.info("[AUTH] no user key and no system key: using the system cookie");
        return new CredentialPlan(cookieFallback.orElseThrow(() -> new IllegalStateException("startup guarantees a system credential")),
                Optional.empty());
    }

    /**
     * SAI answered 401 to {@code rejected}. A system credential may have been rotated since it was read:
     * the secret source looks again, and a different value of the same kind is returned for one more try.
     * User keys, and system values that did not change, get nothing: a 401 is final (CONTRACT.md section 4).
     * May block on the secret store.
     */
    public Optional<UpstreamCredential> renewed(RequestLog log, UpstreamCredential rejected) {
        CredentialKind kind = rejected.kind();
        if (kind != CredentialKind.SYSTEM_KEY && kind != CredentialKind.SYSTEM_COOKIE) {
            return Optional.empty();
        }
        if (!system.reloadAfterRejection()) {
            return Optional.empty();
        }
        Optional<Secret> current = kind == CredentialKind.SYSTEM_KEY ? system.saiKey() : system.saiCookie();
        Optional<UpstreamCredential> renewed = current.filter(value -> !value.equals(rejected.value()))
                .map(value -> new UpstreamCredential(kind, value));
        log.info("[AUTH] SAI refused the {}; secrets reloaded: {}", kind.label(),
                renewed.isPresent() ? "a new value, trying once more" : "no new value");
        return renewed;
    }

    private static Optional<Secret> userKey(RequestLog log, @Nullable String raw, String source) {
        if (raw == null) {
            return Optional.empty();
        }
        String value = raw.strip();
        if (value.isEmpty()) {
            log.info("[AUTH] user key rejected | source={} | reason=empty", source);
            return Optional.empty();
        }
        if (value.toLowerCase(Locale.ROOT).equals(PLACEHOLDER)) {
            log.info("[AUTH] user key rejected | source={} | reason=placeholder", source);
            return Optional.empty();
        }
        if (!fitsAHeader(value)) {
            log.warn("[AUTH] user key rejected | source={} | length={} | reason={}", source, value.length(),
                    hasControlCharacter(value) ? "control characters" : "non-ASCII characters");
            throw InvalidRequestException.keyed(ErrorCode.INVALID_USER_KEY, "invalid_user_api_key", source, source);
        }
        log.info("[AUTH] user key accepted | source={} | length={}", source, value.length());
        return Optional.of(Secret.of(value));
    }

    /**
     * The key is sent as an {@code X-Api-Key} or {@code Cookie} header value: printable ASCII and spaces only. CR and LF
     * would split the header; NUL, DEL and the C1 controls (U+0085 among them) would leave as raw bytes; any other
     * non-ASCII character would be mangled on the way (a header is bytes), so SAI could never match it anyway.
     */
    private static boolean hasControlCharacter(String value) {
        return value.chars().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f));
    }

    private static boolean fitsAHeader(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
