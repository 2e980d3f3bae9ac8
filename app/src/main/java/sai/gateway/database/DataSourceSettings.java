package sai.gateway.database;

import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * Fills Micronaut's {@code datasources.default} from the gateway's own settings ({@link DatabaseUrl}) before the
 * pool is built: operators write {@code DATABASE_URL} the way their platform gives it, and the password can come
 * from a file. Only runs when something asks for the data source, which only the tenancy beans do.
 */
@Singleton
final class DataSourceSettings implements BeanCreatedEventListener<DatasourceConfiguration> {

    private final TenancyConfiguration config;

    DataSourceSettings(TenancyConfiguration config) {
        this.config = config;
    }

    @Override
    public DatasourceConfiguration onCreated(BeanCreatedEvent<DatasourceConfiguration> event) {
        DatasourceConfiguration datasource = event.getBean();
        DatabaseUrl url = DatabaseUrl.of(config.databaseUrl(), config.databaseUser(), config.password(), config.dataDirectory());
        if (url.engine() == DatabaseUrl.Engine.H2 && url.jdbcUrl().startsWith("jdbc:h2:file:")) {
            try {
                Files.createDirectories(config.dataDirectory());
            } catch (IOException e) {
                throw new UncheckedIOException("DATA_DIR cannot be created: " + config.dataDirectory(), e);
            }
        }
        datasource.setUrl(url.jdbcUrl());
        datasource.setJdbcUrl(url.jdbcUrl());
        datasource.setDriverClassName(url.engine() == DatabaseUrl.Engine.H2 ? "org.h2.Driver" : "org.postgresql.Driver");
        datasource.setUsername(url.user());
        datasource.setPassword(url.password().map(s -> s.reveal()).orElse(""));
        return datasource;
    }
}
