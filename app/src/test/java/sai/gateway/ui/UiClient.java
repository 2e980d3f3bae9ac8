package sai.gateway.ui;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser's view of the dashboard over plain HTTP, for the tests that need no real browser: it signs in with the
 * form, keeps the session cookie, never follows redirects (the tests look at them), and reads the CSRF token out of a
 * page as a browser submitting the form would send it.
 */
public final class UiClient {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private String session;
    private String language;

    public UiClient(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** Tenancy (and so the dashboard) on: the admin key, an in-memory H2 of its own, the usage spool in a temp dir. */
    public static Map<String, String> tenancyProperties(String adminKey, String databaseName) {
        Map<String, String> properties = new java.util.HashMap<>();
        properties.put("tenancy.admin-key", adminKey);
        properties.put("tenancy.database-url", "jdbc:h2:mem:" + databaseName + "-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try {
            properties.put("tenancy.data-dir", java.nio.file.Files.createTempDirectory("ui-test").toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return properties;
    }

    public String base() {
        return base;
    }

    /** Signs in with {@code key}; answers the sign-in response (303 and a cookie when the key is right). */
    public HttpResponse<String> signIn(String key) {
        HttpResponse<String> response = post("/ui/sign-in", Map.of("key", key));
        setCookie(response).ifPresent(value -> session = value);
        return response;
    }

    public UiClient signedIn(String key) {
        HttpResponse<String> response = signIn(key);
        if (response.statusCode() != 303 || session == null) {
            throw new AssertionError("sign-in failed: " + response.statusCode() + " " + response.body());
        }
        return this;
    }

    public String sessionCookie() {
        return session;
    }

    public void useSession(String value) {
        session = value;
    }

    /** Sends the language cookie (sai_ui_lang) too, as the language switch leaves it in a browser. */
    public UiClient language(String tag) {
        language = tag;
        return this;
    }

    public HttpResponse<String> get(String path, String... headers) {
        return send(builder(path, headers).GET().build());
    }

    /** POSTs the form as a browser on the dashboard's own page would: form-urlencoded, with the page's Origin. */
    public HttpResponse<String> post(String path, Map<String, String> fields, String... headers) {
        List<String> all = new ArrayList<>(List.of("Content-Type", "application/x-www-form-urlencoded"));
        List<String> given = List.of(headers);
        boolean ownOrigin = java.util.stream.IntStream.range(0, given.size() / 2).noneMatch(i -> given.get(2 * i).equalsIgnoreCase("Origin"));
        if (ownOrigin) {
            all.addAll(List.of("Origin", origin()));
        }
        all.addAll(given);
        return send(builder(path, all.toArray(String[]::new)).POST(HttpRequest.BodyPublishers.ofString(form(fields))).build());
    }

    /** The CSRF token the page at {@code path} puts in its forms. */
    public String csrf(String path) {
        HttpResponse<String> page = get(path);
        Matcher matcher = CSRF.matcher(page.body());
        if (!matcher.find()) {
            throw new AssertionError("no CSRF field on " + path + " (" + page.statusCode() + ")");
        }
        return matcher.group(1);
    }

    public String origin() {
        URI uri = URI.create(base);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    public static Optional<String> setCookie(HttpResponse<?> response) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(UiCookies.SESSION + "="))
                .map(c -> c.substring(UiCookies.SESSION.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'))).findFirst();
    }

    public static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private HttpRequest.Builder builder(String path, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        List<String> cookies = new ArrayList<>();
        if (session != null) {
            cookies.add(UiCookies.SESSION + "=" + session);
        }
        if (language != null) {
            cookies.add(UiCookies.LANG + "=" + language);
        }
        if (!cookies.isEmpty()) {
            builder.header("Cookie", String.join("; ", cookies));
        }
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
