package sai.gateway.error;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;

/**
 * Which API's error shape a request gets. Decided by the route, so that framework refusals (an unknown path
 * under {@code /v1/messages}, a wrong method, a body too large, a missing access key) answer an Anthropic
 * client in Anthropic's shape too: the Messages API's paths, and the model list when asked with
 * {@code anthropic-version} (the header every Anthropic SDK and Claude Code send).
 */
public enum ApiShape {
    OPENAI, ANTHROPIC;

    public static final String ANTHROPIC_VERSION = "anthropic-version";
    /** Anthropic's request id header (its SDKs report it with every error), sent beside {@code x-request-id}. */
    public static final String ANTHROPIC_REQUEST_ID = "request-id";

    public static ApiShape of(HttpRequest<?> request) {
        return of(request.getPath(), request.getHeaders().contains(ANTHROPIC_VERSION));
    }

    /** From the raw request line's target (its query string is ignored), where the HTTP layer refuses before Micronaut reads it. */
    public static ApiShape of(@Nullable String target, boolean anthropicVersion) {
        if (target == null) {
            return OPENAI;
        }
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        if (isMessages(path)) {
            return ANTHROPIC;
        }
        return isModels(path) && anthropicVersion ? ANTHROPIC : OPENAI;
    }

    static boolean isMessages(String path) {
        return under(path, "/v1/messages") || under(path, "/messages");
    }

    static boolean isModels(String path) {
        return under(path, "/v1/models") || under(path, "/models");
    }

    private static boolean under(String path, String prefix) {
        return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    }
}
