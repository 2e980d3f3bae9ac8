package sai.gateway.limits;

import io.github.bucket4j.BucketConfiguration;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Context;
import io.micronaut.http.HttpRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import sai.gateway.auth.ClientIdentity;
import sai.gateway.auth.CredentialPlan;
import sai.gateway.observe.RequestLog;
import sai.gateway.error.ClientLimitException;
import sai.gateway.observe.ExchangeStats;
import sai.gateway.observe.GatewayMetrics;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code RATE_LIMIT_RPM} and {@code TOKEN_QUOTA_DAILY} per client ({@link ClientIdentity}), checked after the
 * request is validated and before SAI is called; tokens are spent from SAI's usage once it has answered, so an
 * answer may overdraw the quota and the next request is refused. Every checked response carries OpenAI's
 * {@code x-ratelimit-*} headers; a refusal is a 429 in the OpenAI shape with {@code Retry-After}.
 */
@Context
public class ClientLimits {

    private static final Logger LOG = LoggerFactory.getLogger(ClientLimits.class);
    private static final long UNAVAILABLE_RETRY_SECONDS = 5;

    private final LimitsConfiguration config;
    private final GatewayMetrics metrics;
    private final LimitStore store;
    private final BucketConfiguration requests;
    private final BucketConfiguration tokens;
    private final StoreOutage outage;

    ClientLimits(LimitsConfiguration config, GatewayMetrics metrics, BeanProvider<LimitStore> stores, StoreOutage outage) {
        this.config = config;
        this.metrics = metrics;
        long rpm = config.requestsPerMinute();
        long perDay = config.tokensPerDay();
        this.requests = rpm == 0 ? null : BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(rpm).refillGreedy(rpm, Duration.ofMinutes(1))).build();
        this.tokens = perDay == 0 ? null : BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(perDay).refillIntervallyAligned(perDay, Duration.ofDays(1), nextUtcMidnight())).build();
        this.outage = outage;
        this.store = config.enabled() ? stores.get() : null;
        if (config.enabled()) {
            LOG.info("[LIMITS] per client: {} requests/min, {} tokens/day; kept {}; if Redis cannot be reached: fail {}",
                    rpm == 0 ? "unlimited" : rpm, perDay == 0 ? "unlimited" : perDay,
                    config.shared() ? "in Redis, shared by every replica" : "in this process", config.failOpen() ? "open" : "closed");
        }
    }

    public boolean enabled() {
        return store != null;
    }

    /** Completes empty when the request may go on, else fails with a {@link ClientLimitException}; records the headers to send either way. */
    public Mono<Void> admit(HttpRequest<?> request, CredentialPlan credentials, ExchangeStats stats, RequestLog log) {
        if (store == null) {
            return Mono.empty();
        }
        String client = ClientIdentity.of(request, credentials);
        stats.limitClient(client);
        Map<String, String> headers = new LinkedHashMap<>();
        CompletableFuture<Void> tokensChecked = tokens == null ? CompletableFuture.completedFuture(null)
                : store.tokensLeft("tpd:" + client, tokens).thenAccept(left -> checkTokens(headers, left));
        CompletableFuture<Void> checked = tokensChecked.thenCompose(ok -> requests == null ? CompletableFuture.completedFuture(null)
                : store.takeRequest("rpm:" + client, requests).thenAccept(probe -> {
                    headers.put("x-ratelimit-limit-requests", Long.toString(config.requestsPerMinute()));
                    headers.put("x-ratelimit-remaining-requests", Long.toString(probe.getRemainingTokens()));
                    headers.put("x-ratelimit-reset-requests", duration(probe.getNanosToWaitForReset()));
                    if (!probe.isConsumed()) {
                        metrics.rejected("requests");
                        throw ClientLimitException.requests(config.requestsPerMinute(), seconds(probe.getNanosToWaitForRefill()));
                    }
                }));
        return Mono.create(sink -> checked.whenComplete((ok, error) -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause == null || cause instanceof ClientLimitException) {
                storeAnswered();
                stats.limitHeaders(Map.copyOf(headers));
                if (cause == null) {
                    sink.success();
                } else {
                    log.warn("[LIMITS] refused: {}", ((ClientLimitException) cause).messageKey());
                    sink.error(cause);
                }
            } else if (storeFailed(cause)) {
                sink.success();
            } else {
                sink.error(ClientLimitException.storeUnavailable(UNAVAILABLE_RETRY_SECONDS));
            }
        }));
    }

    /**
     * Spends what SAI reported for an answer, before the answer is sent, so the client's next request sees it
     * wherever it lands. Never fails: the answer is already paid for.
     */
    public Mono<Void> spend(ExchangeStats stats, long used) {
        String client = stats.limitClient();
        if (tokens == null || client == null || used <= 0) {
            return Mono.empty();
        }
        return Mono.create(sink -> store.spendTokens("tpd:" + client, tokens, used).whenComplete((left, error) -> {
            if (error == null) {
                storeAnswered();
            } else {
                storeFailed(error);
            }
            sink.success();
        }));
    }

    private void checkTokens(Map<String, String> headers, long left) {
        long reset = Duration.between(Instant.now(), nextUtcMidnight()).toNanos();
        headers.put("x-ratelimit-limit-tokens", Long.toString(config.tokensPerDay()));
        headers.put("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, left)));
        headers.put("x-ratelimit-reset-tokens", duration(reset));
        if (left <= 0) {
            metrics.rejected("tokens");
            throw ClientLimitException.tokens(config.tokensPerDay(), seconds(reset));
        }
    }

    private boolean storeFailed(Throwable error) {
        return outage.failed(error);
    }

    private void storeAnswered() {
        outage.answered();
    }

    private static Instant nextUtcMidnight() {
        return LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Whole seconds to wait, at least one (Retry-After). */
    static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    /** OpenAI's reset format: {@code 17ms}, {@code 1s}, {@code 6m0s}, {@code 1h2m3s}. */
    static String duration(long nanos) {
        long millis = Math.max(0, (nanos + 999_999L) / 1_000_000L);
        if (millis < 1000) {
            return millis + "ms";
        }
        long secs = (millis + 999) / 1000;
        StringBuilder text = new StringBuilder();
        if (secs >= 3600) {
            text.append(secs / 3600).append('h');
        }
        if (secs >= 60) {
            text.append(secs % 3600 / 60).append('m');
        }
        return text.append(secs % 60).append('s').toString();
    }

}
