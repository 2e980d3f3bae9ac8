package sai.gateway.tenancy;

import io.micronaut.context.annotation.Requires;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.Limit;
import io.micronaut.data.model.Sort;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.PageableRepository;
import sai.gateway.database.TenancyEnabled;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

@JdbcRepository(dialect = Dialect.POSTGRES)
@Requires(condition = TenancyEnabled.class)
public interface VirtualKeyRepository extends PageableRepository<VirtualKeyRow, String> {

    List<VirtualKeyRow> findAll(Sort sort, Limit limit);

    List<VirtualKeyRow> findByTenantId(String tenantId, Sort sort, Limit limit);

    long countByTenantId(String tenantId);

    List<VirtualKeyRow> findByTenantId(String tenantId);

    long countByKeyHash(String keyHash);

    /** Last-used times are written in bulk, off the request path; never moves a time backwards. */
    @Query("UPDATE virtual_key SET last_used_at = :usedAt WHERE id IN (:ids) AND (last_used_at IS NULL OR last_used_at < :usedAt)")
    void markUsed(Collection<String> ids, Instant usedAt);
}
