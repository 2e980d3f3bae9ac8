package sai.gateway.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's own meters, scraped at {@code /prometheus} when {@code METRICS_ENABLED=true}. Every label
 * value comes from a closed set (route templates, HTTP statuses, credential kinds, the models of
 * {@code SAI_MODELS}): never a key, a hash of one, a raw path or message text.
 *
 * <p>With metrics off there is no registry; the meters then live in an empty composite registry, where
 * they are no-ops, so callers never check.
 */
@Singleton
public class GatewayMetrics {

    private static final Duration[] SAI_LATENCY_BUCKETS = {
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
            Duration.ofSeconds(120), Duration.ofSeconds(300), Duration.ofSeconds(600)};

    private final MeterRegistry registry;
    private final boolean enabled;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger openStreams = new AtomicInteger();
    private final AtomicInteger breaker = new AtomicInteger();
    private final Counter retries;
    private final Counter fallbacks;
    private final Counter cacheHits;
    private final Counter cacheMisses;
    private final Counter cacheEvictions;
    private final Counter cacheTokensSaved;
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();
    private final Map<String, Timer> saiLatency = new ConcurrentHashMap<>();
    private final Map<String, Counter> tokens = new ConcurrentHashMap<>();
    private final Map<String, Counter> rejections = new ConcurrentHashMap<>();
    private final Map<String, Counter> breakerChanges = new ConcurrentHashMap<>();

    public GatewayMetrics(@Nullable MeterRegistry registry) {
        this.registry = registry == null ? new CompositeMeterRegistry() : registry;
        this.enabled = registry != null;
        Gauge.builder("sai.gateway.requests.in.flight", inFlight, AtomicInteger::get)
                .description("Requests received and not yet answered in full (streams until their last event)").register(this.registry);
        Gauge.builder("sai.gateway.streams.open", openStreams, AtomicInteger::get)
                .description("Event streams sending or waiting for SAI").register(this.registry);
        Gauge.builder("sai.gateway.sai.breaker.state", breaker, AtomicInteger::get)
                .description("The SAI circuit breaker: 0 closed, 1 open (calls refused), 2 half-open (one call probes SAI)").register(this.registry);
        this.retries = Counter.builder("sai.gateway.sai.retries").description("Retries of transient SAI failures").register(this.registry);
        this.fallbacks = Counter.builder("sai.gateway.sai.fallbacks")
                .description("Calls retried with the system cookie after SAI answered 429").register(this.registry);
        this.cacheHits = Counter.builder("sai.gateway.cache.hits")
                .description("Answers served from the response cache, without calling SAI").register(this.registry);
        this.cacheMisses = Counter.builder("sai.gateway.cache.misses")
                .description("Requests the response cache could not answer (no entry, Cache-Control: no-cache or no-store, Redis down)")
                .register(this.registry);
        this.cacheEvictions = Counter.builder("sai.gateway.cache.evictions")
                .description("Answers the in-memory response cache dropped, for size or age (Redis expires its own)").register(this.registry);
        this.cacheTokensSaved = Counter.builder("sai.gateway.cache.tokens.saved")
                .description("Tokens (prompt + completion) of the answers served from the response cache").register(this.registry);
    }

    /** False with {@code METRICS_ENABLED=false}: callers may skip work done only to label a meter. */
    public boolean enabled() {
        return enabled;
    }

    public void requestStarted() {
        inFlight.incrementAndGet();
    }

    public void requestFinished() {
        inFlight.decrementAndGet();
    }

    public void streamOpened() {
        openStreams.incrementAndGet();
    }

    public void streamClosed() {
        openStreams.decrementAndGet();
    }

    /** Requests this replica is answering now, whether or not metrics are on (the dashboard shows it). */
    public int inFlight() {
        return inFlight.get();
    }

    /** Event streams this replica has open now, whether or not metrics are on. */
    public int openStreams() {
        return openStreams.get();
    }

    /** One answered request; {@code route} is the route's template, not the path the client sent. */
    public void request(String route, int status, String credential) {
        if (!enabled) {
            return;
        }
        String key = route + '\n' + status + '\n' + credential;
        requests.computeIfAbsent(key, k -> Counter.builder("sai.gateway.requests")
                .description("Requests by route template, HTTP status and the kind of credential that paid")
                .tag("route", route).tag("status", Integer.toString(status)).tag("credential", credential)
                .register(registry)).increment();
    }

    /** One attempt at SAI; {@code outcome} is SAI's HTTP status, or {@code timeout} / {@code unreachable}. */
    public void saiCall(String outcome, long nanos) {
        if (!enabled) {
            return;
        }
        saiLatency.computeIfAbsent(outcome, o -> Timer.builder("sai.gateway.sai.latency")
                .description("Time SAI took to answer one attempt, by SAI's status")
                .tag("outcome", o)
                .serviceLevelObjectives(SAI_LATENCY_BUCKETS)
                .register(registry)).record(Duration.ofNanos(nanos));
    }

    public void retry() {
        retries.increment();
    }

    public void fallback() {
        fallbacks.increment();
    }

    public void cacheHit(long tokensSaved) {
        cacheHits.increment();
        cacheTokensSaved.increment(tokensSaved);
    }

    public void cacheMiss() {
        cacheMisses.increment();
    }

    public void cacheEviction() {
        cacheEvictions.increment();
    }

    /** The SAI circuit breaker changed state ({@code closed}, {@code open}, {@code half_open}); rare, so never on the hot path. */
    public void breakerState(String state, int value) {
        breaker.set(value);
        if (!enabled) {
            return;
        }
        breakerChanges.computeIfAbsent(state, s -> Counter.builder("sai.gateway.sai.breaker.transitions")
                .description("Changes of the SAI circuit breaker's state, by the state entered")
                .tag("state", s).register(registry)).increment();
    }

    /** Usage SAI reported; {@code model} is one of {@code SAI_MODELS}. */
    public void tokens(String model, long prompt, long completion) {
        if (!enabled) {
            return;
        }
        tokenCounter(model, "in").increment(prompt);
        tokenCounter(model, "out").increment(completion);
    }

    /** A request refused by the gateway's own limits; {@code limit} is {@code requests} or {@code tokens}. */
    public void rejected(String limit) {
        if (!enabled) {
            return;
        }
        rejections.computeIfAbsent(limit, l -> Counter.builder("sai.gateway.ratelimit.rejections")
                .description("Requests refused with 429 by RATE_LIMIT_RPM or TOKEN_QUOTA_DAILY")
                .tag("limit", l).register(registry)).increment();
    }

    private Counter tokenCounter(String model, String direction) {
        return tokens.computeIfAbsent(model + '\n' + direction, k -> Counter.builder("sai.gateway.tokens")
                .description("Tokens SAI reported, in (prompt) and out (completion), by model")
                .tag("model", model).tag("direction", direction).register(registry));
    }
}
