package sai.gateway.lifecycle;

import jakarta.inject.Singleton;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import sai.gateway.error.ShuttingDownException;

/**
 * The end of the grace period, as a signal the request path can race its SAI call against. When
 * {@link ShutdownDrainLog} finds requests still open after {@code SHUTDOWN_GRACE_SECONDS}, it {@link #cut()}s:
 * every answer still awaited fails at once with {@link ShuttingDownException}, which the usual paths turn into
 * what a client can act on (a 503 with Retry-After, or a stream's final error event) while the server can
 * still write it. Without this the process would stop with those connections open and silent.
 */
@Singleton
public class ShutdownCutoff {

    private final Sinks.Empty<Void> over = Sinks.empty();

    /** {@code answer}, unless the grace period ends first; then the SAI call is cancelled and the answer fails. */
    public <T> Mono<T> bounded(Mono<T> answer) {
        return answer.or(over.asMono().then(Mono.error(ShuttingDownException::new)));
    }

    /** The grace period is over: every bounded answer still pending fails now, and any started later fails at once. */
    public void cut() {
        over.tryEmitEmpty();
    }
}
