package sai.gateway.observe;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.opentelemetry.api.trace.Span;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The numbers of one request, gathered along its path and read once when its response leaves: when it
 * arrived, how long it waited for SAI, which credential paid, and the rate-limit headers to send.
 * Reactive steps write from several threads, hence the atomics and volatiles.
 */
public final class ExchangeStats {

    public static final String ATTRIBUTE = "sai.gateway.exchange-stats";
    /** Before the credential chain ran: refused input, models, health, metrics. */
    public static final String NO_CREDENTIAL = "none";
    /** The 429 retry with the system cookie paid for the answer. */
    public static final String FALLBACK = "cookie fallback";
    public static final String CACHE_HIT = "HIT";
    public static final String CACHE_MISS = "MISS";

    private final long startedNanos;
    private final AtomicLong saiNanos = new AtomicLong();
    private volatile String credential = NO_CREDENTIAL;
    private volatile Map<String, String> limitHeaders = Map.of();
    private volatile String limitClient;
    private volatile Span span = Span.getInvalid();
    // For the usage record (tenancy on): what the request was and how it went. Unset until the pipeline knows.
    private volatile String surface;
    private volatile String model = "";
    private volatile boolean stream;
    private volatile String tenantId;
    private volatile String keyId;
    private volatile long promptTokens;
    private volatile long completionTokens;
    private volatile String errorCode;
    private volatile boolean cacheHit;
    private volatile long tokensSaved;
    private volatile String cache;

    public ExchangeStats(long startedNanos) {
        this.startedNanos = startedNanos;
    }

    /** The stats the exchange filter attached, or fresh ones for code running outside that filter. */
    public static ExchangeStats of(HttpRequest<?> request) {
        return request.getAttribute(ATTRIBUTE, ExchangeStats.class).orElseGet(() -> {
            ExchangeStats stats = new ExchangeStats(System.nanoTime());
            request.setAttribute(ATTRIBUTE, stats);
            return stats;
        });
    }

    public long startedNanos() {
        return startedNanos;
    }

    public void addSaiNanos(long nanos) {
        saiNanos.addAndGet(Math.max(0, nanos));
    }

    public long saiNanos() {
        return saiNanos.get();
    }

    /** A label of {@code CredentialKind}, {@link #FALLBACK} or {@link #NO_CREDENTIAL}: never a value. */
    public void credential(String label) {
        this.credential = label;
    }

    public String credential() {
        return credential;
    }

    /** The {@code x-ratelimit-*} headers the limiter computed for this request. */
    public void limitHeaders(@Nullable Map<String, String> headers) {
        this.limitHeaders = headers == null ? Map.of() : headers;
    }

    public Map<String, String> limitHeaders() {
        return limitHeaders;
    }

    /** The request's trace span (invalid when tracing is off): SAI calls are its children. */
    public void span(Span span) {
        this.span = span;
    }

    public Span span() {
        return span;
    }

    /** The hashed client identity the limits counted this request against; null when limits are off. */
    public void limitClient(String client) {
        this.limitClient = client;
    }

    @Nullable
    public String limitClient() {
        return limitClient;
    }

    /** The API surface that read the request (chat, responses, completions, messages); null for every other route. */
    public void surface(String surface) {
        this.surface = surface;
    }

    @Nullable
    public String surface() {
        return surface;
    }

    public void request(String model, boolean stream) {
        this.model = model;
        this.stream = stream;
    }

    public String model() {
        return model;
    }

    public boolean stream() {
        return stream;
    }

    /** The virtual key that was presented and its tenant (ids only). */
    public void key(String tenantId, String keyId) {
        this.tenantId = tenantId;
        this.keyId = keyId;
    }

    @Nullable
    public String tenantId() {
        return tenantId;
    }

    @Nullable
    public String keyId() {
        return keyId;
    }

    /** What SAI reported for the answer. */
    public void tokens(long prompt, long completion) {
        this.promptTokens = prompt;
        this.completionTokens = completion;
    }

    public long promptTokens() {
        return promptTokens;
    }

    public long completionTokens() {
        return completionTokens;
    }

    /** The error code the client got (an error response, or a stream's final error event). */
    public void errorCode(String code) {
        this.errorCode = code;
    }

    @Nullable
    public String errorCode() {
        return errorCode;
    }

    /** The response cache's verdict for the {@code x-cache} header: {@link #CACHE_MISS} until a hit; null with the cache off. */
    public void cache(String state) {
        this.cache = state;
    }

    @Nullable
    public String cache() {
        return cache;
    }

    /** The answer came from the response cache: SAI did not spend {@code tokensSaved}. */
    public void cacheHit(long tokensSaved) {
        this.cacheHit = true;
        this.tokensSaved = tokensSaved;
        this.cache = CACHE_HIT;
    }

    public boolean cacheHit() {
        return cacheHit;
    }

    public long tokensSaved() {
        return tokensSaved;
    }
}
