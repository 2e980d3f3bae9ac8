package sai.gateway.ui;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** What every form handler does first: the form must carry the session's CSRF token, or it changes nothing. */
final class UiForms {

    static final String CSRF_FIELD = "csrf";

    private UiForms() {
    }

    /** A form post's fields, once they are known to carry the session's token. */
    static UiFormFields checked(HttpRequest<?> request, @Nullable byte[] body) {
        UiFormFields fields = body != null && body.length > 0 ? UiFormFields.parse(body) : UiFormFields.of(request);
        requireCsrf(request, fields.first(CSRF_FIELD));
        return fields;
    }

    static UiSession requireCsrf(HttpRequest<?> request, @Nullable String token) {
        UiSession session = session(request);
        if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                session.csrfToken().getBytes(StandardCharsets.UTF_8))) {
            throw new UiCsrfException();
        }
        return session;
    }

    static UiSession session(HttpRequest<?> request) {
        return request.getAttribute(UiSession.ATTRIBUTE, UiSession.class).orElseThrow(UiCsrfException::new);
    }

    /** A form without the session's token: answered 403 by {@link UiErrorHandler}. */
    static final class UiCsrfException extends RuntimeException {
        UiCsrfException() {
            super("The form's CSRF token is missing or not this session's", null, false, false);
        }
    }
}
