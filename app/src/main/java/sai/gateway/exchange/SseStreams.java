package sai.gateway.exchange;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import sai.gateway.config.GatewayConfiguration;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The shape every streamed answer shares, whatever the API surface: opening events at once, a
 * heartbeat (a comment, or the surface's own event) every {@code STREAM_HEARTBEAT_SECONDS} while SAI thinks (it does not stream and may
 * take minutes), then the events the answer, or its failure, becomes.
 */
@Singleton
public class SseStreams {

    private final GatewayConfiguration config;

    public SseStreams(GatewayConfiguration config) {
        this.config = config;
    }

    public <T> MutableHttpResponse<?> respond(Flux<byte[]> opening, byte[] heartbeat, Mono<T> answer, Function<T, Iterable<byte[]>> onAnswer,
                                              Function<Throwable, Iterable<byte[]>> onFailure) {
        // The client left (the server cancels the body): the SAI call ends too, rather than run on for nobody. cache() alone
        // never cancels its source, so the call's own subscription is cancelled. A call the response cache shares is its own
        // subscription there (ResponseCache.start) and runs on for the requests it was kept for.
        Upstream call = new Upstream();
        Mono<T> once = answer.doOnSubscribe(call::started).cache(); // one SAI call, observed by the heartbeat and the tail
        Flux<byte[]> heartbeats = !config.streamHeartbeats() ? Flux.empty() : Flux.interval(config.streamHeartbeat(), config.streamHeartbeat())
                .map(tick -> heartbeat)
                .takeUntilOther(once.materialize());
        // The answer's events leave in one write: SAI delivers the whole text at once, and one write per
        // event would only add syscalls and flushes.
        Mono<byte[]> rest = once.map(a -> join(onAnswer.apply(a))).onErrorResume(e -> Mono.just(join(onFailure.apply(e))));
        return sse(Flux.concat(opening, heartbeats, rest).doOnCancel(call::cancel));
    }

    /** The SAI call's subscription, cancelled when the body is, even if the body is cancelled before the call started. */
    private static final class Upstream extends AtomicReference<Subscription> {

        private static final Subscription CANCELLED = Operators.cancelledSubscription();

        void started(Subscription subscription) {
            if (!compareAndSet(null, subscription)) {
                subscription.cancel();
            }
        }

        void cancel() {
            Subscription previous = getAndSet(CANCELLED);
            if (previous != null) {
                previous.cancel();
            }
        }
    }

    static byte[] join(Iterable<byte[]> events) {
        int size = 0;
        for (byte[] event : events) {
            size += event.length;
        }
        byte[] all = new byte[size];
        int at = 0;
        for (byte[] event : events) {
            System.arraycopy(event, 0, all, at, event.length);
            at += event.length;
        }
        return all;
    }

    public static MutableHttpResponse<?> sse(Flux<byte[]> events) {
        return HttpResponse.ok(events)
                .contentType(MediaType.TEXT_EVENT_STREAM_TYPE)
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no");
    }
}
