package sai.gateway.ui;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteInfo;
import sai.gateway.auth.AdminRoutes;
import sai.gateway.database.TenancyConfiguration;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.ErrorRenderer;
import sai.gateway.error.InvalidRequestException;

/**
 * The dashboard exists only with {@code GATEWAY_ADMIN_KEY}: without it every {@code /ui} path, static files included,
 * is the 404 of any unknown URL. With it, {@link UiAccessFilter} guards the paths {@code /ui} and {@code /ui/**}; this filter closes every
 * other spelling the router might still map to a dashboard route ({@code //ui/keys}), so none skips the sign-in. It
 * runs on every request and only compares strings, on the event loop.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class UiPathGuard implements Ordered {

    private static final String PACKAGE = UiPathGuard.class.getPackageName();

    private final boolean enabled;
    private final ErrorRenderer renderer;

    UiPathGuard(TenancyConfiguration tenancy, ErrorRenderer renderer) {
        this.enabled = tenancy.enabled();
        this.renderer = renderer;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request) {
        String path = request.getPath();
        boolean uiPath = AdminRoutes.isUiPath(path);
        boolean routed = RouteAttributes.getRouteInfo(request).map(RouteInfo::getDeclaringType)
                .map(type -> type.getPackageName().equals(PACKAGE)).orElse(false);
        if (!uiPath && !routed) {
            return null;
        }
        if (!enabled) {
            // The answer any unknown URL gets: without the admin key there is no dashboard, not a closed one.
            return renderer.response(new InvalidRequestException(ErrorCode.UNKNOWN_URL, null, request.getMethodName(), path), request);
        }
        return canonical(path) ? null : notFound();
    }

    /** Exactly the spelling {@link UiAccessFilter}'s patterns see. */
    static boolean canonical(String path) {
        return (path.equals("/ui") || path.startsWith("/ui/")) && !path.contains("//") && !path.contains("/.");
    }

    static HttpResponse<?> notFound() {
        return HttpResponse.notFound("Not found\n").contentType(MediaType.TEXT_PLAIN_TYPE);
    }

    /** Before the admin API's and the gateway's access filters. */
    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE + 40;
    }
}
