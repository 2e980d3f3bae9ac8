package sai.gateway.cache;

import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.Locale;

/**
 * The request's {@code Cache-Control} (RFC 9111 section 5.2.1) as far as the response cache honours it: {@code no-cache}
 * means "do not answer me from the cache" (the answer SAI gives then replaces the entry), {@code no-store} means "keep
 * nothing of this exchange". {@code Pragma: no-cache} is the HTTP/1.0 spelling of the first. Other directives are ignored.
 */
final class CacheDirectives {

    private CacheDirectives() {
    }

    /** @return whether the cache may be read, and whether written, as a ticket for {@code key}. */
    static CacheTicket ticket(String key, List<String> cacheControl, @Nullable String pragma) {
        boolean read = true;
        boolean write = true;
        for (String header : cacheControl) {
            for (String directive : header.split(",")) {
                // A directive may carry an argument (no-cache="set-cookie"); its name decides here.
                String name = directive.strip();
                int equals = name.indexOf('=');
                name = (equals < 0 ? name : name.substring(0, equals)).strip().toLowerCase(Locale.ROOT);
                if (name.equals("no-cache")) {
                    read = false;
                } else if (name.equals("no-store")) {
                    read = false;
                    write = false;
                }
            }
        }
        if (pragma != null && pragma.toLowerCase(Locale.ROOT).contains("no-cache")) {
            read = false;
        }
        return new CacheTicket(key, read, write);
    }
}
