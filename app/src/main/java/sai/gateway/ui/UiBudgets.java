package sai.gateway.ui;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.limits.KeyLimits;
import sai.gateway.tenancy.Limits;
import sai.gateway.tenancy.ModelBudget;
import sai.gateway.tenancy.ModelBudgets;
import sai.gateway.tenancy.TenantRow;
import sai.gateway.tenancy.VirtualKeyRow;
import sai.gateway.usage.UsageGroup;
import sai.gateway.usage.UsageTotals;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A tenant's or key's budgets with what has been used of them: today's and this month's tokens (UTC, as the budgets
 * count them) from the daily usage roll-ups, which trail the gateway's own counters by the records not yet written.
 */
@Singleton
@Requires(condition = TenancyEnabled.class)
class UiBudgets {

    private final UsageTotals totals;

    UiBudgets(UsageTotals totals) {
        this.totals = totals;
    }

    /** Empty when the usage cannot be read: the page then says so instead of showing budgets as unused. */
    Optional<List<BudgetMeter>> of(TenantRow tenant) {
        return meters(tenant.id(), null, tenant.limits(), tenant.modelBudgets());
    }

    Optional<List<BudgetMeter>> of(VirtualKeyRow key) {
        return meters(null, key.id(), key.limits(), key.modelBudgets());
    }

    private Optional<List<BudgetMeter>> meters(@Nullable String tenantId, @Nullable String keyId, Limits limits, String modelBudgets) {
        Instant now = Instant.now();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        List<UsageGroup> groups;
        try {
            groups = totals.totals(today.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
                    today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(), Set.of("day", "model"), tenantId, keyId, null);
        } catch (UsageTotals.Unavailable e) {
            return Optional.empty();
        }
        Map<String, Long> day = new HashMap<>();
        Map<String, Long> month = new HashMap<>();
        for (UsageGroup group : groups) {
            long tokens = group.promptTokens() + group.completionTokens();
            month.merge(group.model(), tokens, Long::sum);
            month.merge("", tokens, Long::sum);
            if (today.equals(group.day())) {
                day.merge(group.model(), tokens, Long::sum);
                day.merge("", tokens, Long::sum);
            }
        }
        String dayReset = KeyLimits.resetOf(false, now).toString();
        String monthReset = KeyLimits.resetOf(true, now).toString();
        List<BudgetMeter> meters = new ArrayList<>();
        meters.add(new BudgetMeter(false, null, day.getOrDefault("", 0L), limits.tokensPerDay(), dayReset));
        meters.add(new BudgetMeter(true, null, month.getOrDefault("", 0L), limits.tokensPerMonth(), monthReset));
        for (Map.Entry<String, ModelBudget> entry : ModelBudgets.parse(modelBudgets).entrySet()) {
            String model = entry.getKey();
            if (entry.getValue().tokensPerDay() > 0) {
                meters.add(new BudgetMeter(false, model, day.getOrDefault(model, 0L), entry.getValue().tokensPerDay(), dayReset));
            }
            if (entry.getValue().tokensPerMonth() > 0) {
                meters.add(new BudgetMeter(true, model, month.getOrDefault(model, 0L), entry.getValue().tokensPerMonth(), monthReset));
            }
        }
        return Optional.of(meters);
    }
}
