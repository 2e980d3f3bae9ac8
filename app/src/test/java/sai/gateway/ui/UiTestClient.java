package sai.gateway.ui;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;

import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard as a browser without JavaScript uses it: signs in with the admin key through the form, keeps the
 * session cookie, sends forms as {@code application/x-www-form-urlencoded} with the page's CSRF token, and does not
 * follow redirects, so a test sees each 303 and where it points.
 */
final class UiTestClient implements AutoCloseable {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\"\\s+value=\"([^\"]+)\"");
    private static final Pattern SESSION = Pattern.compile("sai_ui_session=([^;]+)");

    private final HttpClient client;
    private String session = "";
    private String language = "en";
    private String csrf = "";

    UiTestClient(URL server) {
        DefaultHttpClientConfiguration configuration = new DefaultHttpClientConfiguration();
        configuration.setFollowRedirects(false);
        this.client = HttpClient.create(server, configuration);
    }

    UiTestClient signIn(String adminKey) {
        Answer answer = send(HttpRequest.POST("/ui/sign-in", "key=" + encode(adminKey))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE));
        assertThat(answer.status()).as("sign-in").isEqualTo(303);
        Matcher cookie = SESSION.matcher(String.join("\n", answer.headers().getAll(HttpHeaders.SET_COOKIE)));
        assertThat(cookie.find()).as("session cookie").isTrue();
        session = cookie.group(1);
        csrf = csrfOf(get("/ui/").body());
        return this;
    }

    UiTestClient language(String tag) {
        language = tag;
        return this;
    }

    String csrf() {
        return csrf;
    }

    Answer get(String path) {
        return send(HttpRequest.GET(path));
    }

    /** A form post with this session's token; {@code pairs} are name/value pairs, a name may repeat. */
    Answer post(String path, String... pairs) {
        String[] all = new String[pairs.length + 2];
        all[0] = "csrf";
        all[1] = csrf;
        System.arraycopy(pairs, 0, all, 2, pairs.length);
        return postWithout(path, all);
    }

    /** A form post exactly as given: no token unless among the pairs. */
    Answer postWithout(String path, String... pairs) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (!body.isEmpty()) {
                body.append('&');
            }
            body.append(encode(pairs[i])).append('=').append(encode(pairs[i + 1]));
        }
        return send(HttpRequest.POST(path, body.toString()).contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE));
    }

    static String csrfOf(String page) {
        Matcher token = CSRF.matcher(page);
        assertThat(token.find()).as("a csrf field in the page").isTrue();
        return token.group(1);
    }

    private Answer send(MutableHttpRequest<?> request) {
        request.header(HttpHeaders.COOKIE, "sai_ui_lang=" + language + (session.isEmpty() ? "" : "; sai_ui_session=" + session));
        HttpResponse<?> response;
        try {
            response = client.toBlocking().exchange(request, String.class);
        } catch (HttpClientResponseException refused) {
            response = refused.getResponse();
        }
        return new Answer(response.code(), response.getBody(String.class).orElse(""), response.getHeaders());
    }

    /** An answer as the test reads it: status, body, headers. */
    record Answer(int status, String body, HttpHeaders headers) {

        String location() {
            return headers.get(HttpHeaders.LOCATION);
        }

        @Override
        public String toString() {
            return status + " " + (body.length() > 3000 ? body.substring(0, 3000) + "…" : body);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        client.close();
    }
}
