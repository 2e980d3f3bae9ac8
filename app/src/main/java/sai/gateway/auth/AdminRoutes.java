package sai.gateway.auth;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;

import java.util.Locale;

/**
 * Which requests are the admin API's: {@code /admin} and below, however many slashes and in whatever case (closing
 * too much costs nothing there). The admin API's own filter admits them by the admin key alone; the gateway's access
 * filter leaves them to it, so a gateway or virtual key never opens them and the admin key opens nothing else.
 */
public final class AdminRoutes {

    /** Set by the admin filter on a request the admin key admitted. */
    public static final String ADMITTED = "sai.gateway.admin-admitted";

    private AdminRoutes() {
    }

    public static boolean isAdminPath(@Nullable String path) {
        if (path == null) {
            return false;
        }
        String collapsed = path.replaceAll("/{2,}", "/").toLowerCase(Locale.ROOT);
        return collapsed.equals("/admin") || collapsed.startsWith("/admin/") || collapsed.startsWith("/admin;");
    }

    public static boolean admitted(HttpRequest<?> request) {
        return request.getAttribute(ADMITTED, Boolean.class).orElse(false);
    }
}
