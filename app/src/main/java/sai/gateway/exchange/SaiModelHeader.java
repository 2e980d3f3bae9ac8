package sai.gateway.exchange;

import io.micronaut.http.MutableHttpResponse;
import sai.gateway.sai.SaiAnswer;

/**
 * {@code x-sai-model}: the model SAI says answered (its {@code model} header), on plain answers. The body's
 * {@code model} is always the catalog id the request resolved to, the same on every surface and every stream
 * event; a stream cannot carry this header, because its headers leave before SAI answers.
 */
public final class SaiModelHeader {

    public static final String NAME = "x-sai-model";

    private SaiModelHeader() {
    }

    public static <T> MutableHttpResponse<T> add(MutableHttpResponse<T> response, SaiAnswer answer) {
        return answer.model() == null ? response : response.header(NAME, answer.model());
    }
}
