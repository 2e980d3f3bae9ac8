package sai.gateway.ui;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.LogCapture;
import sai.gateway.testing.SaiFakeTest;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard as a stranger and as a forged form see it: nothing but the sign-in page, its stylesheet and the
 * language switch answers without a session; every change needs the session's CSRF token and the dashboard's own
 * origin; every page carries a strict Content-Security-Policy; and the admin key is in no answer, cookie or log line.
 * Routes are read from the router and files from the jar's folder, so a new page or file is covered without being listed.
 */
@MicronautTest(transactional = false)
class UiSecurityTest extends SaiFakeTest {

    static final String ADMIN_KEY = "ui-admin-" + UUID.randomUUID();
    private static final String PACKAGE = UiSecurityTest.class.getPackageName();

    @Inject
    Router router;

    private LogCapture logs;

    @Override
    protected Map<String, String> extraProperties() {
        Map<String, String> properties = UiClient.tenancyProperties(ADMIN_KEY, "ui-security");
        properties.put("ui.sign-in-attempts-per-minute", "1000");
        return properties;
    }

    @BeforeAll
    void captureLogs() {
        logs = LogCapture.attachToRoot();
    }

    @AfterAll
    void releaseLogs() {
        logs.detach();
    }

    private record Route(String method, String path) {
    }

    /** Every route of the dashboard's controllers, with sample values for path variables. */
    private List<Route> routes() {
        return router.uriRoutes().filter(r -> r.getDeclaringType().getPackageName().equals(PACKAGE))
                .map(r -> new Route(r.getHttpMethodName(), expand(r))).distinct().toList();
    }

    private static String expand(UriRouteInfo<?, ?> route) {
        Map<String, Object> values = new HashMap<>();
        route.getUriMatchTemplate().getVariableNames().forEach(name -> values.put(name, "sample"));
        return route.getUriMatchTemplate().expand(values);
    }

    /** The dashboard's own files and uPlot's, as the jar serves them. */
    private static List<String> files() throws IOException, URISyntaxException {
        java.net.URI folder = Objects.requireNonNull(UiSecurityTest.class.getClassLoader().getResource("ui/static")).toURI();
        List<String> files = new ArrayList<>();
        // A directory here, a jar entry when this suite runs again through the Lambda handler (from app's test-jar).
        try (java.nio.file.FileSystem jar = folder.getScheme().equals("jar") ? java.nio.file.FileSystems.newFileSystem(folder, Map.of()) : null;
             Stream<Path> listed = Files.list(jar == null ? Path.of(folder) : jar.provider().getPath(folder))) {
            listed.forEach(file -> files.add("/ui/static/" + file.getFileName().toString().replace("/", "")));
        }
        files.add("/ui/vendor/uplot/uPlot.iife.min.js");
        files.add("/ui/vendor/uplot/uPlot.min.css");
        return files;
    }

    private boolean isPublic(String path) {
        return UiAccessFilter.PUBLIC.contains(path);
    }

    @Test
    void theEnumerationFindsThePagesAndTheFiles() throws Exception {
        assertThat(routes()).extracting(Route::path).contains("/ui", "/ui/sign-in", "/ui/sign-out", "/ui/lang");
        assertThat(files()).contains("/ui/static/ui.css", "/ui/static/ui.js");
    }

    @Test
    void withoutASessionPagesSendTheBrowserToTheSignInAndEverythingElseIs401() throws Exception {
        UiClient stranger = new UiClient(baseUrl());
        List<String> paths = new ArrayList<>(files());
        routes().stream().filter(r -> r.method().equals("GET")).map(Route::path).forEach(paths::add);
        paths.addAll(List.of("/ui/", "/ui/nothing-here", "/ui/static/nothing.js", "/ui/vendor/uplot/uPlot.iife.js"));

        for (String path : paths.stream().distinct().toList()) {
            HttpResponse<String> response = stranger.get(path);
            if (isPublic(path)) {
                assertThat(response.statusCode()).as(path).isIn(200, 303);
                continue;
            }
            if (UiAccessFilter.isPage(path)) {
                assertThat(response.statusCode()).as(path).isEqualTo(303);
                assertThat(response.headers().firstValue("Location")).as(path)
                        .hasValue(path.equals("/ui") ? "ui/sign-in" : "sign-in");
            } else {
                assertThat(response.statusCode()).as(path).isEqualTo(401);
            }
            assertThat(response.body()).as(path).doesNotContain("<html", "uPlot", "csrf");
        }
    }

