package sai.gateway.ui;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;

import java.time.Duration;
import java.util.Locale;

/**
 * The dashboard's cookies. No Path attribute: the browser then scopes a cookie to the directory of the page that set
 * it, {@code /ui} here and {@code /prod/ui} under an API Gateway stage, so it never goes to the API. The session cookie
 * is Secure except over plain HTTP to this machine itself, where browsers would drop it.
 */
final class UiCookies {

    static final String SESSION = "sai_ui_session";
    static final String LANG = "sai_ui_lang";

    private UiCookies() {
    }

    static Cookie session(String value, Duration ttl, HttpRequest<?> request) {
        return Cookie.of(SESSION, value).httpOnly(true).secure(secure(request)).sameSite(SameSite.Strict).maxAge(ttl);
    }

    static Cookie sessionCleared(HttpRequest<?> request) {
        return Cookie.of(SESSION, "").httpOnly(true).secure(secure(request)).sameSite(SameSite.Strict).maxAge(0);
    }

    static Cookie lang(String tag, HttpRequest<?> request) {
        return Cookie.of(LANG, tag).httpOnly(true).secure(secure(request)).sameSite(SameSite.Strict).maxAge(Duration.ofDays(365));
    }

    /** Whether the browser reached us over HTTPS (directly or through a proxy that says so) or not at this machine. */
    static boolean secure(HttpRequest<?> request) {
        return https(request) || !localhost(request);
    }

    /** Plain HTTP to a name other than this machine: the session cookie is Secure and a browser will not keep it. */
    static boolean insecureRemote(HttpRequest<?> request) {
        return !https(request) && !localhost(request);
    }

    /** HTTPS to this server, or to a proxy in front of it that says so in X-Forwarded-Proto. */
    private static boolean https(HttpRequest<?> request) {
        String proto = request.getHeaders().get("X-Forwarded-Proto");
        return request.isSecure() || (proto != null && "https".equalsIgnoreCase(proto.split(",")[0].strip()));
    }

    private static boolean localhost(HttpRequest<?> request) {
        String host = request.getHeaders().get(HttpHeaders.HOST);
        if (host == null) {
            return false;
        }
        String name = host.strip().toLowerCase(Locale.ROOT);
        if (name.startsWith("[")) {
            int end = name.indexOf(']');
            name = end < 0 ? name : name.substring(1, end);
        } else if (name.indexOf(':') >= 0) {
            name = name.substring(0, name.indexOf(':'));
        }
        return name.equals("localhost") || name.equals("127.0.0.1") || name.equals("::1") || name.endsWith(".localhost");
    }
}
