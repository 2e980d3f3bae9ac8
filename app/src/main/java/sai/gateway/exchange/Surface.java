package sai.gateway.exchange;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import sai.gateway.conversation.ChatRequest;
import sai.gateway.error.GatewayException;
import sai.gateway.sai.SaiAnswer;
import sai.gateway.tools.AssistantReply;

import java.util.Optional;

/**
 * One API surface (chat completions, Responses, legacy completions, Anthropic Messages) as the pipeline sees it:
 * it reads its request into the neutral one and shapes the answer, the stream and the failures it keeps for
 * itself. Everything between (model, credentials, budget, limits, SAI, tools) is the pipeline's.
 *
 * @param <R> the surface's own reading of a request: the neutral request plus what only its answer echoes
 */
public interface Surface<R> {

    /** Reads and validates the body; every problem is a {@code GatewayException} raised before SAI is called. */
    R read(byte[] body, HttpRequest<?> request);

    /** The neutral request inside the surface's own. */
    ChatRequest neutral(R request);

    /** The surface's name in usage records and logs: chat, responses, completions, messages. */
    String name();

    /** How the ids of this surface's answers start ({@code chatcmpl-}, {@code resp_}, {@code msg_}...). */
    String idPrefix();

    /** The complete answer to a request that did not ask for a stream. */
    MutableHttpResponse<?> answer(Exchange exchange, R request, AssistantReply reply, SaiAnswer answer);

    /** The events of one streamed answer. */
    SurfaceStream stream(Exchange exchange, R request);

    /**
     * A failure this surface answers itself rather than as an error response (chat completions'
     * {@code SAI_ERROR_STYLE=message}); empty for the error response in the surface's API shape.
     */
    default Optional<MutableHttpResponse<?>> answerFailure(Exchange exchange, R request, GatewayException error) {
        return Optional.empty();
    }
}
