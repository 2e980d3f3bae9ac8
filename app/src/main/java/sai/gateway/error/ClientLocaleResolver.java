package sai.gateway.error;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;
import sai.gateway.config.GatewayConfiguration;

import java.util.List;
import java.util.Locale;

/** Picks the message language: a supported {@code Accept-Language} wins, else {@code GATEWAY_LOCALE}. */
@Singleton
public class ClientLocaleResolver {

    private static final List<Locale> SUPPORTED = List.of(Locale.forLanguageTag("es"), Locale.ENGLISH);

    private final Locale fallback;

    public ClientLocaleResolver(GatewayConfiguration configuration) {
        this.fallback = configuration.defaultLocale();
    }

    public Locale resolve(@Nullable HttpRequest<?> request) {
        return fromHeader(request == null ? null : request.getHeaders().get(HttpHeaders.ACCEPT_LANGUAGE));
    }

    /** From the raw header, where no framework request exists (a refusal at the HTTP layer). */
    public Locale fromHeader(@Nullable String header) {
        if (header == null || header.isBlank()) {
            return fallback;
        }
        try {
            Locale match = Locale.lookup(Locale.LanguageRange.parse(header), SUPPORTED);
            return match != null ? match : fallback;
        } catch (RuntimeException malformed) {
            // IllegalArgumentException as documented, but the JDK's parser also throws ArrayIndexOutOfBoundsException
            // (a header of just "-"; found by HostileInputTest): a bad header falls back, it never fails the request.
            return fallback;
        }
    }
}
