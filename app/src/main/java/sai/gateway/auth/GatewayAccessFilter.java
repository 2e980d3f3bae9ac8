package sai.gateway.auth;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.error.AccessDeniedException;
import sai.gateway.error.ErrorRenderer;
import sai.gateway.observe.RequestIds;
import sai.gateway.observe.RequestLog;
import sai.gateway.secrets.Secret;
import sai.gateway.secrets.SystemCredentials;
import sai.gateway.tenancy.KeyDirectory;
import sai.gateway.tenancy.KeyGrant;
import sai.gateway.tenancy.VirtualKey;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * When {@code GATEWAY_API_KEYS} is set, the API answers only callers that present one of them, so the system SAI
 * credentials cannot be spent by anyone who finds the URL. The key comes as {@code Authorization: Bearer} (OpenAI
 * SDKs, and Claude Code with ANTHROPIC_AUTH_TOKEN) or as {@code x-api-key} (Anthropic SDKs, and Claude Code with
 * ANTHROPIC_API_KEY); a caller sending both is admitted if either is a key.
 *
 * <p>Every path is closed except the few that must stay open: {@code /health} and its probes for orchestrators,
 * {@code /prometheus} for the scraper (served only with METRICS_ENABLED), and the demo's {@code /simulator},
 * which the gateway itself calls with SAI's headers. Listing the protected routes instead let their variants
 * through: Micronaut's router also serves a route with one trailing slash ({@code POST /completions/}).
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class GatewayAccessFilter implements Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayAccessFilter.class);
    private static final String BEARER = "Bearer ";
    static final String API_KEY_HEADER = "x-api-key";
    /** The request attribute holding the access key that admitted the request (a {@link Secret}). */
    static final String ADMITTED_KEY = "sai.gateway.admitted-access-key";

    private final SystemCredentials credentials;
    private final ErrorRenderer renderer;
    @Nullable
    private final KeyDirectory virtualKeys;

    public GatewayAccessFilter(SystemCredentials credentials, ErrorRenderer renderer, Optional<KeyDirectory> virtualKeys) {
        this.credentials = credentials;
        this.renderer = renderer;
        this.virtualKeys = virtualKeys.orElse(null);
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request) {
        List<Secret> keys = credentials.gatewayApiKeys(); // per request: rotated keys apply at once
        // With virtual keys on, the API always needs a key: an operator who hands out keys means them to be required.
        if ((keys.isEmpty() && virtualKeys == null) || isPublic(request.getPath()) || AdminRoutes.isAdminPath(request.getPath()) || AdminRoutes.isUiPath(request.getPath()) || AdminRoutes.admitted(request)) {
            return null;
        }
        String bearer = bearerToken(request.getHeaders().get(HttpHeaders.AUTHORIZATION));
        String apiKey = apiKey(request.getHeaders().get(API_KEY_HEADER));
        // Both checked, not short-circuited: the time taken must not say which header, if any, held a key.
        boolean bearerMatched = matchesAny(keys, bearer);
        boolean apiKeyMatched = matchesAny(keys, apiKey);
        if (bearerMatched || apiKeyMatched) {
            // The key that admitted the caller, for the per-client limits: re-reading a header there would count a
            // caller admitted by x-api-key under whatever Bearer token it also sends, a new one per request if it likes.
            request.setAttribute(ADMITTED_KEY, Secret.of(bearerMatched ? bearer : apiKey));
            return null;
        }
        if (virtualKeys != null) {
            String token = bearer;
            Optional<KeyGrant> grant = bearer == null ? Optional.empty() : virtualKeys.find(bearer);
            if (grant.isEmpty() && apiKey != null) {
                token = apiKey;
                grant = virtualKeys.find(apiKey);
            }
            if (grant.isPresent()) {
                return admitVirtual(request, grant.get(), Secret.of(token));
            }
        }
        boolean presented = bearer != null || apiKey != null;
        // Through RequestLog so the line carries the request id, like every other line of the request.
        new RequestLog(LOG, RequestIds.of(request)).warn("[ACCESS] rejected {} {} | reason={}", request.getMethodName(), request.getPath(),
                presented ? "unknown key" : "no key (no bearer token, no x-api-key)");
        return renderer.response(new AccessDeniedException(presented), request);
    }

    /** A virtual key that exists: admitted unless revoked or expired, its grant left on the request for the limits and the usage record. */
    @Nullable
    private HttpResponse<?> admitVirtual(HttpRequest<?> request, KeyGrant grant, Secret presented) {
        VirtualKey key = grant.key();
        if (key.revoked() || key.expired(Instant.now())) {
            new RequestLog(LOG, RequestIds.of(request)).warn("[ACCESS] rejected {} {} | reason={} | key={}", request.getMethodName(), request.getPath(),
                    key.revoked() ? "revoked key" : "expired key", key.id());
            return renderer.response(key.revoked() ? AccessDeniedException.revoked(key.prefix())
                    : AccessDeniedException.expired(key.prefix(), String.valueOf(key.expiresAt())), request);
        }
        request.setAttribute(KeyGrant.ATTRIBUTE, grant);
        request.setAttribute(ADMITTED_KEY, presented);
        virtualKeys.used(key.id());
        return null;
    }

    /**
     * The Lambda Web Adapter's SnapStart hook (function-lambda's SnapStartHookController, streaming mode only), which the
     * adapter calls without a key and refuses to outside callers itself; elsewhere no route answers it.
     */
    public static final String LAMBDA_RESTORE_HOOK = "/lambda/snapstart/after-restore";

    /** A dot segment never makes a path public: {@code /health/../v1/models} must not count as health, whatever a router makes of it. */
    static boolean isPublic(String path) {
        if (path.contains("/.")) {
            return false;
        }
        return path.equals("/health") || path.startsWith("/health/") || path.equals("/prometheus") || path.equals("/prometheus/")
                || path.equals("/simulator") || path.startsWith("/simulator/")
                || path.equals(LAMBDA_RESTORE_HOOK);
    }

    /** Checks every key, without stopping at a match, so timing says nothing about which key or how much matched. */
    private static boolean matchesAny(List<Secret> keys, @Nullable String token) {
        boolean matched = false;
        for (Secret key : keys) {
            matched |= key.matches(token);
        }
        return matched;
    }

    @Nullable
    public static String bearerToken(@Nullable String header) {
        if (header == null || header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = header.substring(BEARER.length()).strip();
        return token.isEmpty() ? null : token;
    }

    /** Anthropic SDKs send the bare key, no scheme. */
    @Nullable
    static String apiKey(@Nullable String header) {
        if (header == null) {
            return null;
        }
        String key = header.strip();
        return key.isEmpty() ? null : key;
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE + 100;
    }
}
