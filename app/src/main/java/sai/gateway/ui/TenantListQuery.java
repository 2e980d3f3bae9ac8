package sai.gateway.ui;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.model.Sort;

import java.util.List;

/** What the tenant list is asked for: name contains {@code q}, sorted by name or creation, one page of it. */
record TenantListQuery(String q, String sort, String dir, int offset, int limit) {

    static final List<String> SORTS = List.of("name", "created");

    static TenantListQuery of(@Nullable String q, @Nullable String sort, @Nullable String dir, @Nullable String offset, @Nullable String limit) {
        return new TenantListQuery(q == null ? "" : q.strip(), sort != null && SORTS.contains(sort) ? sort : "name",
                "desc".equals(dir) ? "desc" : "asc", UiPaging.offset(offset), UiPaging.limit(limit));
    }

    /** The id last: rows equal in the sorted column keep one order from page to page. */
    Sort order() {
        String property = sort.equals("created") ? "createdAt" : "name";
        Sort.Order.Direction direction = dir.equals("desc") ? Sort.Order.Direction.DESC : Sort.Order.Direction.ASC;
        return Sort.of(new Sort.Order(property, direction, false), new Sort.Order("id", direction, false));
    }

    String link(int atOffset) {
        return UiLinks.to("tenants", "q", q, "sort", sort, "dir", dir, "limit", limit, "offset", atOffset == 0 ? null : atOffset);
    }
}
