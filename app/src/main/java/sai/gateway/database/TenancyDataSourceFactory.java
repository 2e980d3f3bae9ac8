package sai.gateway.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import sai.gateway.config.InvalidConfigurationException;
import sai.gateway.config.Setting;
import sai.gateway.text.Printable;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The tenancy database's pool (Hikari), created only when tenancy is on. Not Micronaut's own {@code datasources.*}
 * pool: that one is created eagerly whenever it is configured, so an operator who never set GATEWAY_ADMIN_KEY would
 * get an H2 file and a migration anyway. application.yml turns it off ({@code datasources.default.enabled: false})
 * and keeps {@code datasources.default} for Micronaut Data's dialect; this bean is the {@code default} data source
 * Micronaut Data uses, migrated by Flyway before anything reads it. Operators write {@code DATABASE_URL} the way their platform gives it
 * ({@link DatabaseUrl}); the password can come from a file.
 */
@Factory
@Requires(condition = TenancyEnabled.class)
class TenancyDataSourceFactory implements AutoCloseable {

    private volatile HikariDataSource opened;

    @Singleton
    @Named("default")
    DataSource dataSource(TenancyConfiguration config) {
        DatabaseUrl url = DatabaseUrl.of(config.databaseUrl(), config.databaseUser(), config.password(), config.dataDirectory());
        if (url.engine() == DatabaseUrl.Engine.H2 && !embeddedDatabaseIncluded()) {
            throw new InvalidConfigurationException(List.of(Setting.PREFIX + "DATABASE_URL must be set: this build has no embedded database; "
                    + "point it at PostgreSQL (on Lambda, through RDS Proxy)"));
        }
        if (url.engine() == DatabaseUrl.Engine.H2 && url.jdbcUrl().startsWith("jdbc:h2:file:")) {
            requireDataDir(config);
        }
        HikariConfig pool = new HikariConfig();
        pool.setPoolName("tenancy");
        pool.setJdbcUrl(url.jdbcUrl());
        pool.setDriverClassName(url.engine() == DatabaseUrl.Engine.H2 ? "org.h2.Driver" : "org.postgresql.Driver");
        pool.setUsername(url.user());
        pool.setPassword(url.password().map(s -> s.reveal()).orElse(""));
        pool.setMaximumPoolSize(config.pool().maximumSize());
        pool.setMinimumIdle(1);
        pool.setConnectionTimeout(config.pool().connectionTimeout().toMillis());
        pool.setValidationTimeout(Math.min(config.pool().connectionTimeout().toMillis(), 2000));
        pool.setInitializationFailTimeout(config.pool().startupWait().toMillis());
        // SnapStart (CRaC) suspends the pool before the snapshot and resumes it after a restore.
        pool.setAllowPoolSuspension(true);
        HikariDataSource dataSource = new HikariDataSource(pool);
        try {
            // The same migrations for both engines; every replica runs them, Flyway's lock table lets one at a time.
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        opened = dataSource;
        return dataSource;
    }

    /**
     * Closed here, after the beans that use it, not as the bean's own pre-destroy: Micronaut Data replaces the bean
     * with a proxy, which is no pool to close.
     */
    @PreDestroy
    @Override
    public void close() {
        HikariDataSource dataSource = opened;
        if (dataSource != null) {
            dataSource.close();
        }
    }

    /** The operator's line when DATA_DIR is a file, or a place the gateway cannot create or write. */
    private static void requireDataDir(TenancyConfiguration config) {
        Path dir = config.dataDirectory();
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw dataDirProblem(config);
        }
        if (!Files.isWritable(dir)) {
            throw dataDirProblem(config);
        }
    }

    private static InvalidConfigurationException dataDirProblem(TenancyConfiguration config) {
        return new InvalidConfigurationException(List.of(Setting.PREFIX + "DATA_DIR must be a directory the gateway can create and write, "
                + "for example /var/lib/sai-gateway (got \"" + Printable.oneLine(config.dataDir(), 200) + "\")"));
    }

    /** The Lambda jar leaves H2 out: a function's disk is gone with its instance, and every instance would have its own. */
    private static boolean embeddedDatabaseIncluded() {
        try {
            Class.forName("org.h2.Driver", false, TenancyDataSourceFactory.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
