package sai.gateway.observe;

import io.micronaut.http.HttpRequest;

import java.util.concurrent.ThreadLocalRandom;

/** The 8-character id that ties every log line of a request together and is returned as {@code x-request-id}. */
public final class RequestIds {

    public static final String HEADER = "x-request-id";
    public static final String MDC_KEY = "requestId";
    static final String ATTRIBUTE = "sai.gateway.request-id";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {
    }

    /** A fresh id, for a refusal the HTTP layer answers before any filter could assign one. */
    public static String newId() {
        // Mixed with the clock: instances restored from one SnapStart snapshot share ThreadLocalRandom's seeds.
        long bits = ThreadLocalRandom.current().nextLong() ^ (System.nanoTime() * 0x9E3779B97F4A7C15L);
        char[] id = new char[8];
        for (int i = 0; i < 8; i++) {
            id[i] = HEX[(int) (bits >>> (i * 4)) & 0xf];
        }
        return new String(id);
    }

    /** Whether {@link RequestIdFilter} ran for this request. */
    public static boolean assigned(HttpRequest<?> request) {
        return request.getAttribute(ATTRIBUTE).isPresent();
    }

    /** The id the filter assigned, or a fresh one for code running outside a request. */
    public static String of(HttpRequest<?> request) {
        return request.getAttribute(ATTRIBUTE, String.class).orElseGet(RequestIds::newId);
    }
}
