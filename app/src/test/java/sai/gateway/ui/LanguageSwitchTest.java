package sai.gateway.ui;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The language switch returns to the page it was on, with its query, and never anywhere off the dashboard. */
class LanguageSwitchTest {

    @ParameterizedTest
    @CsvSource({"tenant?id=ten_1,tenant?id=ten_1", "keys?q=ci&status=active&offset=20,keys?q=ci&status=active&offset=20",
            "./?range=7d,./?range=7d", "./,./", "usage,usage", "sign-in,sign-in",
            // A query no URI can hold (the page's own query arrives percent-encoded): the page without it.
            "tenant?id=<script>,tenant"})
    void backToTheDashboardPageItWasOn(String back, String location) {
        assertThat(SignInController.back(back)).hasToString(location);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example/", "//evil.example/ui/", "../admin/tenants", "/ui/keys", "nope", "tenant/../../x",
            "tenant?id=1\r\nSet-Cookie: x=1", "tenant\\evil", "javascript:alert(1)", "?x=1", " tenants"})
    void anywhereElseIsTheOverview(String back) {
        assertThat(SignInController.back(back)).hasToString("./");
    }
}
