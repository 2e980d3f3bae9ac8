package sai.gateway.tenancy;

import io.micronaut.context.annotation.Requires;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.Limit;
import io.micronaut.data.model.Sort;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.PageableRepository;
import sai.gateway.database.TenancyEnabled;

import java.util.List;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
@Requires(condition = TenancyEnabled.class)
public interface TenantRepository extends PageableRepository<TenantRow, String> {

    Optional<TenantRow> findByName(String name);

    List<TenantRow> findAll(Sort sort, Limit limit);

    List<TenantRow> findByNameIlike(String pattern, Sort sort, Limit limit);

    long countByNameIlike(String pattern);

    long countBySaiKeyEncryptedIsNotNull();
}
