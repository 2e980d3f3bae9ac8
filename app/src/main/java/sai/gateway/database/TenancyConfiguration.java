package sai.gateway.database;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import sai.gateway.config.Setting;
import sai.gateway.secrets.Secret;
import sai.gateway.secrets.SecretValueReader;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Tenants, virtual keys, budgets and usage records: on when {@code GATEWAY_ADMIN_KEY} is set (or
 * {@code GATEWAY_ADMIN_KEY_FILE}, or a {@code /run/secrets/} path), off otherwise, and then nothing here
 * opens a database. The database is H2 in a file under {@code DATA_DIR} unless {@code DATABASE_URL} names one.
 * Secret values are read once, here, and are never part of {@link #toString()}.
 */
@ConfigurationProperties(TenancyConfiguration.PREFIX)
public record TenancyConfiguration(@Nullable String adminKey,
                                   @Nullable String adminKeyFile,
                                   @Nullable String encryptionKey,
                                   @Nullable String encryptionKeyFile,
                                   @Nullable String databaseUrl,
                                   @Nullable String databaseUser,
                                   @Nullable String databasePassword,
                                   @Nullable String databasePasswordFile,
                                   String dataDir,
                                   int usageRetentionDays,
                                   @Nullable String configFile,
                                   Duration keyRefresh,
                                   Pool pool) {

    public static final String PREFIX = "tenancy";

    public TenancyConfiguration {
        Setting.USAGE_RETENTION_DAYS.require(usageRetentionDays);
        Setting.DATABASE_URL.require(databaseUrl);
        keyRefresh = keyRefresh == null ? Duration.ofSeconds(2) : keyRefresh;
        pool = pool == null ? new Pool(4, Duration.ofSeconds(3), Duration.ofSeconds(10)) : pool;
        dataDir = dataDir == null || dataDir.isBlank() ? "data" : dataDir.strip();
    }

    /** Whether an admin key is configured at all (its value may still fail to read). */
    public boolean enabled() {
        return isSet(adminKey) || isSet(adminKeyFile);
    }

    public Optional<Secret> admin() {
        return SecretValueReader.read(adminKey, adminKeyFile, "GATEWAY_ADMIN_KEY").map(Secret::of);
    }

    public Optional<Secret> encryption() {
        return SecretValueReader.read(encryptionKey, encryptionKeyFile, "GATEWAY_ENCRYPTION_KEY").map(Secret::of);
    }

    public Optional<Secret> password() {
        return SecretValueReader.read(databasePassword, databasePasswordFile, "DATABASE_PASSWORD").map(Secret::of);
    }

    public Path dataDirectory() {
        return Path.of(dataDir);
    }

    public Optional<Path> configFilePath() {
        return isSet(configFile) ? Optional.of(Path.of(configFile.strip())) : Optional.empty();
    }

    static boolean isSet(@Nullable String value) {
        return value != null && !value.isBlank();
    }

    /**
     * The database pool: {@code connectionTimeout} bounds how long a usage write or key refresh waits for a connection
     * (they are off the request path, and an unreachable database must fail them fast), {@code startupWait} how long
     * the gateway waits for the database when it starts.
     */
    @ConfigurationProperties("pool")
    public record Pool(int maximumSize, Duration connectionTimeout, Duration startupWait) {
    }

    @Override
    public String toString() {
        return "TenancyConfiguration[enabled=" + enabled() + ", dataDir=" + dataDir + ", redacted]";
    }
}
