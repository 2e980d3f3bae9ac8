package sai.gateway.admin;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.auth.AdminRoutes;
import sai.gateway.auth.GatewayAccessFilter;
import sai.gateway.database.TenancyConfiguration;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.error.AccessDeniedException;
import sai.gateway.error.ErrorRenderer;
import sai.gateway.observe.RequestIds;
import sai.gateway.observe.RequestLog;
import sai.gateway.secrets.Secret;


/**
 * The admin API answers only {@code Authorization: Bearer <GATEWAY_ADMIN_KEY>}: no virtual key, no gateway access
 * key, no {@code x-api-key}. The filter sees every request and decides by the route the router chose (any route of
 * this package) as well as by the path, so a spelling of the path the router still maps to an admin route
 * ({@code //admin/tenants}) is no way around it, and an unknown {@code /admin/...} path answers 401, not a 404 that
 * tells a stranger which paths exist.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@Requires(condition = TenancyEnabled.class)
public class AdminAccessFilter implements Ordered {

    /** Set on a request the admin key admitted, for filters after this one (the gateway's access filter need not check it again). */
    public static final String ADMITTED = AdminRoutes.ADMITTED;

    private static final Logger LOG = LoggerFactory.getLogger(AdminAccessFilter.class);
    private static final String PACKAGE = AdminAccessFilter.class.getPackageName();

    @Nullable
    private final Secret adminKey;
    private final ErrorRenderer renderer;

    public AdminAccessFilter(TenancyConfiguration configuration, ErrorRenderer renderer) {
        // Read once: a key file that later vanishes must not turn every admin call into a 500.
        this.adminKey = configuration.admin().filter(key -> !key.reveal().isBlank()).orElse(null);
        this.renderer = renderer;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request) {
        if (!isAdmin(request)) {
            return null;
        }
        String token = GatewayAccessFilter.bearerToken(request.getHeaders().get(HttpHeaders.AUTHORIZATION));
        if (adminKey != null && adminKey.matches(token)) {
            request.setAttribute(ADMITTED, Boolean.TRUE);
            return null;
        }
        // x-api-key alone counts as missing: the answer then says which header the admin key goes in.
        boolean presented = token != null;
        new RequestLog(LOG, RequestIds.of(request)).warn("[ADMIN] rejected {} {} | reason={}", request.getMethodName(), request.getPath(),
                presented ? "wrong admin key" : "admin key missing");
        return renderer.response(AccessDeniedException.admin(presented), request);
    }

    /** Whether the admin key admitted this request. */
    public static boolean admitted(HttpRequest<?> request) {
        return AdminRoutes.admitted(request);
    }

    static boolean isAdmin(HttpRequest<?> request) {
        boolean routed = RouteAttributes.getRouteInfo(request).map(RouteInfo::getDeclaringType)
                .map(type -> type.getPackageName().equals(PACKAGE)).orElse(false);
        return routed || isAdminPath(request.getPath());
    }

    static boolean isAdminPath(@Nullable String path) {
        return AdminRoutes.isAdminPath(path);
    }

    /** Before the gateway's access filter (HIGHEST_PRECEDENCE + 100), after the request id is assigned. */
    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE + 50;
    }
}
