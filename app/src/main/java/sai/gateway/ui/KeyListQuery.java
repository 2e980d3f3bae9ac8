package sai.gateway.ui;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.model.Sort;
import sai.gateway.tenancy.KeyStatus;

import java.util.List;
import java.util.Locale;

/**
 * What the key list is asked for: name, owner or prefix contains {@code q}, one tenant's, in one status, sorted by
 * creation, name or last use, one page of it.
 */
record KeyListQuery(String q, String tenant, String status, String sort, String dir, int offset, int limit) {

    static final List<String> SORTS = List.of("created", "name", "last_used");
    static final List<String> STATUSES = List.of("active", "revoked", "expired");

    static KeyListQuery of(@Nullable String q, @Nullable String tenant, @Nullable String status, @Nullable String sort,
                           @Nullable String dir, @Nullable String offset, @Nullable String limit) {
        return new KeyListQuery(q == null ? "" : q.strip(), tenant == null ? "" : tenant.strip(),
                status != null && STATUSES.contains(status) ? status : "", sort != null && SORTS.contains(sort) ? sort : "created",
                "asc".equals(dir) ? "asc" : "desc", UiPaging.offset(offset), UiPaging.limit(limit));
    }

    @Nullable
    KeyStatus keyStatus() {
        return status.isEmpty() ? null : KeyStatus.valueOf(status.toUpperCase(Locale.ROOT));
    }

    Sort order() {
        return order(sort, dir);
    }

    /** The id last: rows equal in the sorted column keep one order from page to page. */
    static Sort order(String sort, String dir) {
        String property = switch (sort) {
            case "name" -> "name";
            case "last_used" -> "lastUsedAt";
            default -> "createdAt";
        };
        Sort.Order.Direction direction = dir.equals("desc") ? Sort.Order.Direction.DESC : Sort.Order.Direction.ASC;
        return Sort.of(new Sort.Order(property, direction, false), new Sort.Order("id", direction, false));
    }

    String link(int atOffset) {
        return UiLinks.to("keys", "q", q, "tenant", tenant, "status", status, "sort", sort, "dir", dir, "limit", limit,
                "offset", atOffset == 0 ? null : atOffset);
    }
}
