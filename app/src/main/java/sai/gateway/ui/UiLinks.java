package sai.gateway.ui;

import io.micronaut.core.annotation.Nullable;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Links between the dashboard's pages: relative to the page (see {@link UiPaths}), with the query's empty parameters left out. */
final class UiLinks {

    private UiLinks() {
    }

    /** {@code page?name=value&...} from name/value pairs; a null or empty value is left out. */
    static String to(String page, @Nullable Object... pairs) {
        StringBuilder link = new StringBuilder(page);
        char separator = '?';
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            Object value = pairs[i + 1];
            if (value == null || value.toString().isEmpty()) {
                continue;
            }
            link.append(separator).append(encode(pairs[i].toString())).append('=').append(encode(value.toString()));
            separator = '&';
        }
        return link.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
