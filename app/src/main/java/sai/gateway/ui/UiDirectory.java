package sai.gateway.ui;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.exceptions.DataAccessException;
import jakarta.inject.Singleton;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.tenancy.KeyDirectory;
import sai.gateway.tenancy.TenancyAdmin;
import sai.gateway.tenancy.TenancyRefusal;
import sai.gateway.tenancy.TenantRow;
import sai.gateway.tenancy.VirtualKeyRow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tenants' and keys' names for the pages, which otherwise only know ids: from the {@link KeyDirectory}'s copy in
 * memory, else (a tenant or key another replica created since its last refresh) from the database, else none, and
 * the page shows the id. The filters' choices come from the database, at most {@link #MAX_OPTIONS} of each.
 */
@Singleton
@Requires(condition = TenancyEnabled.class)
class UiDirectory {

    /** More than this, and the filter is a text field for the id rather than a list nobody could scroll. */
    static final int MAX_OPTIONS = 500;

    private final KeyDirectory directory;
    private final TenancyAdmin admin;

    UiDirectory(KeyDirectory directory, TenancyAdmin admin) {
        this.directory = directory;
        this.admin = admin;
    }

    /** One choice of a filter's list. */
    record Option(String id, String label) {
    }

    /** A filter's choices; {@code complete} false: there are too many, and the page asks for the id instead. */
    record Options(List<Option> options, boolean complete) {
    }

    /** @throws DataAccessException the database did not answer */
    Options tenants(@Nullable String selected) {
        TenancyAdmin.Listed<TenantRow> listed = admin.tenants(null, MAX_OPTIONS, 0);
        List<Option> options = new ArrayList<>();
        listed.rows().forEach(row -> options.add(new Option(row.id(), row.name())));
        return withSelected(options, selected, listed.total() <= MAX_OPTIONS);
    }

    /** The keys of {@code tenantId} (every key when null), each named with its tenant when every tenant's are listed. */
    Options keys(@Nullable String tenantId, @Nullable String selected) {
        TenancyAdmin.Listed<VirtualKeyRow> listed = admin.keys(tenantId, MAX_OPTIONS, 0);
        Names names = names();
        List<Option> options = new ArrayList<>();
        for (VirtualKeyRow row : listed.rows()) {
            String tenant = names.tenant(row.tenantId());
            options.add(new Option(row.id(), tenantId == null ? row.name() + " · " + (tenant == null ? row.tenantId() : tenant) : row.name()));
        }
        return withSelected(options, selected, listed.total() <= MAX_OPTIONS);
    }

    private static Options withSelected(List<Option> options, @Nullable String selected, boolean complete) {
        if (selected != null && options.stream().noneMatch(o -> o.id().equals(selected))) {
            options.add(0, new Option(selected, selected));
        }
        return new Options(List.copyOf(options), complete);
    }

    /** Names for one page: each id missing from memory is asked of the database once. */
    Names names() {
        return new Names();
    }

    final class Names {
        private final Map<String, Optional<String>> tenants = new HashMap<>();
        private final Map<String, Optional<String>> keys = new HashMap<>();

        /** The tenant's name; null when there is no tenant by that id (or no id). */
        @Nullable
        String tenant(@Nullable String id) {
            if (id == null || id.isEmpty()) {
                return null;
            }
            return tenants.computeIfAbsent(id, i -> directory.tenant(i).map(t -> t.name())
                    .or(() -> lookUp(() -> admin.tenant(i).name()))).orElse(null);
        }

        @Nullable
        String key(@Nullable String id) {
            if (id == null || id.isEmpty()) {
                return null;
            }
            return keys.computeIfAbsent(id, i -> directory.key(i).map(g -> g.key().name())
                    .or(() -> lookUp(() -> admin.key(i).name()))).orElse(null);
        }

        /** The name of the key's tenant; null when the key or its tenant is gone. */
        @Nullable
        String keyTenant(@Nullable String keyId) {
            if (keyId == null || keyId.isEmpty()) {
                return null;
            }
            Optional<String> tenantId = directory.key(keyId).map(g -> g.tenant().id()).or(() -> lookUp(() -> admin.key(keyId).tenantId()));
            return tenantId.map(this::tenant).orElse(null);
        }

        /** A name is a nicety: a missing row or a database that does not answer leaves the id on the page. */
        private static Optional<String> lookUp(java.util.function.Supplier<String> read) {
            try {
                return Optional.of(read.get());
            } catch (TenancyRefusal | DataAccessException gone) {
                return Optional.empty();
            }
        }
    }
}
