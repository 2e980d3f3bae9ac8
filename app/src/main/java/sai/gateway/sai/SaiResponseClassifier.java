package sai.gateway.sai;

import io.micronaut.core.annotation.Nullable;
import sai.gateway.auth.CredentialKind;
import sai.gateway.error.UpstreamException;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Function;

/** CONTRACT.md section 3, in one place: what each SAI status and body means for the client. */
public final class SaiResponseClassifier {

    private SaiResponseClassifier() {
    }

    /**
     * @param header reads a response header by name (null when absent)
     * @return the answer for a usable 2xx; otherwise throws the classified {@link UpstreamException}
     */
    public static SaiAnswer classify(int status, @Nullable String body, Function<String, String> header, CredentialKind credential) {
        if (status >= 200 && status < 300) {
            if (body == null || body.isBlank()) {
                throw UpstreamException.emptyAnswer();
            }
            return new SaiAnswer(body, tokens(header.apply("prompttokens")), tokens(header.apply("completiontokens")),
                    blankToNull(header.apply("model")));
        }
        String lower = body == null ? "" : body.toLowerCase(Locale.ROOT);
        if (status == 401) {
            throw UpstreamException.unauthorized(credential.unauthorizedMessageKey());
        }
        if (status == 429) {
            throw UpstreamException.rateLimited(retryAfterSeconds(header.apply("Retry-After")));
        }
        if (status == 413 || (status == 500 && (lower.contains("prompt is too long") || lower.contains("openaicompatible")))) {
            throw UpstreamException.contextTooLong();
        }
        if (status == 500) {
            throw UpstreamException.internalError();
        }
        if (status > 500) {
            throw UpstreamException.unavailable(status);
        }
        throw UpstreamException.rejected(status);
    }

    static long tokens(@Nullable String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Nullable
    static Long retryAfterSeconds(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            return Math.max(0, Long.parseLong(v));
        } catch (NumberFormatException notSeconds) {
            try {
                long seconds = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)).getSeconds();
                return Math.max(0, seconds);
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    @Nullable
    private static String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
