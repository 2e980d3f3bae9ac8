package sai.gateway.ui;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.observe.RequestIds;
import sai.gateway.observe.RequestLog;
import sai.gateway.text.Printable;

import io.micronaut.views.ModelAndView;

import sai.gateway.openai.ErrorResponse;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Nothing of the dashboard but its sign-in page, its stylesheet and the language switch answers without a session: a
 * page sends the browser to the sign-in, anything else gets a 401. A change (any POST) must come from the dashboard's
 * own origin when the browser says where it comes from; the CSRF token of the session is checked by each form's
 * handler ({@link UiForms}). Every answer carries the headers that keep it out of frames, caches and referrers.
 * Runs on the blocking pool: the session is read from the database.
 */
@ServerFilter(patterns = {"/ui", "/ui/**"})
@Requires(condition = TenancyEnabled.class)
public class UiAccessFilter implements Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(UiAccessFilter.class);
    static final Set<String> PUBLIC = Set.of("/ui/sign-in", "/ui/lang", "/ui/static/ui.css");

    private final UiSessions sessions;
    private final UiPageRenderer pages;

    UiAccessFilter(UiSessions sessions, UiPageRenderer pages) {
        this.sessions = sessions;
        this.pages = pages;
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request) {
        String path = request.getPath();
        if (!UiPathGuard.canonical(path)) {
            return UiPathGuard.notFound();
        }
        if (request.getMethod() == HttpMethod.POST && !sameOrigin(request)) {
            new RequestLog(LOG, RequestIds.of(request)).warn("[UI] refused {} {} | reason=cross-origin form | origin={} | host={}",
                    request.getMethodName(), path, Printable.oneLine(String.valueOf(request.getHeaders().get(HttpHeaders.ORIGIN)), 100),
                    Printable.oneLine(String.valueOf(request.getHeaders().get(HttpHeaders.HOST)), 100));
            return HttpResponse.status(HttpStatus.FORBIDDEN).body("This form came from another site.\n").contentType(MediaType.TEXT_PLAIN_TYPE);
        }
        Optional<UiSession> session = sessions.find(request.getCookies().findCookie(UiCookies.SESSION).map(Cookie::getValue).orElse(null));
        session.ifPresent(s -> request.setAttribute(UiSession.ATTRIBUTE, s));
        if (session.isPresent() || PUBLIC.contains(path)) {
            return null;
        }
        if (request.getMethod() == HttpMethod.GET && isPage(path)) {
            return HttpResponse.seeOther(URI.create(UiPaths.toPage(path, "sign-in")));
        }
        return HttpResponse.status(HttpStatus.UNAUTHORIZED).body("Sign in to the dashboard first.\n").contentType(MediaType.TEXT_PLAIN_TYPE);
    }

    @ResponseFilter
    public void headers(HttpRequest<?> request, MutableHttpResponse<?> response) {
        MutableHttpResponse<Object> r = (MutableHttpResponse<Object>) response;
        // A page that failed shows the failure as a page, with the message the API would give, not as JSON.
        if (r.getBody().orElse(null) instanceof ErrorResponse error && isPage(request.getPath())
                && request.getAttribute(UiSession.ATTRIBUTE).isPresent()) {
            Map<String, Object> model = UiModel.page(request, "error");
            model.put("status", r.code());
            model.put("message", error.error().message());
            // Drawn here: the views filter and the dashboard's render filter have already passed this answer by.
            try {
                r.body(pages.html(new ModelAndView<>("ui/error", model), request)).contentType(MediaType.TEXT_HTML_TYPE);
            } catch (UiPageRenderer.PageFailed e) {
                LOG.warn("[UI] the error page could not be drawn ({}): answering with the API's JSON", e.getMessage());
            }
        }
        r.header("X-Content-Type-Options", "nosniff");
        r.header("X-Frame-Options", "DENY");
        // same-origin, not no-referrer: under no-referrer browsers send "Origin: null" on every form post, which the
        // origin check must refuse. Other sites still get no Referer from the dashboard.
        r.header("Referrer-Policy", "same-origin");
        r.header("Cross-Origin-Opener-Policy", "same-origin");
        if (!request.getPath().startsWith("/ui/static/") && !request.getPath().startsWith("/ui/vendor/")) {
            r.header(HttpHeaders.CACHE_CONTROL, "no-store");
        }
    }

    /** {@code /ui}, {@code /ui/} and {@code /ui/<name>}: the pages; deeper paths are files. */
    static boolean isPage(String path) {
        return path.equals("/ui") || path.indexOf('/', 4) < 0;
    }

    /**
     * The Origin (or, without it, the Referer) names this host. Browsers send Origin on every form post; a request
     * without either is no browser's cross-site form, and its CSRF token is still checked.
     */
    static boolean sameOrigin(HttpRequest<?> request) {
        HttpHeaders headers = request.getHeaders();
        String from = headers.get(HttpHeaders.ORIGIN);
        if (from == null) {
            from = headers.get(HttpHeaders.REFERER);
        }
        if (from == null) {
            return true;
        }
        String host = headers.get("X-Forwarded-Host");
        if (host == null) {
            host = headers.get(HttpHeaders.HOST);
        }
        try {
            URI origin = URI.create(from.strip());
            String authority = origin.getRawAuthority();
            return authority != null && host != null && authority.equalsIgnoreCase(host.split(",")[0].strip());
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    /** After the guard, before the admin API's filter. */
    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE + 45;
    }
}
