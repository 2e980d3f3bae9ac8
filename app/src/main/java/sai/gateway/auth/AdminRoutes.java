package sai.gateway.auth;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;


/**
 * Which requests are the admin API's: {@code /admin} and below, however many slashes and in whatever case (closing
 * too much costs nothing there). The admin API's own filter admits them by the admin key alone; the gateway's access
 * filter leaves them to it, so a gateway or virtual key never opens them and the admin key opens nothing else. The
 * dashboard's paths ({@code /ui}) are left the same way to the dashboard's own filter, which admits a signed-in session.
 */
public final class AdminRoutes {

    /** Set by the admin filter on a request the admin key admitted. */
    public static final String ADMITTED = "sai.gateway.admin-admitted";

    private AdminRoutes() {
    }

    public static boolean isAdminPath(@Nullable String path) {
        return isUnder(path, "admin");
    }

    /** The operator dashboard's paths: {@code /ui} and below, spelled any way the router may still map to it. */
    public static boolean isUiPath(@Nullable String path) {
        // A dot segment never counts as the dashboard's: /ui/../v1/models must still need an API key, whatever a router makes of it.
        return isUnder(path, "ui") && !path.contains("/.");
    }

    private static boolean isUnder(@Nullable String path, String top) {
        if (path == null) {
            return false;
        }
        // Leading slashes are skipped (//admin is /admin), without a regex: this runs on every request with keys on.
        int at = 0;
        while (at < path.length() && path.charAt(at) == '/') {
            at++;
        }
        if (at == 0 || !path.regionMatches(true, at, top, 0, top.length())) {
            return false;
        }
        int next = at + top.length();
        return next == path.length() || path.charAt(next) == '/' || path.charAt(next) == ';';
    }

    public static boolean admitted(HttpRequest<?> request) {
        return request.getAttribute(ADMITTED, Boolean.class).orElse(false);
    }
}
