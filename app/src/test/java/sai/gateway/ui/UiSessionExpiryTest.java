package sai.gateway.ui;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.SaiFakeTest;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A sign-in ends by itself after UI_SESSION_TTL: the cookie says so to the browser, and the server holds to it too. */
@MicronautTest(transactional = false)
class UiSessionExpiryTest extends SaiFakeTest {

    private static final String ADMIN_KEY = "ui-expiry-" + UUID.randomUUID();

    @Override
    protected Map<String, String> extraProperties() {
        Map<String, String> properties = UiClient.tenancyProperties(ADMIN_KEY, "ui-expiry");
        properties.put("ui.session-ttl", "2s");
        return properties;
    }

    @Test
    void aSessionPastItsLifetimeSendsTheBrowserBackToTheSignIn() throws Exception {
        UiClient operator = new UiClient(baseUrl());
        HttpResponse<String> signIn = operator.signIn(ADMIN_KEY);
        assertThat(signIn.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith(UiCookies.SESSION).contains("Max-Age=2"));
        assertThat(operator.get("/ui/").statusCode()).isEqualTo(200);

        // A browser would have dropped the cookie by now; one that kept it (or a copy of it) gets nothing more.
        Thread.sleep(2_500);

        HttpResponse<String> later = operator.get("/ui/");
        assertThat(later.statusCode()).isEqualTo(303);
        assertThat(later.headers().firstValue("Location")).hasValue("sign-in");
    }
}
