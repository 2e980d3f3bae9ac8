package sai.gateway.usage;

/**
 * {@link UsageExplorerTest}'s every case on a real PostgreSQL (Debian's, started on a free port): the same SQL text
 * must give the same answers on both engines. Skipped only when PostgreSQL is not installed; installed and not
 * starting fails.
 */
class UsageExplorerPostgresTest extends UsageExplorerTest {

    @Override
    TestDatabase.Engine engine() {
        return TestDatabase.Engine.POSTGRES;
    }
}
