package sai.gateway.limits;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Context;
import reactor.core.publisher.Mono;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.error.ClientLimitException;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;
import sai.gateway.observe.ExchangeStats;
import sai.gateway.observe.GatewayMetrics;
import sai.gateway.observe.RequestLog;
import sai.gateway.tenancy.KeyDirectory;
import sai.gateway.tenancy.KeyGrant;
import sai.gateway.tenancy.Limits;
import sai.gateway.tenancy.ModelBudget;
import io.micronaut.core.annotation.Nullable;
import sai.gateway.usage.UsageTotals;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A virtual key's and its tenant's limits, checked before SAI is called: the models they allow (403), the daily and
 * monthly token budgets (429 {@code budget_exceeded}), tokens per minute and requests per minute (429 with
 * {@code x-ratelimit-*}). Both levels apply; a key's 0 leaves its tenant's. Counters live in the same store as the
 * per-client limits (Redis with {@code REDIS_URL}, shared by every replica). In memory, a budget's counter starts
 * from the database's total for its period, so a restart does not hand out a fresh budget.
 *
 * <p>Tokens are known only after SAI answers: an answer may overdraw a budget, and the next request is refused.
 */
@Context
@Requires(condition = TenancyEnabled.class)
public class KeyLimits {

    private static final long UNAVAILABLE_RETRY_SECONDS = 5;

    private final LimitStore store;
    private final StoreOutage outage;
    private final GatewayMetrics metrics;
    private final UsageTotals totals;
    private final Map<String, BucketConfiguration> configurations = new ConcurrentHashMap<>();
    private volatile Map<String, Long> spentBeforeStart;

    /** @param directory first: the database is opened and checked there, so its problems are reported as configuration lines */
    KeyLimits(KeyDirectory directory, LimitStore store, StoreOutage outage, GatewayMetrics metrics, UsageTotals totals) {
        this.store = store;
        this.outage = outage;
        this.metrics = metrics;
        this.totals = totals;
        // At startup, never on a request: a slow database must not hold an answer.
        loadSpent(Instant.now());
    }

    /** Refuses a model the key or its tenant does not allow; raised before anything is counted. */
    public void checkModel(KeyGrant grant, String model, List<String> configured) {
        if (!grant.allows(model)) {
            throw InvalidRequestException.keyed(ErrorCode.MODEL_NOT_ALLOWED, "model_not_allowed", "model", model,
                    String.join(", ", grant.allowedModels(configured)));
        }
    }

