package sai.gateway.tenancy;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.model.Limit;
import io.micronaut.data.model.Sort;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.config.SaiConfiguration;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.secrets.Secret;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Creating and changing tenants and keys, with the rules that keep them sound: models are ids of {@code SAI_MODELS}
 * and a key's are a subset of its tenant's; a key's limits are never above its tenant's; a tenant's SAI key is stored
 * only encrypted. Every change is re-read into the {@link KeyDirectory} at once, so this replica applies it before
 * answering, and the others within their refresh.
 */
@Singleton
@Requires(condition = TenancyEnabled.class)
public class TenancyAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(TenancyAdmin.class);
    public static final int MAX_NAME = 200;
    public static final int MAX_OWNER = 320;

    private final TenantRepository tenants;
    private final VirtualKeyRepository keys;
    private final TenantSecrets secrets;
    private final KeyDirectory directory;
    private final List<String> models;

    TenancyAdmin(TenantRepository tenants, VirtualKeyRepository keys, TenantSecrets secrets, KeyDirectory directory, SaiConfiguration sai) {
        this.tenants = tenants;
        this.keys = keys;
        this.secrets = secrets;
        this.directory = directory;
        this.models = sai.models();
    }

    public TenantRow createTenant(TenantChange change) {
        String name = name(change.name(), "name", true);
        if (tenants.findByName(name).isPresent()) {
            throw new TenancyRefusal(TenancyRefusal.Kind.CONFLICT, "name", "A tenant named \"" + name + "\" exists already.");
        }
        String id = "ten_" + shortId();
        Instant now = now();
        List<String> allowed = models(change.allowedModels(), models, "allowed_models", "SAI_MODELS");
        TenantRow row = new TenantRow(id, name, ModelList.format(allowed),
                limit(change.requestsPerMinute(), 0, "requests_per_minute"), limit(change.tokensPerMinute(), 0, "tokens_per_minute"),
                limit(change.tokensPerDay(), 0, "tokens_per_day"), limit(change.tokensPerMonth(), 0, "tokens_per_month"),
                modelBudgets(change.modelBudgets(), "", orEvery(allowed), null),
                sealed(id, change.saiKey(), null), now, now);
        tenants.save(row);
        LOG.info("[ADMIN] tenant created | id={}", id);
        directory.reload();
        return row;
    }

    public TenantRow updateTenant(String id, TenantChange change) {
        TenantRow old = tenant(id);
        String name = change.name() == null ? old.name() : name(change.name(), "name", true);
        if (!name.equals(old.name()) && tenants.findByName(name).isPresent()) {
            throw new TenancyRefusal(TenancyRefusal.Kind.CONFLICT, "name", "A tenant named \"" + name + "\" exists already.");
        }
        String allowed = change.allowedModels() == null ? old.allowedModels()
                : ModelList.format(models(change.allowedModels(), models, "allowed_models", "SAI_MODELS"));
        TenantRow row = new TenantRow(id, name, allowed,
                limit(change.requestsPerMinute(), old.requestsPerMinute(), "requests_per_minute"),
                limit(change.tokensPerMinute(), old.tokensPerMinute(), "tokens_per_minute"),
                limit(change.tokensPerDay(), old.tokensPerDay(), "tokens_per_day"),
                limit(change.tokensPerMonth(), old.tokensPerMonth(), "tokens_per_month"),
                modelBudgets(change.modelBudgets(), old.modelBudgets(), orEvery(ModelList.parse(allowed)), null),
                sealed(id, change.saiKey(), old.saiKeyEncrypted()), old.createdAt(), now());
        tenants.update(row);
        LOG.info("[ADMIN] tenant updated | id={}", id);
        directory.reload();
        return row;
    }

    public TenantRow tenant(String id) {
        return tenants.findById(id).orElseThrow(() -> TenancyRefusal.notFound("id", "No tenant with id \"" + id + "\"."));
    }

    /** One slice of a list, at any offset, and how many there are in all. */
    public record Listed<T>(List<T> rows, long total) {
    }

    public Listed<TenantRow> tenants(@Nullable String nameContains, int limit, int offset) {
        return tenants(nameContains, Sort.of(Sort.Order.asc("name")), limit, offset);
    }

    /** Tenants whose name contains {@code nameContains} (ignoring case; blank: all), in the order of {@code sort} (properties of {@link TenantRow}). */
    public Listed<TenantRow> tenants(@Nullable String nameContains, Sort sort, int limit, int offset) {
        if (nameContains == null || nameContains.isBlank()) {
            return new Listed<>(tenants.findAll(sort, Limit.of(limit, offset)), tenants.count());
        }
        String pattern = contains(nameContains);
        return new Listed<>(tenants.findByNameIlike(pattern, sort, Limit.of(limit, offset)), tenants.countByNameIlike(pattern));
    }

    public IssuedKey createKey(KeyChange change) {
        if (change.tenantId() == null || change.tenantId().isBlank()) {
            throw TenancyRefusal.invalid("tenant_id", "tenant_id is required: the tenant the key belongs to.");
        }
        TenantRow tenant = tenants.findById(change.tenantId())
                .orElseThrow(() -> TenancyRefusal.invalid("tenant_id", "No tenant with id \"" + change.tenantId() + "\"."));
        Secret secret = Secret.of(KeyMaterial.newSecret());
        Instant now = now();
        VirtualKeyRow row = checked(tenant, new VirtualKeyRow("key_" + shortId(), tenant.id(), name(change.name(), "name", true),
                owner(change.owner()), ModelList.format(keyModels(change.allowedModels(), tenant)),
                limit(change.requestsPerMinute(), 0, "requests_per_minute"), limit(change.tokensPerMinute(), 0, "tokens_per_minute"),
                limit(change.tokensPerDay(), 0, "tokens_per_day"), limit(change.tokensPerMonth(), 0, "tokens_per_month"),
                modelBudgets(change.modelBudgets(), "", keyModelsOrTenants(change.allowedModels(), tenant), tenant),
                expiry(change.expiresAt()), Boolean.TRUE.equals(change.revoked()), KeyMaterial.hash(secret.reveal()),
                KeyMaterial.displayPrefix(secret.reveal()), now, now, null));
        keys.save(row);
        LOG.info("[ADMIN] key created | id={} | tenant={}", row.id(), tenant.id());
        directory.reload();
        return new IssuedKey(row, secret);
    }

    public VirtualKeyRow updateKey(String id, KeyChange change) {
        VirtualKeyRow old = key(id);
        if (change.tenantId() != null && !change.tenantId().equals(old.tenantId())) {
            throw TenancyRefusal.invalid("tenant_id", "A key cannot move to another tenant: create a new key there and revoke this one.");
        }
        TenantRow tenant = tenant(old.tenantId());
        VirtualKeyRow row = checked(tenant, new VirtualKeyRow(id, old.tenantId(), change.name() == null ? old.name() : name(change.name(), "name", true),
                change.owner() == null ? old.owner() : owner(change.owner()),
                change.allowedModels() == null ? old.allowedModels() : ModelList.format(keyModels(change.allowedModels(), tenant)),
                limit(change.requestsPerMinute(), old.requestsPerMinute(), "requests_per_minute"),
                limit(change.tokensPerMinute(), old.tokensPerMinute(), "tokens_per_minute"),
                limit(change.tokensPerDay(), old.tokensPerDay(), "tokens_per_day"),
                limit(change.tokensPerMonth(), old.tokensPerMonth(), "tokens_per_month"),
                modelBudgets(change.modelBudgets(), old.modelBudgets(),
                        keyModelsOrTenants(change.allowedModels() == null ? old.models() : change.allowedModels(), tenant), tenant),
                change.expiresAt() == null ? old.expiresAt() : expiry(change.expiresAt()),
                change.revoked() == null ? old.revoked() : change.revoked(), old.keyHash(), old.keyPrefix(), old.createdAt(), now(),
                old.lastUsedAt()));
        keys.update(row);
        LOG.info("[ADMIN] key updated | id={}{}", id, row.revoked() && !old.revoked() ? " | revoked" : "");
        directory.reload();
        return row;
    }

    public VirtualKeyRow revokeKey(String id) {
        return updateKey(id, new KeyChange(null, null, null, null, null, null, null, null, null, true));
    }

    /** A new secret for the same key: same id, limits and usage history; the old secret stops working at once. */
    public IssuedKey rotateKey(String id) {
        VirtualKeyRow old = key(id);
        Secret secret = Secret.of(KeyMaterial.newSecret());
        VirtualKeyRow row = old.withSecret(KeyMaterial.hash(secret.reveal()), KeyMaterial.displayPrefix(secret.reveal()), now());
        keys.update(row);
        LOG.info("[ADMIN] key rotated | id={}", id);
        directory.reload();
        return new IssuedKey(row, secret);
    }

    public VirtualKeyRow key(String id) {
        return keys.findById(id).orElseThrow(() -> TenancyRefusal.notFound("id", "No key with id \"" + id + "\"."));
    }

    public Listed<VirtualKeyRow> keys(@Nullable String tenantId, int limit, int offset) {
        Sort oldestFirst = Sort.of(Sort.Order.asc("createdAt"), Sort.Order.asc("id"));
        if (tenantId == null || tenantId.isBlank()) {
            return new Listed<>(keys.findAll(oldestFirst, Limit.of(limit, offset)), keys.count());
        }
        return new Listed<>(keys.findByTenantId(tenantId, oldestFirst, Limit.of(limit, offset)), keys.countByTenantId(tenantId));
    }

    /**
     * Keys filtered by any of: tenant, text the name, owner or display prefix contains (ignoring case), and status now;
     * null or blank leaves a filter out. In the order of {@code sort} (properties of {@link VirtualKeyRow}).
     */
    public Listed<VirtualKeyRow> keys(@Nullable String tenantId, @Nullable String contains, @Nullable KeyStatus status, Sort sort,
                                      int limit, int offset) {
        String tenant = tenantId == null ? "" : tenantId.strip();
        String pattern = contains == null || contains.isBlank() ? "" : contains(contains);
        String state = status == null ? "" : status.name().toLowerCase(Locale.ROOT);
        Instant now = Instant.now();
        return new Listed<>(keys.search(tenant, pattern, state, now, sort, Limit.of(limit, offset)), keys.countSearch(tenant, pattern, state, now));
    }

    public Optional<TenantRow> tenantByName(String name) {
        return tenants.findByName(name);
    }

    private VirtualKeyRow checked(TenantRow tenant, VirtualKeyRow key) {
        List<String> above = key.limits().above(tenant.limits());
        if (!above.isEmpty()) {
            throw TenancyRefusal.invalid(above.get(0), "A key's limits cannot be above its tenant's: " + String.join(", ", above)
                    + " exceed(s) tenant \"" + tenant.name() + "\"'s.");
        }
        return key;
    }

    /**
     * Budgets per model: every model one the owner may use ({@code models}); values 0 or more; a key's never above its
     * tenant's for the same model, nor above the tenant's overall budget. Null keeps {@code current}.
     */
    private static String modelBudgets(@Nullable Map<String, ModelBudget> asked, String current, List<String> models, @Nullable TenantRow tenant) {
        if (asked == null) {
            return current;
        }
        Map<String, ModelBudget> tenantBudgets = tenant == null ? Map.of() : ModelBudgets.parse(tenant.modelBudgets());
        for (Map.Entry<String, ModelBudget> entry : asked.entrySet()) {
            String model = entry.getKey();
            String param = "model_budgets." + model;
            if (!models.contains(model)) {
                throw TenancyRefusal.invalid(param, "\"" + model + "\" is not a model this " + (tenant == null ? "tenant" : "key")
                        + " may use: " + String.join(", ", models) + ".");
            }
            ModelBudget budget = entry.getValue();
            if (budget.tokensPerDay() > Limits.MAX.get("tokens_per_day") || budget.tokensPerMonth() > Limits.MAX.get("tokens_per_month")) {
                throw TenancyRefusal.invalid(param, param + ": budgets are whole numbers up to " + Limits.MAX.get("tokens_per_day")
                        + " a day and " + Limits.MAX.get("tokens_per_month") + " a month.");
            }
            if (tenant != null) {
                ModelBudget ceiling = tenantBudgets.get(model);
                check(param + ".tokens_per_day", budget.tokensPerDay(), ceiling == null ? tenant.tokensPerDay() : positiveMin(ceiling.tokensPerDay(), tenant.tokensPerDay()), tenant);
                check(param + ".tokens_per_month", budget.tokensPerMonth(), ceiling == null ? tenant.tokensPerMonth() : positiveMin(ceiling.tokensPerMonth(), tenant.tokensPerMonth()), tenant);
            }
        }
        return ModelBudgets.format(asked);
    }

    private static void check(String param, long asked, long ceiling, TenantRow tenant) {
        if (ceiling > 0 && asked > ceiling) {
            throw TenancyRefusal.invalid(param, "A key's budget cannot be above its tenant's: " + param + " exceeds tenant \""
                    + tenant.name() + "\"'s " + ceiling + ".");
        }
    }

    /** The smaller of two limits where 0 means none. */
    private static long positiveMin(long a, long b) {
        return a == 0 ? b : b == 0 ? a : Math.min(a, b);
    }

    private List<String> keyModelsOrTenants(@Nullable List<String> asked, TenantRow tenant) {
        List<String> chosen = keyModels(asked, tenant);
        if (!chosen.isEmpty()) {
            return chosen;
        }
        return orEvery(tenant.models());
    }

    /** A tenant's allowed models, where empty means every model of SAI_MODELS. */
    private List<String> orEvery(List<String> allowed) {
        return allowed.isEmpty() ? models : allowed;
    }

    private List<String> keyModels(@Nullable List<String> asked, TenantRow tenant) {
        List<String> tenantModels = tenant.models();
        return models(asked, orEvery(tenantModels), "allowed_models",
                tenantModels.isEmpty() ? "SAI_MODELS" : "tenant \"" + tenant.name() + "\"'s allowed_models");
    }

    private static List<String> models(@Nullable List<String> asked, List<String> allowed, String param, String source) {
        if (asked == null) {
            return List.of();
        }
        List<String> chosen = new ArrayList<>();
        for (String model : asked) {
            String id = model == null ? "" : model.strip();
            if (!allowed.contains(id)) {
                throw TenancyRefusal.invalid(param, "\"" + id + "\" is not one of " + source + ": " + String.join(", ", allowed) + ".");
            }
            if (!chosen.contains(id)) {
                chosen.add(id);
            }
        }
        return chosen;
    }

    @Nullable
    private String sealed(String tenantId, Optional<Secret> asked, @Nullable String current) {
        if (asked.isEmpty()) {
            return current;
        }
        if (asked.get().reveal().isBlank()) {
            return null;
        }
        TenantKeyCipher cipher = secrets.cipher().orElseThrow(() -> TenancyRefusal.invalid("sai_api_key",
                "A tenant's SAI key is stored encrypted: set GATEWAY_ENCRYPTION_KEY (32 random bytes in base64) and restart the gateway."));
        return cipher.encrypt(tenantId, Secret.of(asked.get().reveal().strip()));
    }

    private static String name(@Nullable String value, String param, boolean required) {
        String name = value == null ? "" : value.strip();
        if (name.isEmpty() && required) {
            throw TenancyRefusal.invalid(param, param + " is required.");
        }
        if (name.length() > MAX_NAME || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw TenancyRefusal.invalid(param, param + " must be at most " + MAX_NAME + " characters, without control characters.");
        }
        return name;
    }

    @Nullable
    private static String owner(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String owner = value.strip();
        if (owner.length() > MAX_OWNER || owner.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw TenancyRefusal.invalid("owner", "owner must be at most " + MAX_OWNER + " characters, without control characters.");
        }
        return owner;
    }

    private static long limit(@Nullable Long asked, long current, String param) {
        if (asked == null) {
            return current;
        }
        long max = Limits.MAX.get(param);
        if (asked < 0 || asked > max) {
            throw TenancyRefusal.invalid(param, param + " must be 0 (no limit) or a whole number up to " + max + ".");
        }
        return asked;
    }

    @Nullable
    private static Instant expiry(@Nullable Instant asked) {
        return asked == null || asked.getEpochSecond() == 0 ? null : asked.truncatedTo(ChronoUnit.SECONDS);
    }

    /** An ILIKE pattern for "contains {@code text}", its own wildcards taken literally. */
    private static String contains(String text) {
        return "%" + escapeLike(text.strip()) + "%";
    }

    private static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static Instant now() {
        // Microseconds: what both engines keep, so a row read back equals the row written.
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static String shortId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }
}
