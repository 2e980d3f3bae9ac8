package sai.gateway.ui;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.views.ModelAndView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.auth.ClientIdentity;
import sai.gateway.database.TenancyConfiguration;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.limits.SignInAttempts;
import sai.gateway.observe.RequestIds;
import sai.gateway.observe.RequestLog;
import sai.gateway.secrets.Secret;

import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * Signing in with the admin key, signing out, and the language switch. The key travels once, in the form's body; the
 * browser keeps only the session cookie, and the page never shows the key back.
 */
@Controller("/ui")
@Requires(condition = TenancyEnabled.class)
@ExecuteOn(TaskExecutors.BLOCKING)
class SignInController {

    private static final Logger LOG = LoggerFactory.getLogger(SignInController.class);
    private static final Set<String> LANGUAGES = Set.of("es", "en");
    /** Where the language switch may send the browser back to: the dashboard's own pages, nothing else. */
    private static final Set<String> PAGES = Set.of("", "sign-in", "tenants", "tenant", "keys", "key", "usage");

    private final UiSessions sessions;
    private final SignInAttempts attempts;
    private final UiConfiguration configuration;
    private final Secret adminKey;

    SignInController(UiSessions sessions, SignInAttempts attempts, UiConfiguration configuration, TenancyConfiguration tenancy) {
        this.sessions = sessions;
        this.attempts = attempts;
        this.configuration = configuration;
        this.adminKey = tenancy.admin().orElseThrow();
    }

    @Get(uri = "/sign-in", produces = MediaType.TEXT_HTML)
    HttpResponse<?> form(HttpRequest<?> request) {
        return HttpResponse.ok(view(request, null));
    }

    @Post(value = "/sign-in", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = MediaType.TEXT_HTML)
    HttpResponse<?> signIn(@Body("key") @Nullable String key, HttpRequest<?> request) {
        RequestLog log = new RequestLog(LOG, RequestIds.of(request));
        long wait = attempts.take(ClientIdentity.byAddress(request));
        if (wait > 0) {
            log.warn("[UI] sign-in refused | reason=too many attempts | retry_after={}s", wait);
            return HttpResponse.status(HttpStatus.TOO_MANY_REQUESTS).header("Retry-After", Long.toString(wait))
                    .body(view(request, "signin.tooMany"));
        }
        if (key == null || !adminKey.matches(key.strip())) {
            log.warn("[UI] sign-in refused | reason={}", key == null || key.isBlank() ? "no key" : "wrong admin key");
            return HttpResponse.status(HttpStatus.UNAUTHORIZED).body(view(request, "signin.wrong"));
        }
        UiSessions.Started started = sessions.start();
        log.info("[UI] signed in | session_expires={}", started.session().expiresAt());
        return HttpResponse.seeOther(URI.create("./"))
                .cookie(UiCookies.session(started.cookieValue(), configuration.sessionTtl(), request));
    }

    @Post(value = "/sign-out", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = MediaType.TEXT_HTML)
    HttpResponse<?> signOut(@Body(UiForms.CSRF_FIELD) @Nullable String csrf, HttpRequest<?> request) {
        UiForms.requireCsrf(request, csrf);
        sessions.end(request.getCookies().findCookie(UiCookies.SESSION).map(Cookie::getValue).orElse(null));
        new RequestLog(LOG, RequestIds.of(request)).info("[UI] signed out");
        return HttpResponse.seeOther(URI.create("sign-in")).cookie(UiCookies.sessionCleared(request));
    }

    @Get(uri = "/lang", produces = MediaType.TEXT_HTML)
    HttpResponse<?> lang(@QueryValue @Nullable String to, @QueryValue @Nullable String back, HttpRequest<?> request) {
        HttpResponse<?> response = HttpResponse.seeOther(back(back));
        return to != null && LANGUAGES.contains(to) ? ((io.micronaut.http.MutableHttpResponse<?>) response).cookie(UiCookies.lang(to, request)) : response;
    }

    /**
     * Back to the page the switch was on, query and all, when it is one of the dashboard's own pages: never anywhere
     * else (no scheme, no host, no path of its own), so the switch cannot be made to send a browser off the dashboard.
     */
    static URI back(@Nullable String back) {
        if (back == null || back.isEmpty()) {
            return URI.create("./");
        }
        int query = back.indexOf('?');
        String page = query < 0 ? back : back.substring(0, query);
        if (!PAGES.contains(page.equals("./") ? "" : page) || page.isEmpty() || back.chars().anyMatch(c -> c < 0x21 || c > 0x7e || c == '\\')) {
            return URI.create("./");
        }
        try {
            return URI.create(back);
        } catch (IllegalArgumentException malformed) {
            return URI.create(page);
        }
    }

    private static ModelAndView<Map<String, Object>> view(HttpRequest<?> request, @Nullable String error) {
        Map<String, Object> model = UiModel.page(request, "sign-in");
        if (error != null) {
            model.put("error", error);
        }
        model.put("insecure", UiCookies.insecureRemote(request));
        return new ModelAndView<>("ui/sign-in", model);
    }

}
