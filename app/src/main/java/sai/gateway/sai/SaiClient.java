package sai.gateway.sai;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import sai.gateway.config.SaiConfiguration;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.UpstreamException;
import sai.gateway.observe.GatewayMetrics;
import sai.gateway.observe.RequestLog;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Executes the SAI template (CONTRACT.md section 1) with exactly one credential header, and retries
 * only transient failures (refused or reset connections, 5xx other than 500) with exponential backoff
 * and jitter, behind {@link SaiCircuitBreaker}. The caller bounds the whole exchange by {@code REQUEST_TIMEOUT}.
 *
 * <p>The retry policy is Reactor's, built once from configuration. Micronaut's {@code @Retryable}
 * re-resolved its {@code ${...}} attributes on every call, which profiling showed as a tenth of the
 * gateway's CPU time under load.
 */
@Singleton
public class SaiClient {

    private static final String ACCEPT = "application/json, text/plain, */*";
    private static final int PREVIEW = 200;
    private static final Pattern LINE_BREAKS = Pattern.compile("[\\r\\n]+");
    private static final Logger LOG = LoggerFactory.getLogger(SaiClient.class);

    private final HttpClient http;
    private final SaiEndpoint endpoint;
    private final int timeoutSeconds;
    private final Retry retry;
    private final SaiCircuitBreaker breaker;
    private final GatewayMetrics metrics;

    public SaiClient(@Named("sai") HttpClient http, SaiEndpoint endpoint, SaiConfiguration sai, SaiCircuitBreaker breaker,
                     GatewayMetrics metrics) {
        this.metrics = metrics;
        this.http = http;
        this.endpoint = endpoint;
        this.breaker = breaker;
        this.timeoutSeconds = sai.requestTimeoutSeconds();
        this.retry = Retry.backoff(sai.maxRetries(), sai.retryDelay())
                .jitter(0.25)
                .filter(new TransientFailurePredicate())
                .doBeforeRetry(signal -> metrics.retry())
                .onRetryExhaustedThrow((spec, signal) -> signal.failure());
    }

    /**
     * The call with its retries, behind the circuit breaker: the whole retry schedule is one outcome for the
     * breaker, so {@code SAI_BREAKER_FAILURES} counts requests, whatever {@code MAX_RETRIES} is.
     */
    public Mono<SaiAnswer> execute(SaiCall call) {
        RequestLog log = call.log().with(LOG);
        return Mono.defer(() -> {
            breaker.admit(log);
            return attempts(log, call)
                    .doOnSuccess(answer -> breaker.answered(log))
                    .doOnError(e -> outcome(log, e));
        });
    }

    /** The refusal a call would get from the circuit breaker now, if any; nothing is taken from it. */
    public Optional<UpstreamException> refusalNow() {
        return breaker.refusalNow();
    }

    private Mono<SaiAnswer> attempts(RequestLog log, SaiCall call) {
        return Mono.defer(() -> {
            long started = System.nanoTime();
            log.info("[SERVER -> SAI] POST template | auth={} | body={} bytes | model={} | timeout={}s",
                    call.credential().kind().label(), call.body().length, call.modelOverride().orElse("template default"), timeoutSeconds);
            return Mono.from(http.exchange(request(call), Argument.STRING, Argument.STRING))
                    .map(response -> classify(log, call, response, started))
                    .onErrorMap(e -> !(e instanceof UpstreamException), e -> failure(log, call, e, started));
        }).retryWhen(retry);
    }

    /** SAI down (what is retried) counts against SAI; anything SAI answered shows it is up; a timeout says neither. */
    private void outcome(RequestLog log, Throwable failure) {
        if (!(failure instanceof UpstreamException upstream) || upstream.code() == ErrorCode.UPSTREAM_TIMEOUT) {
            return;
        }
        if (upstream.retryable()) {
            breaker.down(log);
        } else {
            breaker.answered(log);
        }
    }

    private MutableHttpRequest<byte[]> request(SaiCall call) {
        MutableHttpRequest<byte[]> request = HttpRequest.POST(endpoint.uri(call.modelOverride()), call.body())
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .header("Accept", ACCEPT)
                .header(call.credential().kind().header(), call.credential().value().reveal());
        call.traceHeaders().forEach(request::header);
        return request;
    }

    private SaiAnswer classify(RequestLog log, SaiCall call, HttpResponse<String> response, long started) {
        String body = response.getBody(String.class).orElse(null);
        metrics.saiCall(Integer.toString(response.code()), System.nanoTime() - started);
        log.debug("[SAI -> SERVER] HTTP {} | {} ms | {} chars", response.code(), millisSince(started), body == null ? 0 : body.length());
        return SaiResponseClassifier.classify(response.code(), body, name -> response.getHeaders().get(name), call.credential().kind());
    }

    private UpstreamException failure(RequestLog log, SaiCall call, Throwable error, long started) {
        if (error instanceof HttpClientResponseException responseError) {
            HttpResponse<?> response = responseError.getResponse();
            String body = response.getBody(String.class).orElse("");
            metrics.saiCall(Integer.toString(response.code()), System.nanoTime() - started);
            log.warn("[SAI -> SERVER] HTTP {} | {} ms | body preview: {}", response.code(), millisSince(started), preview(body, call));
            try {
                SaiResponseClassifier.classify(response.code(), body, name -> response.getHeaders().get(name), call.credential().kind());
                return UpstreamException.internalError(); // a 2xx cannot arrive as an error; be safe anyway
            } catch (UpstreamException classified) {
                return classified;
            }
        }
        if (error instanceof ReadTimeoutException) {
            metrics.saiCall("timeout", System.nanoTime() - started);
            log.warn("[SAI -> SERVER] no answer within {}s", timeoutSeconds);
            return UpstreamException.timeout(timeoutSeconds);
        }
        metrics.saiCall("unreachable", System.nanoTime() - started);
        if (error instanceof HttpClientException) {
            log.warn("[SAI -> SERVER] connection to {} failed after {} ms: {}", endpoint.printable(), millisSince(started), cause(error));
            return UpstreamException.unreachable();
        }
        log.error("[SAI -> SERVER] unexpected failure calling {}: {}", endpoint.printable(), cause(error));
        return UpstreamException.unreachable();
    }

    /**
     * What went wrong at the bottom of the chain ({@code ConnectException: Connection refused},
     * {@code UnknownHostException: sai.example}, a TLS complaint), on one bounded line: the wrappers above it
     * only say that a connection failed.
     */
    private String cause(Throwable error) {
        Throwable root = error;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 16; depth++) {
            root = root.getCause();
        }
        String text = root.getMessage() == null ? root.getClass().getSimpleName() : root.getClass().getSimpleName() + ": " + root.getMessage();
        return oneLine(endpoint.scrub(text));
    }

    /** Upstream bodies can carry internals: logs get a short single-line preview, with our credential masked. */
    private static String preview(String body, SaiCall call) {
        String secret = call.credential().value().reveal();
        return oneLine(secret.isEmpty() ? body : body.replace(secret, "[redacted]"));
    }

    /** SAI's words in our log: one line, {@value #PREVIEW} characters at most. */
    private static String oneLine(String text) {
        String oneLine = LINE_BREAKS.matcher(text).replaceAll(" ");
        return oneLine.length() > PREVIEW ? oneLine.substring(0, PREVIEW) + "..." : oneLine;
    }

    private static long millisSince(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
