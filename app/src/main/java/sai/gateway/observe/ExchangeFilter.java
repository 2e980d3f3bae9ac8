package sai.gateway.observe;

import io.micronaut.http.BasicHttpAttributes;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import io.micronaut.web.router.UriRouteMatch;
import io.opentelemetry.api.trace.Span;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Measures every request from arrival to its last byte: in-flight and open-stream gauges, the request
 * counter (route template, status, credential kind), the {@code x-gateway-overhead-ms} header and the
 * {@code x-ratelimit-*} and {@code x-cache} headers the limiter and the response cache left in the request's {@link ExchangeStats}.
 *
 * <p>{@code x-gateway-overhead-ms} is the time the response spent in the gateway minus the time spent
 * waiting for SAI (retries and their backoff included). A stream's headers leave before SAI answers, so on
 * a stream it is the gateway's time to the first byte.
 */
@Filter(Filter.MATCH_ALL_PATTERN)
public class ExchangeFilter implements HttpServerFilter {

    public static final String OVERHEAD_HEADER = "x-gateway-overhead-ms";
    /** HIT or MISS on every answer of an API surface while the response cache is on. */
    public static final String CACHE_HEADER = "x-cache";

    private final GatewayMetrics metrics;
    private final Tracing tracing;
    private final ExchangeListener[] listeners;

    public ExchangeFilter(GatewayMetrics metrics, Tracing tracing, List<ExchangeListener> listeners) {
        this.metrics = metrics;
        this.tracing = tracing;
        this.listeners = listeners.toArray(ExchangeListener[]::new);
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        ExchangeStats stats = new ExchangeStats(System.nanoTime());
        request.setAttribute(ExchangeStats.ATTRIBUTE, stats);
        Span span = tracing.serverSpan(request);
        stats.span(span);
        metrics.requestStarted();
        AtomicBoolean finished = new AtomicBoolean();
        // The status the client got, for the span: 500 if the request failed before any response.
        int[] status = {500};
        Runnable finish = () -> {
            if (finished.compareAndSet(false, true)) {
                metrics.requestFinished();
                if (tracing.enabled()) {
                    tracing.endServerSpan(span, request.getMethodName(), route(request, status[0]), status[0]);
                }
                for (ExchangeListener listener : listeners) {
                    listener.finished(request, status[0], stats);
                }
            }
        };
        AtomicBoolean responded = new AtomicBoolean();
        return Flux.<MutableHttpResponse<?>>from(chain.proceed(request))
                .<MutableHttpResponse<?>>map(response -> {
                    responded.set(true);
                    status[0] = response.code();
                    return leaving(request, response, stats, finish);
                })
                .doOnError(e -> finish.run())
                // The server cancels this publisher once it has the response; only a cancel before it (the client left) ends the request here.
                .doOnCancel(() -> {
                    if (!responded.get()) {
                        finish.run();
                    }
                });
    }

    private MutableHttpResponse<?> leaving(HttpRequest<?> request, MutableHttpResponse<?> response, ExchangeStats stats, Runnable finish) {
        response.header(OVERHEAD_HEADER, millis(System.nanoTime() - stats.startedNanos() - stats.saiNanos()));
        String cache = stats.cache();
        if (cache != null) {
            response.header(CACHE_HEADER, cache);
        }
        for (Map.Entry<String, String> header : stats.limitHeaders().entrySet()) {
            response.header(header.getKey(), header.getValue());
        }
        if (metrics.enabled()) {
            int status = response.code();
            metrics.request(route(request, status), status, stats.credential());
        }
        Object body = response.body();
        if (body instanceof Publisher<?> events) {
            metrics.streamOpened();
            AtomicBoolean closed = new AtomicBoolean();
            Runnable close = () -> {
                if (closed.compareAndSet(false, true)) {
                    metrics.streamClosed();
                    finish.run();
                }
            };
            @SuppressWarnings("unchecked")
            MutableHttpResponse<Object> streamed = (MutableHttpResponse<Object>) response;
            streamed.body(Flux.from(events).doFinally(signal -> close.run()));
        } else {
            finish.run();
        }
        return response;
    }

    /** The matched route's template (bounded by the routes that exist), never the path as sent. */
    private static String route(HttpRequest<?> request, int status) {
        return BasicHttpAttributes.getRouteMatchInfo(request)
                .filter(UriRouteMatch.class::isInstance)
                .map(match -> ((UriRouteMatch<?, ?>) match).getRouteInfo().getUriMatchTemplate().toString())
                .orElse(status == 404 ? "NOT_FOUND" : "UNMATCHED");
    }

    /** Milliseconds with three decimals, without String.format on the hot path. */
    static String millis(long nanos) {
        long micros = Math.max(0, nanos) / 1_000;
        long fraction = micros % 1_000;
        StringBuilder text = new StringBuilder().append(micros / 1_000).append('.');
        if (fraction < 100) {
            text.append('0');
        }
        if (fraction < 10) {
            text.append('0');
        }
        return text.append(fraction).toString();
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE + 10;
    }
}