    /** Completes empty when the request may go on, else fails with a {@link ClientLimitException}; records the headers to send either way. */
    public Mono<Void> admit(KeyGrant grant, String model, ExchangeStats stats, RequestLog log) {
        Instant now = Instant.now();
        Map<String, String> headers = new LinkedHashMap<>();
        List<CompletableFuture<Void>> tokenChecks = new ArrayList<>();
        for (Scope scope : scopes(grant)) {
            for (Budget budget : budgets(scope, model)) {
                tokenChecks.add(check(budget, now));
            }
            if (scope.limits.tokensPerMinute() > 0) {
                long perMinute = scope.limits.tokensPerMinute();
                tokenChecks.add(store.tokensLeft(scope.prefix + "tpm", perMinute(perMinute)).thenAccept(left -> {
                    headers.putIfAbsent("x-ratelimit-limit-tokens", Long.toString(perMinute));
                    headers.putIfAbsent("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, left)));
                    headers.putIfAbsent("x-ratelimit-reset-tokens", ClientLimits.duration(refillNanos(perMinute, left)));
                    if (left <= 0) {
                        metrics.rejected("tokens");
                        throw ClientLimitException.keyTokens(scope.tenant, perMinute, ClientLimits.seconds(refillNanos(perMinute, left)));
                    }
                }));
            }
        }
        CompletableFuture<Void> checked = CompletableFuture.allOf(tokenChecks.toArray(CompletableFuture[]::new));
        // Requests are taken only once the token checks passed, the key's first: a refused request takes nothing from the tenant.
        for (Scope scope : scopes(grant)) {
            long rpm = scope.limits.requestsPerMinute();
            if (rpm > 0) {
                checked = checked.thenCompose(ok -> store.takeRequest(scope.prefix + "rpm", perMinute(rpm)).thenAccept(probe -> {
                    requestHeaders(headers, rpm, probe);
                    if (!probe.isConsumed()) {
                        metrics.rejected("requests");
                        throw ClientLimitException.keyRequests(scope.tenant, rpm, ClientLimits.seconds(probe.getNanosToWaitForRefill()));
                    }
                }));
            }
        }
        CompletableFuture<Void> done = checked;
        return Mono.create(sink -> done.whenComplete((ok, error) -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause == null || cause instanceof ClientLimitException) {
                outage.answered();
                Map<String, String> merged = new LinkedHashMap<>(stats.limitHeaders());
                merged.putAll(headers);
                stats.limitHeaders(Map.copyOf(merged));
                if (cause == null) {
                    sink.success();
                } else {
                    log.warn("[LIMITS] refused: {} | tenant={} | key={}", ((ClientLimitException) cause).messageKey(), grant.tenant().id(), grant.key().id());
                    sink.error(cause);
                }
            } else if (outage.failed(cause)) {
                sink.success();
            } else {
                sink.error(ClientLimitException.storeUnavailable(UNAVAILABLE_RETRY_SECONDS));
            }
        }));
    }

    /** Spends what SAI reported against every budget and per-minute bucket of the key and its tenant. Never fails. */
    public Mono<Void> spend(KeyGrant grant, String model, long used) {
        if (used <= 0) {
            return Mono.empty();
        }
        Instant now = Instant.now();
        List<CompletableFuture<Long>> spent = new ArrayList<>();
        for (Scope scope : scopes(grant)) {
            for (Budget budget : budgets(scope, model)) {
                spent.add(store.spendTokens(budget.key(now), budgetConfiguration(budget, now), used));
            }
            if (scope.limits.tokensPerMinute() > 0) {
                spent.add(store.spendTokens(scope.prefix + "tpm", perMinute(scope.limits.tokensPerMinute()), used));
            }
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(spent.toArray(CompletableFuture[]::new));
        return Mono.create(sink -> all.whenComplete((ok, error) -> {
            if (error == null) {
                outage.answered();
            } else {
                outage.failed(error);
            }
            sink.success();
        }));
    }

    /** What is left of each budget and limit, for {@code GET /v1/me}: never takes anything. */
    public CompletableFuture<Map<String, Long>> remaining(KeyGrant grant) {
        Instant now = Instant.now();
        Map<String, Long> left = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> reads = new ArrayList<>();
        for (Scope scope : scopes(grant)) {
            String level = scope.tenant ? "tenant." : "key.";
            for (Budget budget : budgets(scope, null)) {
                String name = level + (budget.scope.model == null ? "" : "model." + budget.scope.model + ".") + budget.limitName();
                reads.add(leftOf(budget, now).thenAccept(v -> left.put(name, Math.max(0, v))));
            }
            if (scope.limits.tokensPerMinute() > 0) {
                reads.add(store.tokensLeft(scope.prefix + "tpm", perMinute(scope.limits.tokensPerMinute()))
                        .thenAccept(v -> left.put(level + "tokens_per_minute", Math.max(0, v))));
            }
        }
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(ok -> Map.copyOf(left));
    }

    /** When a budget's period ends (UTC): the next midnight, or the first of next month. */
    public static Instant resetOf(boolean monthly, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return monthly ? YearMonth.from(today).plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()
                : today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /**
     * A scope's budgets that apply to a request for {@code model}: the day's and the month's, and that model's own
     * (with {@code model} null, every model's, for {@code /v1/me}). Only those set (above 0).
     */
    private static List<Budget> budgets(Scope scope, @Nullable String model) {
        List<Budget> budgets = new ArrayList<>(4);
        addIfSet(budgets, scope, false, scope.limits.tokensPerDay());
        addIfSet(budgets, scope, true, scope.limits.tokensPerMonth());
        scope.modelBudgets.forEach((name, budget) -> {
            if (model == null || name.equals(model)) {
                Scope own = scope.forModel(name);
                addIfSet(budgets, own, false, budget.tokensPerDay());
                addIfSet(budgets, own, true, budget.tokensPerMonth());
            }
        });
        return budgets;
    }

    private static void addIfSet(List<Budget> budgets, Scope scope, boolean monthly, long limit) {
        if (limit > 0) {
            budgets.add(new Budget(scope, monthly, limit));
        }
    }

    /** Tokens left in a budget, its bucket started from the database's total when this process has not seen it. */
    private CompletableFuture<Long> leftOf(Budget budget, Instant now) {
        return store.tokensLeft(budget.key(now), budgetConfiguration(budget, now), () -> spentBefore(budget.scope, budget.monthly, now));
    }

    private CompletableFuture<Void> check(Budget budget, Instant now) {
        return leftOf(budget, now).thenAccept(left -> {
            if (left <= 0) {
                metrics.rejected("budget");
                Instant reset = resetOf(budget.monthly, now);
                long wait = ClientLimits.seconds(Duration.between(now, reset).toNanos());
                Scope scope = budget.scope;
                throw scope.model == null ? ClientLimitException.budget(scope.tenant, budget.monthly, budget.limit, reset.toString(), wait)
                        : ClientLimitException.modelBudget(scope.tenant, budget.monthly, scope.model, budget.limit, reset.toString(), wait);
            }
        });
    }

    private BucketConfiguration budgetConfiguration(Budget budget, Instant now) {
        boolean monthly = budget.monthly;
        long limit = budget.limit;
        Instant reset = resetOf(monthly, now);
        // Refilled only when the period is over, by which time the next period's bucket (its own key) is in use; the
        // refill bounds how long Redis keeps the old one.
        // The reset as epoch seconds: Instant.toString formatted a date for every request.
        return configurations.computeIfAbsent((monthly ? "month:" : "day:") + limit + ":" + reset.getEpochSecond(), k -> BucketConfiguration.builder()
                .addLimit(bandwidth -> bandwidth.capacity(limit).refillIntervallyAligned(limit, monthly ? Duration.ofDays(31) : Duration.ofDays(1), reset))
                .build());
    }

    private BucketConfiguration perMinute(long perMinute) {
        return configurations.computeIfAbsent("minute:" + perMinute, k -> BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1))).build());
    }

    /** Tokens the database recorded for this scope in this period before the process started (0 if it cannot say). */
    private long spentBefore(Scope scope, boolean monthly, Instant now) {
        Map<String, Long> spent = spentBeforeStart;
        if (spent == null) {
            spent = loadSpent(now);
        }
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        String level = (scope.tenant ? "tenant:" + scope.id : "key:" + scope.id) + (scope.model == null ? "" : ":model:" + scope.model);
        if (!monthly) {
            return spent.getOrDefault(level + ":day:" + today, 0L);
        }
        long sum = 0;
        for (LocalDate day = today.withDayOfMonth(1); !day.isAfter(today); day = day.plusDays(1)) {
            sum += spent.getOrDefault(level + ":day:" + day, 0L);
        }
        return sum;
    }

    private synchronized Map<String, Long> loadSpent(Instant now) {
        if (spentBeforeStart == null) {
            Map<String, Long> loaded;
            try {
                loaded = totals.tokensByScopeSince(LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1));
            } catch (RuntimeException e) {
                // The key directory read the same database at startup; if it is away now, budgets start from what this process counts.
                loaded = Map.of();
            }
            spentBeforeStart = Map.copyOf(loaded);
        }
        return spentBeforeStart;
    }

    private static void requestHeaders(Map<String, String> headers, long rpm, ConsumptionProbe probe) {
        headers.putIfAbsent("x-ratelimit-limit-requests", Long.toString(rpm));
        headers.putIfAbsent("x-ratelimit-remaining-requests", Long.toString(probe.getRemainingTokens()));
        headers.putIfAbsent("x-ratelimit-reset-requests", ClientLimits.duration(probe.getNanosToWaitForReset()));
    }

    /** How long until a per-minute bucket with {@code left} tokens (maybe below zero) has one again. */
    private static long refillNanos(long perMinute, long left) {
        long missing = Math.max(1, 1 - left);
        return Duration.ofMinutes(1).toNanos() / perMinute * missing;
    }

    private static List<Scope> scopes(KeyGrant grant) {
        return List.of(new Scope(false, grant.key().id(), grant.key().limits(), grant.key().modelBudgets()),
                new Scope(true, grant.tenant().id(), grant.tenant().limits(), grant.tenant().modelBudgets()));
    }

    /** A daily or monthly token budget of a scope (of one model, when the scope has one). */
    private record Budget(Scope scope, boolean monthly, long limit) {

        /** A bucket per period (the day's or the month's date in its key): a new period starts full, whatever the last one overdrew. */
        String key(Instant now) {
            LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            return scope.prefix + (monthly ? "month:" + YearMonth.from(today) : "day:" + today);
        }

        String limitName() {
            return monthly ? "tokens_per_month" : "tokens_per_day";
        }
    }

    /** A key or a tenant; with {@code model}, its counters for that model's budgets only. */
    private record Scope(boolean tenant, String id, Limits limits, Map<String, ModelBudget> modelBudgets, @Nullable String model, String prefix) {
        Scope(boolean tenant, String id, Limits limits, Map<String, ModelBudget> modelBudgets) {
            this(tenant, id, limits, modelBudgets, null, (tenant ? "tenant:" : "vkey:") + id + ":");
        }

        Scope forModel(String name) {
            return new Scope(tenant, id, limits, modelBudgets, name, prefix + "model:" + name + ":");
        }
    }

}
