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

    /** The dashboard's key filter, shared by the list and its count; the alias is the one a Sort's ORDER BY names. */
    String SEARCH = " FROM virtual_key virtual_key_row_ WHERE (:tenantId = '' OR tenant_id = :tenantId)"
            + " AND (:pattern = '' OR name ILIKE :pattern OR owner ILIKE :pattern OR key_prefix ILIKE :pattern)"
            + " AND (:status = ''"
            + " OR (:status = 'revoked' AND revoked = TRUE)"
            + " OR (:status = 'expired' AND revoked = FALSE AND expires_at <= :now)"
            + " OR (:status = 'active' AND revoked = FALSE AND (expires_at IS NULL OR expires_at > :now)))";

    /**
     * The dashboard's key list: every filter optional ({@code ""} matches all), so one query serves each combination
     * of tenant, text (an ILIKE pattern on name, owner or prefix) and status ({@link KeyStatus} in lower case) that
     * derived queries would need a method apiece for. Expired is {@code expires_at <= now}, as the key directory has it.
     */
    @Query("SELECT *" + SEARCH)
    List<VirtualKeyRow> search(String tenantId, String pattern, String status, Instant now, Sort sort, Limit limit);

    @Query("SELECT COUNT(*)" + SEARCH)
    long countSearch(String tenantId, String pattern, String status, Instant now);

    List<VirtualKeyRow> findByTenantId(String tenantId);

    long countByKeyHash(String keyHash);

    /** Last-used times are written in bulk, off the request path; never moves a time backwards. */
    @Query("UPDATE virtual_key SET last_used_at = :usedAt WHERE id IN (:ids) AND (last_used_at IS NULL OR last_used_at < :usedAt)")
    void markUsed(Collection<String> ids, Instant usedAt);
}
