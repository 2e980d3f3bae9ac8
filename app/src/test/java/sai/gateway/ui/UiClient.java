package sai.gateway.ui;

import com.fasterxml.jackson.databind.JsonNode;
import sai.gateway.testing.Json;
import sai.gateway.usage.UsageExplorer;
import sai.gateway.usage.UsageRecorder;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A browser's view of the dashboard over plain HTTP, for the tests that need no real browser: it signs in with the
 * form, keeps the session cookie, never follows redirects (the tests look at them), and reads the CSRF token out of a
 * page as a browser submitting the form would send it. What the pages are to show, the tests set up through the
 * gateway's other doors, with this client too: tenants and keys through the JSON admin API, requests with those keys.
 */
public final class UiClient {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private String session;
    private String language;
    /** The session's CSRF token, read from the overview the first time a form needs it. */
    private String token;

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
        setCookie(response).ifPresent(this::useSession);
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
        token = null;
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
        return postForm(path, form(fields), headers);
    }

    /**
     * A form post as the page's own form sends it: this session's CSRF token first, then {@code pairs} (name, value,
     * name, value…; a name may repeat, as a form's checkboxes do).
     */
    public HttpResponse<String> submit(String path, String... pairs) {
        List<String> all = new ArrayList<>(List.of("csrf", csrf()));
        all.addAll(List.of(pairs));
        return postPairs(path, all.toArray(String[]::new));
    }

    /** A form post of exactly {@code pairs}, in their order: no CSRF token unless it is among them. */
    public HttpResponse<String> postPairs(String path, String... pairs) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (!body.isEmpty()) {
                body.append('&');
            }
            body.append(encode(pairs[i])).append('=').append(encode(pairs[i + 1]));
        }
        return postForm(path, body.toString());
    }

    /** This session's CSRF token, as its pages put it in their forms. */
    public String csrf() {
        if (token == null) {
            token = csrf("/ui/");
        }
        return token;
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

    // ---- the other doors: the JSON admin API and the chat API ----

    /** A tenant made through the admin API with {@code adminKey}: its id. */
    public String createTenant(String adminKey, String name) {
        return admin(adminKey, "/admin/tenants", "{\"name\":" + Json.quote(name) + "}").path("id").asText();
    }

    /** A key of the tenant made through the admin API: its id and its secret ({@code key}); {@code extraFields} go into its JSON. */
    public JsonNode createKey(String adminKey, String tenantId, String name, String extraFields) {
        return admin(adminKey, "/admin/keys", "{\"tenant_id\":\"" + tenantId + "\",\"name\":" + Json.quote(name) + extraFields + "}");
    }

    /** A chat request with that key (as {@link #createKey} answered it) for {@code model}. */
    public HttpResponse<String> chat(JsonNode key, String model) {
        return postJson("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "Authorization", "Bearer " + key.path("key").asText());
    }

    /** POSTs JSON, without an Origin: an API client, not a page. */
    public HttpResponse<String> postJson(String path, String json, String... headers) {
        List<String> all = new ArrayList<>(List.of("Content-Type", "application/json"));
        all.addAll(List.of(headers));
        return send(builder(path, all.toArray(String[]::new)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /**
     * Waits until the usage rows of {@code [from, now]} count {@code requests}: a request's row is handed to the
     * writer when its last byte has left, which can be just after the client read it, so one flush may come too early.
     */
    public static void awaitRecorded(UsageRecorder recorder, UsageExplorer explorer, Instant from, long requests) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        long counted;
        do {
            assertThat(recorder.flush(Duration.ofSeconds(5))).isTrue();
            counted = explorer.series(from, Instant.now().plusSeconds(60), Duration.ofHours(1), UsageExplorer.Filter.NONE).totals().requests();
            if (counted == requests) {
                return;
            }
            assertThat(counted).as("usage rows").isLessThan(requests);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("usage rows never reached " + requests + ": " + counted);
    }

    // ---- reading answers ----

    public static Optional<String> setCookie(HttpResponse<?> response) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(UiCookies.SESSION + "="))
                .map(c -> c.substring(UiCookies.SESSION.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'))).findFirst();
    }

    /** Where a redirect points, as the page wrote it; null when the answer is none. */
    public static String location(HttpResponse<?> response) {
        return response.headers().firstValue("Location").orElse(null);
    }

    /** The status and the start of the body, for an assertion's description. */
    public static String shown(HttpResponse<String> response) {
        String body = response.body();
        return response.statusCode() + " " + (body.length() > 3000 ? body.substring(0, 3000) + "…" : body);
    }

    public static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private JsonNode admin(String adminKey, String path, String json) {
        HttpResponse<String> response = postJson(path, json, "Authorization", "Bearer " + adminKey);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Json.parse(response.body());
    }

    /** The body as a browser on the dashboard's own page sends a form: form-urlencoded, with the page's Origin unless one is given. */
    private HttpResponse<String> postForm(String path, String body, String... headers) {
        List<String> all = new ArrayList<>(List.of("Content-Type", "application/x-www-form-urlencoded"));
        List<String> given = List.of(headers);
        boolean ownOrigin = java.util.stream.IntStream.range(0, given.size() / 2).noneMatch(i -> given.get(2 * i).equalsIgnoreCase("Origin"));
        if (ownOrigin) {
            all.addAll(List.of("Origin", origin()));
        }
        all.addAll(given);
        return send(builder(path, all.toArray(String[]::new)).POST(HttpRequest.BodyPublishers.ofString(body)).build());
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
