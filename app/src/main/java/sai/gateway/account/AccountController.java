package sai.gateway.account;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import reactor.core.publisher.Mono;
import sai.gateway.config.SaiConfiguration;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;
import sai.gateway.limits.KeyLimits;
import sai.gateway.tenancy.KeyGrant;
import sai.gateway.tenancy.Limits;
import sai.gateway.tenancy.ModelBudget;
import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/me}: for the holder of a virtual key, its tenant, the models it may use, its limits and its
 * tenant's, and what is left of each budget. OpenAI has no such route; the name follows the common {@code /me}
 * convention, under {@code /v1} where SDK users' base URL already points. Only a virtual key has this view.
 */
@Controller
@Requires(condition = TenancyEnabled.class)
public class AccountController {

    private final KeyLimits limits;
    private final SaiConfiguration sai;

    AccountController(KeyLimits limits, SaiConfiguration sai) {
        this.limits = limits;
        this.sai = sai;
    }

    @Get(uris = {"/v1/me", "/me"})
    public Mono<AccountWire.Me> me(HttpRequest<?> request) {
        KeyGrant grant = request.getAttribute(KeyGrant.ATTRIBUTE, KeyGrant.class).orElseThrow(() -> InvalidRequestException.keyed(
                ErrorCode.NOT_FOUND, "admin_refusal", null, "GET /v1/me describes a virtual key (sk-sai-...); this request came with none."));
        Instant now = Instant.now();
        return Mono.fromFuture(limits.remaining(grant)).map(left -> new AccountWire.Me("virtual_key", grant.key().id(), grant.key().name(),
                grant.key().owner(), grant.key().prefix(), grant.key().expiresAt() == null ? null : grant.key().expiresAt().getEpochSecond(),
                new AccountWire.Tenant(grant.tenant().id(), grant.tenant().name()), grant.allowedModels(sai.models()),
                level(grant.key().limits(), grant.key().modelBudgets(), left, "key.", now),
                level(grant.tenant().limits(), grant.tenant().modelBudgets(), left, "tenant.", now)));
    }

    private static AccountWire.Level level(Limits limits, Map<String, ModelBudget> budgets, Map<String, Long> left, String prefix, Instant now) {
        List<AccountWire.Remaining> remaining = new ArrayList<>();
        add(remaining, left, prefix, null, "tokens_per_minute", limits.tokensPerMinute(), now.plusSeconds(60));
        add(remaining, left, prefix, null, "tokens_per_day", limits.tokensPerDay(), KeyLimits.resetOf(false, now));
        add(remaining, left, prefix, null, "tokens_per_month", limits.tokensPerMonth(), KeyLimits.resetOf(true, now));
        budgets.forEach((model, budget) -> {
            add(remaining, left, prefix, model, "tokens_per_day", budget.tokensPerDay(), KeyLimits.resetOf(false, now));
            add(remaining, left, prefix, model, "tokens_per_month", budget.tokensPerMonth(), KeyLimits.resetOf(true, now));
        });
        return new AccountWire.Level(limits.requestsPerMinute(), limits.tokensPerMinute(), limits.tokensPerDay(), limits.tokensPerMonth(),
                budgets, remaining);
    }

    private static void add(List<AccountWire.Remaining> remaining, Map<String, Long> left, String prefix, @Nullable String model, String limit,
                            long value, Instant reset) {
        if (value <= 0) {
            return;
        }
        long l = left.getOrDefault(prefix + (model == null ? "" : "model." + model + ".") + limit, value);
        remaining.add(new AccountWire.Remaining(limit, model, Math.max(0, value - l), l, reset.getEpochSecond()));
    }
}
