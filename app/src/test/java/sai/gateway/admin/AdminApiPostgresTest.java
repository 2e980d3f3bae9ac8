package sai.gateway.admin;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.condition.EnabledIf;
import sai.gateway.testing.PostgresProcess;

/** The same admin API on a real PostgreSQL (skipped where it is not installed: {@link PostgresProcess#MISSING}). */
@MicronautTest
@EnabledIf(value = "sai.gateway.testing.PostgresProcess#installed", disabledReason = PostgresProcess.MISSING)
class AdminApiPostgresTest extends AdminApiContract {

    private PostgresProcess postgres;

    @Override
    protected String databaseUrl() {
        postgres = PostgresProcess.start().orElseThrow(() -> new IllegalStateException("PostgreSQL is installed but did not start"));
        return postgres.url();
    }

    @AfterAll
    void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }
}
