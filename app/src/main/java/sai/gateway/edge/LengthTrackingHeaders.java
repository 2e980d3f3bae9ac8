package sai.gateway.edge;

import io.netty.handler.codec.DefaultHeaders;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;

/**
 * Request headers that remember a Content-Length sent beside a Transfer-Encoding. Netty's decoder does not
 * refuse such a request (RFC 9112 section 6.3 says to treat it as an error and close the connection: it is how
 * request smuggling starts); it removes the Content-Length and carries on, which leaves nothing to see
 * afterwards. This is the one place the removal can be noticed.
 */
final class LengthTrackingHeaders extends DefaultHttpHeaders {

    private boolean bothLengths;

    private LengthTrackingHeaders(DefaultHeaders.NameValidator<CharSequence> names, DefaultHeaders.ValueValidator<CharSequence> values) {
        super(names, values);
    }

    /** Whether the request came with both Transfer-Encoding and Content-Length. */
    static boolean hadBothLengths(HttpHeaders headers) {
        return headers instanceof LengthTrackingHeaders tracking && tracking.bothLengths;
    }

    @Override
    public HttpHeaders remove(CharSequence name) {
        if (!bothLengths && HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name) && contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            bothLengths = true;
        }
        return super.remove(name);
    }

    /** Netty's own headers factory, with the same validation, making tracking headers for each request. */
    static HttpHeadersFactory factory(DefaultHttpHeadersFactory validation) {
        return new HttpHeadersFactory() {
            @Override
            public HttpHeaders newHeaders() {
                return new LengthTrackingHeaders(validation.getNameValidator(), validation.getValueValidator());
            }

            @Override
            public HttpHeaders newEmptyHeaders() {
                return validation.newEmptyHeaders();
            }
        };
    }
}
