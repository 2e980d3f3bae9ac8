package sai.gateway.tenancy;

import io.micronaut.context.annotation.Requires;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.Page;
import io.micronaut.data.model.Pageable;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.PageableRepository;
import sai.gateway.database.TenancyEnabled;

import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
@Requires(condition = TenancyEnabled.class)
public interface TenantRepository extends PageableRepository<TenantRow, String> {

    Optional<TenantRow> findByName(String name);

    Page<TenantRow> findByNameIlike(String pattern, Pageable pageable);

    long countBySaiKeyEncryptedIsNotNull();
}
