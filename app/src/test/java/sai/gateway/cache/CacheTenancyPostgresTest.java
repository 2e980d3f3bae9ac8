package sai.gateway.cache;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import sai.gateway.testing.PostgresProcess;

/** {@link CacheTenancyTest}'s every case against a real PostgreSQL (Debian's, started on a free port; skipped without it). */
@MicronautTest(transactional = false)
class CacheTenancyPostgresTest extends CacheTenancyTest {

    private static PostgresProcess postgres;

    @Override
    protected String databaseUrl() {
        Assumptions.assumeTrue(PostgresProcess.installed(), PostgresProcess.MISSING);
        if (postgres == null) {
            postgres = PostgresProcess.start().orElseThrow(() -> new IllegalStateException("PostgreSQL is installed but did not start"));
        }
        return postgres.url();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }
}
