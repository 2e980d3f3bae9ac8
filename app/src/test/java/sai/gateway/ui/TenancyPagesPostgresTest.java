package sai.gateway.ui;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.condition.EnabledIf;
import sai.gateway.testing.PostgresProcess;

import java.util.HashMap;
import java.util.Map;

/**
 * The same pages on a real PostgreSQL, where the key list's filter query runs as written rather than in H2's
 * PostgreSQL mode (skipped where it is not installed: {@link PostgresProcess#MISSING}).
 */
@MicronautTest(transactional = false)
@EnabledIf(value = "sai.gateway.testing.PostgresProcess#installed", disabledReason = PostgresProcess.MISSING)
class TenancyPagesPostgresTest extends TenancyPagesTest {

    private PostgresProcess postgres;

    @Override
    protected String databaseUrl() {
        postgres = PostgresProcess.start().orElseThrow(() -> new IllegalStateException("PostgreSQL is installed but did not start"));
        return postgres.url();
    }

    /** DATABASE_USER explicitly, as AdminApiPostgresTest explains. */
    @Override
    protected Map<String, String> extraProperties() {
        Map<String, String> properties = new HashMap<>(super.extraProperties());
        properties.put("tenancy.database-user", postgres.user());
        return properties;
    }

    @AfterAll
    void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }
}