    @Test
    void withASessionThePagesAndFilesAnswer() throws Exception {
        UiClient operator = new UiClient(baseUrl()).signedIn(ADMIN_KEY);
        for (String file : files()) {
            assertThat(operator.get(file).statusCode()).as(file).isEqualTo(200);
        }
        HttpResponse<String> overview = operator.get("/ui/");
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.body()).contains("<nav", "static/ui.js");
    }

    @Test
    void everyFormRefusesAPostWithoutTheSessionsCsrfTokenAndChangesNothing() {
        UiClient operator = new UiClient(baseUrl()).signedIn(ADMIN_KEY);
        String token = operator.csrf("/ui/");
        List<Route> posts = routes().stream().filter(r -> r.method().equals("POST") && !r.path().equals("/ui/sign-in")).toList();
        assertThat(posts).extracting(Route::path).contains("/ui/sign-out");

        for (Route route : posts) {
            assertThat(operator.post(route.path(), Map.of()).statusCode()).as("no token: " + route).isEqualTo(403);
            assertThat(operator.post(route.path(), Map.of("csrf", token + "x")).statusCode()).as("wrong token: " + route).isEqualTo(403);
            assertThat(operator.post(route.path(), Map.of("csrf", token), "Origin", "https://evil.example").statusCode())
                    .as("other origin: " + route).isEqualTo(403);
        }
        // The refused sign-outs did not end the session.
        assertThat(operator.get("/ui/").statusCode()).isEqualTo(200);
    }

    @Test
    void signingOutEndsTheSessionForEveryCopyOfTheCookie() {
        UiClient operator = new UiClient(baseUrl()).signedIn(ADMIN_KEY);
        String cookie = operator.sessionCookie();

        HttpResponse<String> out = operator.post("/ui/sign-out", Map.of("csrf", operator.csrf("/ui/")));

        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.headers().firstValue("Location")).hasValue("sign-in");
        assertThat(out.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith(UiCookies.SESSION + "=;").contains("Max-Age=0"));
        UiClient copy = new UiClient(baseUrl());
        copy.useSession(cookie);
        assertThat(copy.get("/ui/").statusCode()).isEqualTo(303);
    }

    @Test
    void aForgedOrTamperedCookieOpensNothing() {
        UiClient operator = new UiClient(baseUrl()).signedIn(ADMIN_KEY);
        String cookie = operator.sessionCookie();
        String id = cookie.substring(0, cookie.indexOf('.'));
        for (String forged : List.of(id, id + ".", id + "." + "A".repeat(43), (cookie.charAt(0) == 'x' ? "y" : "x") + cookie.substring(1), cookie + "A", "." + cookie,
                "%00", "ä.ö", "a".repeat(5000))) {
            UiClient forger = new UiClient(baseUrl());
            forger.useSession(forged);
            assertThat(forger.get("/ui/").statusCode()).as(forged).isEqualTo(303);
        }
    }

    @Test
    void everyPageCarriesAStrictContentSecurityPolicyAndTheFramingAndCachingHeaders() {
        UiClient operator = new UiClient(baseUrl()).signedIn(ADMIN_KEY);
        List<String> pages = new ArrayList<>(List.of("/ui/", "/ui/sign-in"));
        routes().stream().filter(r -> r.method().equals("GET") && UiAccessFilter.isPage(r.path()) && !r.path().equals("/ui")
                && !r.path().equals("/ui/lang") && !r.path().endsWith(".csv")).map(Route::path).forEach(pages::add);

        for (String page : pages.stream().distinct().toList()) {
            // As strict as any browser may be: text/html and nothing else.
            HttpResponse<String> response = operator.get(page, "Accept", "text/html");
            assertThat(response.statusCode()).as(page + " " + response.body()).isIn(200, 303);
            String csp = response.headers().firstValue("Content-Security-Policy").orElse("");
            assertThat(csp).as(page).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
                    "form-action 'self'").doesNotContain("unsafe-inline", "unsafe-eval", "*");
            assertThat(response.headers().firstValue("X-Frame-Options")).as(page).hasValue("DENY");
            assertThat(response.headers().firstValue("X-Content-Type-Options")).as(page).hasValue("nosniff");
            assertThat(response.headers().firstValue("Cache-Control")).as(page).hasValue("no-store");
            // Not no-referrer: under it a browser's form posts say "Origin: null", which the origin check refuses.
            assertThat(response.headers().firstValue("Referrer-Policy")).as(page).hasValue("same-origin");
            // No inline script or style for the policy to block: the page works as written.
            assertThat(response.body()).as(page).doesNotContainPattern("<script(?![^>]*\\ssrc=)[^>]*>").doesNotContain("<style", " style=", "onclick=", "javascript:");
        }
    }

    @Test
    void theSessionCookieIsHttpOnlyStrictAndExpiringAndSecureOffLocalhost() {
        HttpResponse<String> local = new UiClient(baseUrl()).signIn(ADMIN_KEY);
        String cookie = local.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(UiCookies.SESSION)).findFirst().orElseThrow();
        assertThat(cookie).contains("HTTPOnly", "SameSite=Strict", "Max-Age=28800").doesNotContain("Secure", "Path=");

        HttpResponse<String> proxied = new UiClient(baseUrl()).signIn(ADMIN_KEY);
        assertThat(proxied.statusCode()).isEqualTo(303);
        HttpResponse<String> behindTls = new UiClient(baseUrl()).post("/ui/sign-in", Map.of("key", ADMIN_KEY), "X-Forwarded-Proto", "https");
        assertThat(behindTls.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith(UiCookies.SESSION).contains("Secure"));
    }

    @Test
    void theAdminKeyIsInNoAnswerCookieOrLogLine() throws Exception {
        UiClient operator = new UiClient(baseUrl());
        HttpResponse<String> signIn = operator.signIn(ADMIN_KEY);
        List<HttpResponse<String>> seen = new ArrayList<>(List.of(signIn, operator.signIn("wrong-" + ADMIN_KEY)));
        operator.signedIn(ADMIN_KEY);
        for (String path : Stream.concat(files().stream(), routes().stream().filter(r -> r.method().equals("GET")).map(Route::path)).toList()) {
            seen.add(operator.get(path));
        }
        assertThat(operator.sessionCookie()).doesNotContain(ADMIN_KEY);
        for (HttpResponse<String> response : seen) {
            assertThat(response.body()).as(response.uri().toString()).doesNotContain(ADMIN_KEY);
            assertThat(response.headers().map().toString()).as(response.uri().toString()).doesNotContain(ADMIN_KEY);
        }
        assertThat(logs.text()).doesNotContain(ADMIN_KEY).contains("[UI] sign-in refused | reason=wrong admin key");
    }

    @Test
    void aPostFromAnotherSiteIsRefusedBeforeAnything() {
        HttpResponse<String> response = new UiClient(baseUrl()).post("/ui/sign-in", Map.of("key", ADMIN_KEY), "Origin", "https://evil.example");
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(UiClient.setCookie(response).isPresent()).isFalse();
    }

    @Test
    void malformedSignInFormsAreRefusedWithoutA500AndWithoutASession() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        List<String[]> bodies = List.of(new String[]{"application/x-www-form-urlencoded", "key=%ZZ%"},
                new String[]{"application/x-www-form-urlencoded", "key=" + "k".repeat(200_000)},
                new String[]{"application/x-www-form-urlencoded", "key&key=&=x"},
                new String[]{"application/json", "{\"key\":\"" + ADMIN_KEY + "\"}"},
                new String[]{"text/plain", "key=" + ADMIN_KEY},
                new String[]{"multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nnope\r\n--x--"});
        for (String[] body : bodies) {
            HttpResponse<String> response = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl() + "/ui/sign-in"))
                    .header("Content-Type", body[0]).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body[1])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(body[0] + " " + body[1].substring(0, Math.min(40, body[1].length()))).isBetween(400, 499);
            assertThat(UiClient.setCookie(response).isPresent()).isFalse();
        }
        HttpResponse<String> notUtf8 = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl() + "/ui/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[]{'k', 'e', 'y', '=', (byte) 0xFF, (byte) 0xFE})).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(notUtf8.statusCode()).isBetween(400, 499);
    }

    @Test
    void aSignedInPageThatFailsIsAPageWithTheMessageNotJson() {
        UiClient operator = new UiClient(baseUrl()).signedIn(ADMIN_KEY);

        HttpResponse<String> missing = operator.get("/ui/nothing-here");

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(missing.body()).contains("<nav", "role=\"alert\"", "404", "/ui/nothing-here").doesNotContain("\"error\":{");
        assertThat(missing.headers().firstValue("Content-Security-Policy")).isPresent();
    }
}
