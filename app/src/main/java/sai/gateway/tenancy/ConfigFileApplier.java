package sai.gateway.tenancy;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.config.InvalidConfigurationException;
import sai.gateway.database.TenancyConfiguration;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.secrets.Secret;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Applies {@code GATEWAY_CONFIG_FILE} at startup, for operators who keep tenants and keys in git: tenants are
 * matched by name and keys by tenant and name; what the file says is set, what it leaves out stays as it is, and
 * nothing the file does not mention is changed or deleted. Applying the same file again changes nothing.
 *
 * <p>Every change goes through {@link TenancyAdmin}, so the file meets the same rules as the admin API; only a key's
 * secret, which the file declares instead of the gateway drawing it, is set here. All of it happens in one
 * transaction: a file with any problem changes nothing, and the gateway does not start, listing every problem.
 */
@Context
@Requires(condition = TenancyEnabled.class)
public class ConfigFileApplier {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigFileApplier.class);

    private final TenancyAdmin admin;
    private final KeyDirectory directory;
    private final TenantRepository tenants;
    private final VirtualKeyRepository keys;
    private final TenantSecrets secrets;
    private final TransactionOperations<Connection> transactions;
    private final Function<String, String> env;

    @Inject
    ConfigFileApplier(TenancyConfiguration config, TenancyAdmin admin, KeyDirectory directory, TenantRepository tenants,
                      VirtualKeyRepository keys, TenantSecrets secrets, TransactionOperations<Connection> transactions) {
        this(admin, directory, tenants, keys, secrets, transactions, System::getenv);
        Optional<Path> file = config.configFilePath();
        if (file.isPresent()) {
            Applied applied = apply(file.get());
            LOG.info("[CONFIG] {} applied: {} tenants ({} created, {} updated), {} keys ({} created, {} updated); "
                            + "left as they are, not in the file: {} tenants, {} keys", ConfigFileParser.VARIABLE,
                    applied.tenants(), applied.tenantsCreated(), applied.tenantsUpdated(), applied.keys(), applied.keysCreated(),
                    applied.keysUpdated(), applied.tenantsNotInFile(), applied.keysNotInFile());
        }
    }

    ConfigFileApplier(TenancyAdmin admin, KeyDirectory directory, TenantRepository tenants, VirtualKeyRepository keys,
                      TenantSecrets secrets, TransactionOperations<Connection> transactions, Function<String, String> env) {
        this.admin = admin;
        this.directory = directory;
        this.tenants = tenants;
        this.keys = keys;
        this.secrets = secrets;
        this.transactions = transactions;
        this.env = env;
    }

    /** What one application of the file did. */
    record Applied(int tenants, int tenantsCreated, int tenantsUpdated, int keys, int keysCreated, int keysUpdated,
                   long tenantsNotInFile, long keysNotInFile) {
    }

    Applied apply(Path file) {
        return apply(new ConfigFileParser(env).parse(file));
    }

    Applied apply(ConfigFile file) {
        try {
            Applied applied = transactions.executeWrite(status -> {
                Run run = new Run();
                for (ConfigFile.DeclaredTenant tenant : file.tenants()) {
                    run.tenant(tenant);
                }
                if (!run.problems.isEmpty()) {
                    throw new Refused(run.problems);
                }
                int declaredKeys = file.tenants().stream().mapToInt(t -> t.keys().size()).sum();
                return new Applied(file.tenants().size(), run.tenantsCreated, run.tenantsUpdated, declaredKeys, run.keysCreated,
                        run.keysUpdated, tenants.count() - file.tenants().size(), keys.count() - declaredKeys);
            });
            directory.reload();
            return applied;
        } catch (Refused e) {
            reloadQuietly();
            throw new InvalidConfigurationException(e.lines);
        } catch (InvalidConfigurationException e) {
            reloadQuietly();
            throw e;
        } catch (RuntimeException e) {
            reloadQuietly();
            throw new InvalidConfigurationException(List.of(ConfigFileParser.line(
                    "could not be applied, so nothing of it was: the database failed (" + DatabaseFailures.describe(e) + ")")));
        }
    }

    /** The directory re-read what the rolled-back transaction wrote; the gateway is not starting anyway. */
    private void reloadQuietly() {
        try {
            directory.reload();
        } catch (RuntimeException e) {
            LOG.debug("[CONFIG] key directory not re-read after the refused file: {}", DatabaseFailures.describe(e));
        }
    }

    /** One application, inside the transaction. */
    private final class Run {

        private final List<String> problems = new ArrayList<>();
        private int tenantsCreated;
        private int tenantsUpdated;
        private int keysCreated;
        private int keysUpdated;

        void tenant(ConfigFile.DeclaredTenant declared) {
            Optional<TenantRow> existing = admin.tenantByName(declared.name());
            TenantChange change = new TenantChange(declared.name(), declared.allowedModels(), declared.requestsPerMinute(),
                    declared.tokensPerMinute(), declared.tokensPerDay(), declared.tokensPerMonth(), Optional.ofNullable(declared.saiKey()));
            TenantRow row;
            try {
                if (existing.isEmpty()) {
                    row = admin.createTenant(change);
                    tenantsCreated++;
                } else if (differs(existing.get(), declared)) {
                    row = admin.updateTenant(existing.get().id(), change);
                    tenantsUpdated++;
                } else {
                    row = existing.get();
                }
            } catch (TenancyRefusal refusal) {
                // Its keys would be judged against a tenant that is not the one the file declares: they wait for the fix.
                problems.add(refused(declared.path(), declared.lines(), declared.line(), refusal, declared.saiKeyField()));
                return;
            }
            List<VirtualKeyRow> present = keys.findByTenantId(row.id());
            for (ConfigFile.DeclaredKey key : declared.keys()) {
                key(row, key, present);
            }
        }

        private void key(TenantRow tenant, ConfigFile.DeclaredKey declared, List<VirtualKeyRow> present) {
            List<VirtualKeyRow> named = present.stream().filter(k -> k.name().equals(declared.name())).toList();
            int nameLine = declared.lines().getOrDefault("name", declared.line());
            if (named.size() > 1) {
                problems.add(ConfigFileParser.line(declared.path() + ".name \"" + declared.name() + "\" matches " + named.size()
                        + " keys of tenant \"" + tenant.name() + "\" (" + String.join(", ", named.stream().map(VirtualKeyRow::id).toList())
                        + "): keys are matched by name, so rename all but one through the admin API (line " + nameLine + ")"));
                return;
            }
            Optional<VirtualKeyRow> existing = named.stream().findFirst();
            String hash = declared.keyHash();
            if (hash != null) {
                boolean own = existing.isPresent() && existing.get().keyHash().equals(hash);
                if (keys.countByKeyHash(hash) > (own ? 1 : 0)) {
                    problems.add(ConfigFileParser.line(declared.path() + "." + declared.keyField()
                            + " is the secret of another key already: every key needs its own (line "
                            + declared.lines().getOrDefault(declared.keyField(), declared.line()) + ")"));
                    return;
                }
            }
            KeyChange change = new KeyChange(tenant.id(), declared.name(), declared.owner(), declared.allowedModels(),
                    declared.requestsPerMinute(), declared.tokensPerMinute(), declared.tokensPerDay(), declared.tokensPerMonth(),
                    declared.expiresAt(), declared.revoked());
            try {
                if (existing.isEmpty()) {
                    if (hash == null) {
                        problems.add(ConfigFileParser.line(declared.path() + " is a new key of tenant \"" + tenant.name()
                                + "\" and needs its secret: key_sha256, key_env or key_file (line " + declared.line() + ")"));
                        return;
                    }
                    // The secret drawn here is replaced before the transaction ends, and never leaves this method.
                    IssuedKey issued = admin.createKey(change);
                    withSecret(issued.row(), declared);
                    keysCreated++;
                    return;
                }
                VirtualKeyRow row = existing.get();
                boolean changed = false;
                if (differs(row, declared)) {
                    row = admin.updateKey(row.id(), change);
                    changed = true;
                }
                if (hash != null && (!hash.equals(row.keyHash()) || !prefix(row, declared).equals(row.keyPrefix()))) {
                    withSecret(row, declared);
                    changed = true;
                }
                if (changed) {
                    keysUpdated++;
                }
            } catch (TenancyRefusal refusal) {
                problems.add(refused(declared.path(), declared.lines(), declared.line(), refusal, null));
            }
        }

        private void withSecret(VirtualKeyRow row, ConfigFile.DeclaredKey declared) {
            keys.update(row.withSecret(declared.keyHash(), prefix(row, declared), Instant.now().truncatedTo(ChronoUnit.MICROS)));
            LOG.info("[CONFIG] key secret set from {} | id={}", declared.keyField(), row.id());
        }
    }

    /**
     * What a key shows of itself: from the secret when the file leads to it; from a hash alone nothing can be
     * shown, except the prefix the key had when the hash is the one it has already.
     */
    private static String prefix(VirtualKeyRow row, ConfigFile.DeclaredKey declared) {
        if (declared.plainKey() != null) {
            return KeyMaterial.displayPrefix(declared.plainKey().reveal());
        }
        return row.keyHash().equals(declared.keyHash()) ? row.keyPrefix() : KeyMaterial.PREFIX;
    }

    private boolean differs(TenantRow row, ConfigFile.DeclaredTenant declared) {
        return models(declared.allowedModels(), row.allowedModels())
                || limit(declared.requestsPerMinute(), row.requestsPerMinute())
                || limit(declared.tokensPerMinute(), row.tokensPerMinute())
                || limit(declared.tokensPerDay(), row.tokensPerDay())
                || limit(declared.tokensPerMonth(), row.tokensPerMonth())
                || (declared.saiKey() != null && !sameSaiKey(row, declared.saiKey()));
    }

    private static boolean differs(VirtualKeyRow row, ConfigFile.DeclaredKey declared) {
        return (declared.owner() != null && !Objects.equals(declared.owner().isBlank() ? null : declared.owner().strip(), row.owner()))
                || models(declared.allowedModels(), row.allowedModels())
                || limit(declared.requestsPerMinute(), row.requestsPerMinute())
                || limit(declared.tokensPerMinute(), row.tokensPerMinute())
                || limit(declared.tokensPerDay(), row.tokensPerDay())
                || limit(declared.tokensPerMonth(), row.tokensPerMonth())
                || (declared.expiresAt() != null && !Objects.equals(expiry(declared.expiresAt()), row.expiresAt()))
                || (declared.revoked() != null && declared.revoked() != row.revoked());
    }

    private static boolean models(@Nullable List<String> declared, String column) {
        return declared != null && !ModelList.format(declared.stream().map(String::strip).distinct().toList()).equals(column);
    }

    private static boolean limit(@Nullable Long declared, long current) {
        return declared != null && declared != current;
    }

    @Nullable
    private static Instant expiry(Instant declared) {
        return declared.getEpochSecond() == 0 ? null : declared.truncatedTo(ChronoUnit.SECONDS);
    }

    private boolean sameSaiKey(TenantRow row, Secret declared) {
        if (row.saiKeyEncrypted() == null || secrets.cipher().isEmpty()) {
            return false;
        }
        return secrets.cipher().get().decrypt(row.id(), row.saiKeyEncrypted()).equals(Secret.of(declared.reveal().strip()));
    }

    /** A refusal of {@link TenancyAdmin}'s, at the place in the file it is about. */
    private static String refused(String path, Map<String, Integer> lines, int line, TenancyRefusal refusal, @Nullable String saiKeyField) {
        String param = refusal.param();
        String field = "sai_api_key".equals(param) && saiKeyField != null ? saiKeyField : param;
        boolean inFile = ConfigFileParser.TENANT_FIELDS.contains(field) || ConfigFileParser.KEY_FIELDS.contains(field);
        String message = refusal.getMessage().endsWith(".") ? refusal.getMessage().substring(0, refusal.getMessage().length() - 1)
                : refusal.getMessage();
        String where = inFile ? path + "." + field : path;
        String said = message.startsWith(param + " ") ? " " + message.substring(param.length() + 1) : ": " + message;
        return ConfigFileParser.line(where + said + " (line " + lines.getOrDefault(field, line) + ")");
    }

    private static final class Refused extends RuntimeException {

        private final List<String> lines;

        Refused(List<String> lines) {
            super("refused", null, false, false);
            this.lines = List.copyOf(lines);
        }
    }
}
