package sai.gateway.tenancy;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import io.micronaut.context.exceptions.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.config.InvalidConfigurationException;
import sai.gateway.config.Setting;
import sai.gateway.database.TenancyConfiguration;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.secrets.Secret;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Every tenant and virtual key, in memory, so checking a key on the request path reads no database: re-read
 * in full every {@code tenancy.key-refresh} by each replica (a revocation through any replica applies on all
 * within that), and at once on the replica that made a change. While the database cannot be read, the last
 * copy serves and the outage is logged once.
 *
 * <p>Created at startup: the database must be reachable, migrated, and the encryption key must open what is
 * stored, or the gateway does not start (one line naming the variable).
 */
@Context
@Requires(condition = TenancyEnabled.class)
public class KeyDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(KeyDirectory.class);
    static final int MIN_ADMIN_KEY = 16;

    private final BeanProvider<TenantRepository> tenantRepository;
    private final BeanProvider<VirtualKeyRepository> keyRepository;
    private TenantRepository tenants;
    private VirtualKeyRepository keys;
    private final TenantSecrets secrets;
    private final ScheduledExecutorService refresher;
    private final Set<String> used = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean readFailing = new AtomicBoolean();
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), Map.of(), Instant.EPOCH);

    /** The repositories come through providers: the database is first opened (and migrated) inside the checks below. */
    KeyDirectory(BeanProvider<TenantRepository> tenants, BeanProvider<VirtualKeyRepository> keys, BeanProvider<SettingRepository> settings,
                 TenantSecrets secrets, TenancyConfiguration config) {
        this.tenantRepository = tenants;
        this.keyRepository = keys;
        this.secrets = secrets;
        checkAdminKey(config);
        try {
            this.tenants = tenantRepository.get();
            this.keys = keyRepository.get();
            checkEncryption(settings.get());
            reload();
        } catch (InvalidConfigurationException e) {
            throw e;
        } catch (TenantKeyCipher.WrongKeyException e) {
            throw invalid(e.getMessage());
        } catch (RuntimeException e) {
            InvalidConfigurationException found = InvalidConfigurationException.in(e);
            if (found != null) {
                throw found;
            }
            throw invalid("DATABASE_URL: the database cannot be used (" + DatabaseFailures.describe(e) + ")");
        }
        long millis = config.keyRefresh().toMillis();
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "key-directory");
            thread.setDaemon(true);
            return thread;
        });
        refresher.scheduleWithFixedDelay(this::refresh, millis, millis, TimeUnit.MILLISECONDS);
        LOG.info("[KEYS] virtual keys on: {} tenants, {} keys; re-read every {} ms", snapshot.tenants.size(), snapshot.keys.size(), millis);
    }

    /** The grant of a presented virtual key, whatever its state (revoked and expired keys are the caller's to refuse). */
    public Optional<KeyGrant> find(String token) {
        if (!KeyMaterial.looksVirtual(token)) {
            return Optional.empty();
        }
        return Optional.ofNullable(snapshot.byHash.get(KeyMaterial.hash(token)));
    }

    public Optional<Tenant> tenant(String id) {
        return Optional.ofNullable(snapshot.tenants.get(id));
    }

    public Optional<KeyGrant> key(String id) {
        return Optional.ofNullable(snapshot.keys.get(id));
    }

    /** Remembered here, written in bulk with the next refresh. */
    public void used(String keyId) {
        used.add(keyId);
    }

    /** Re-reads everything now; the admin side calls it after a change so this replica applies it at once. */
    public synchronized void reload() {
        Map<String, Tenant> byId = new HashMap<>();
        for (TenantRow row : tenants.findAll()) {
            byId.put(row.id(), toTenant(row));
        }
        Map<String, KeyGrant> byHash = new HashMap<>();
        Map<String, KeyGrant> byKeyId = new HashMap<>();
        for (VirtualKeyRow row : keys.findAll()) {
            Tenant tenant = byId.get(row.tenantId());
            if (tenant != null) {
                KeyGrant grant = new KeyGrant(toKey(row), tenant);
                byHash.put(row.keyHash(), grant);
                byKeyId.put(row.id(), grant);
            }
        }
        snapshot = new Snapshot(Map.copyOf(byHash), Map.copyOf(byKeyId), Map.copyOf(byId), Instant.now());
    }

    private void refresh() {
        try {
            if (!used.isEmpty()) {
                List<String> ids = new ArrayList<>(used);
                used.removeAll(ids);
                keys.markUsed(ids, Instant.now());
            }
            reload();
            if (readFailing.compareAndSet(true, false)) {
                LOG.info("[KEYS] the database answers again: tenants and keys are current");
            }
        } catch (RuntimeException e) {
            if (readFailing.compareAndSet(false, true)) {
                LOG.warn("[KEYS] the database cannot be read ({}): serving tenants and keys as read at {}; changes made meanwhile apply when it answers",
                        DatabaseFailures.describe(e), snapshot.readAt);
            }
        }
    }

    /** Read now, so a missing file or a guessable key stops the start rather than the first admin request. */
    private static void checkAdminKey(TenancyConfiguration config) {
        Secret admin;
        try {
            admin = config.admin().orElseThrow(() -> invalid("GATEWAY_ADMIN_KEY is empty"));
        } catch (ConfigurationException e) {
            throw e instanceof InvalidConfigurationException i ? i : invalid(e.getMessage());
        }
        if (admin.length() < MIN_ADMIN_KEY) {
            throw invalid("GATEWAY_ADMIN_KEY must be at least " + MIN_ADMIN_KEY + " characters (e.g. openssl rand -hex 32)");
        }
        if (KeyMaterial.looksVirtual(admin.reveal())) {
            throw invalid("GATEWAY_ADMIN_KEY must not start with " + KeyMaterial.PREFIX + ", which virtual keys use");
        }
    }

    private void checkEncryption(SettingRepository settings) {
        long sealed = tenants.countBySaiKeyEncryptedIsNotNull();
        Optional<TenantKeyCipher> cipher = secrets.cipher();
        if (cipher.isEmpty()) {
            if (sealed > 0) {
                throw invalid("GATEWAY_ENCRYPTION_KEY must be set: " + sealed + " tenant SAI key(s) are stored encrypted with it");
            }
            return;
        }
        Optional<SettingRow> check = settings.findById(TenantSecrets.CHECK_SETTING);
        if (check.isPresent()) {
            if (!secrets.opens(cipher.get(), check.get().settingValue())) {
                throw invalid("GATEWAY_ENCRYPTION_KEY is not the key the stored tenant SAI keys were encrypted with");
            }
        } else {
            settings.save(new SettingRow(TenantSecrets.CHECK_SETTING, secrets.newCheck(cipher.get())));
        }
    }

    private Tenant toTenant(TenantRow row) {
        Optional<Secret> saiKey = Optional.empty();
        if (row.saiKeyEncrypted() != null) {
            TenantKeyCipher cipher = secrets.cipher().orElseThrow(() -> invalid("GATEWAY_ENCRYPTION_KEY must be set: tenant SAI keys are stored encrypted with it"));
            saiKey = Optional.of(cipher.decrypt(row.id(), row.saiKeyEncrypted()));
        }
        return new Tenant(row.id(), row.name(), row.models(), row.limits(), ModelBudgets.parse(row.modelBudgets()), saiKey);
    }

    static VirtualKey toKey(VirtualKeyRow row) {
        return new VirtualKey(row.id(), row.tenantId(), row.name(), row.owner(), row.models(), row.limits(),
                ModelBudgets.parse(row.modelBudgets()), row.expiresAt(), row.revoked(), row.keyPrefix());
    }

    private static InvalidConfigurationException invalid(String line) {
        return new InvalidConfigurationException(List.of(Setting.PREFIX + line));
    }

    @PreDestroy
    void close() {
        refresher.shutdownNow();
        // The last uses since the last refresh, so a stop right after a request still records when the key was used.
        if (!used.isEmpty()) {
            try {
                keys.markUsed(new ArrayList<>(used), Instant.now());
            } catch (RuntimeException e) {
                LOG.warn("[KEYS] last-used times not written at shutdown ({})", DatabaseFailures.describe(e));
            }
        }
    }

    private record Snapshot(Map<String, KeyGrant> byHash, Map<String, KeyGrant> keys, Map<String, Tenant> tenants, Instant readAt) {
    }
}
