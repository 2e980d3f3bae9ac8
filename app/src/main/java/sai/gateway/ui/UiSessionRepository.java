package sai.gateway.ui;

import io.micronaut.context.annotation.Requires;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import sai.gateway.database.TenancyEnabled;

import java.time.Instant;

@JdbcRepository(dialect = Dialect.POSTGRES)
@Requires(condition = TenancyEnabled.class)
interface UiSessionRepository extends CrudRepository<UiSessionRow, String> {

    void deleteByExpiresAtBefore(Instant now);
}
