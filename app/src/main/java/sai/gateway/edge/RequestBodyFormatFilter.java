package sai.gateway.edge;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;
import sai.gateway.text.Printable;

import java.util.List;
import java.util.Locale;

/**
 * The API routes read their body as UTF-8 JSON, sent uncompressed; anything else is a 415 before the body is
 * read. A route's {@code consumes} alone lets a request without a Content-Type (or with an unparseable one)
 * through, and Netty would inflate a compressed body itself, answering 500 when the bytes are not what the
 * header says. No OpenAI SDK compresses a request and the old gateway never inflated one, so no coding is taken.
 */
// Each route with and without the one trailing slash Micronaut's router also serves it under.
@ServerFilter(patterns = {"/v1/chat/completions", "/v1/chat/completions/", "/chat/completions", "/chat/completions/",
        "/v1/completions", "/v1/completions/", "/completions", "/completions/", "/v1/responses", "/v1/responses/",
        "/v1/messages", "/v1/messages/", "/messages", "/messages/", "/v1/messages/count_tokens", "/v1/messages/count_tokens/",
        "/messages/count_tokens", "/messages/count_tokens/",
        "/responses", "/responses/"}, methods = HttpMethod.POST)
public class RequestBodyFormatFilter implements Ordered {

    private static final String JSON = "application/json";

    @RequestFilter
    public void check(HttpRequest<?> request) {
        HttpHeaders headers = request.getHeaders();
        List<String> encodings = headers.getAll(HttpHeaders.CONTENT_ENCODING);
        if (!encodings.stream().allMatch(RequestBodyFormatFilter::isIdentity)) {
            throw InvalidRequestException.keyed(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "unsupported_content_encoding", null,
                    Printable.oneLine(String.join(", ", encodings), RequestEdgeHandler.ECHOED_CHARS));
        }
        List<String> types = headers.getAll(HttpHeaders.CONTENT_TYPE);
        if (types.size() != 1 || !isJsonInUtf8(types.get(0))) {
            throw new InvalidRequestException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, null,
                    types.isEmpty() ? "none" : Printable.oneLine(String.join(", ", types), RequestEdgeHandler.ECHOED_CHARS));
        }
    }


    private static boolean isIdentity(String encoding) {
        return encoding.isBlank() || encoding.strip().equalsIgnoreCase("identity");
    }

    /** {@code application/json}, in any case, with any parameters, but a charset (if named) of UTF-8: the body is read as UTF-8. */
    static boolean isJsonInUtf8(@Nullable String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase(JSON)) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            int equals = parts[i].indexOf('=');
            if (equals > 0 && parts[i].substring(0, equals).strip().equalsIgnoreCase("charset")) {
                String charset = parts[i].substring(equals + 1).strip().replace("\"", "").toLowerCase(Locale.ROOT);
                if (!charset.equals("utf-8") && !charset.equals("utf8")) {
                    return false;
                }
            }
        }
        return true;
    }

    /** After the access check: a caller without a valid key learns nothing about what the route accepts. */
    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE + 200;
    }
}
