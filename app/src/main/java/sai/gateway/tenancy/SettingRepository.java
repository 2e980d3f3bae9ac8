package sai.gateway.tenancy;

import io.micronaut.context.annotation.Requires;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import sai.gateway.database.TenancyEnabled;

@JdbcRepository(dialect = Dialect.POSTGRES)
@Requires(condition = TenancyEnabled.class)
interface SettingRepository extends CrudRepository<SettingRow, String> {
}
