package sai.gateway.usage;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;
import sai.gateway.testing.PostgresProcess;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A migrated database for the usage tests, H2 (PostgreSQL mode, as the gateway runs it) or a throw-away
 * PostgreSQL, behind a data source that can be made to fail: while {@link #down} is set every connection attempt
 * throws as an unreachable server does; with {@link #loseNextCommitAnswer} the next commit happens and then throws,
 * as when the connection drops before the answer arrives.
 */
final class TestDatabase implements DataSource {

    enum Engine { H2, POSTGRES }

    // The gateway's own H2 settings, so these tests read and write what it would.
    static final String H2_MODE = sai.gateway.database.DatabaseUrl.H2_MODE;

    private static PostgresProcess postgres;
    private static boolean postgresTried;

    final AtomicBoolean down = new AtomicBoolean();
    final AtomicBoolean loseNextCommitAnswer = new AtomicBoolean();
    final AtomicInteger refusedConnections = new AtomicInteger();
    private final DataSource target;
    final Engine engine;

    private TestDatabase(DataSource target, Engine engine) {
        this.target = target;
        this.engine = engine;
    }

    static TestDatabase create(Engine engine) throws SQLException {
        DataSource target;
        if (engine == Engine.H2) {
            JdbcDataSource h2 = new JdbcDataSource();
            // DB_CLOSE_DELAY=-1: the in-memory database lives while the test runs, not only while a connection is open.
            h2.setURL("jdbc:h2:mem:usage-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1" + H2_MODE);
            h2.setUser("sa");
            target = h2;
        } else {
            PostgresProcess pg = postgres();
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(pg.jdbcUrl());
            ds.setUser(pg.user());
            ds.setPassword(pg.password());
            target = ds;
            // One server for the class: each test starts from empty tables.
            pg.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
        }
        Flyway.configure().dataSource(target).locations("classpath:db/migration").load().migrate();
        return new TestDatabase(target, engine);
    }

    private static synchronized PostgresProcess postgres() {
        if (!postgresTried) {
            postgresTried = true;
            Optional<PostgresProcess> started = PostgresProcess.start();
            postgres = started.orElse(null);
            if (postgres == null && PostgresProcess.installed()) {
                throw new IllegalStateException("PostgreSQL is installed but did not start (see stderr)");
            }
        }
        Assumptions.assumeTrue(postgres != null, PostgresProcess.MISSING);
        return postgres;
    }

    static synchronized void stopPostgres() {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
        postgresTried = false;
    }

    /** The database itself, never failing: what the tests check the results with. */
    DataSource direct() {
        return target;
    }

    long queryLong(String sql) throws SQLException {
        try (Connection c = target.getConnection(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (down.get()) {
            refusedConnections.incrementAndGet();
            throw new SQLTransientConnectionException("test: database down", "08001");
        }
        Connection real = target.getConnection();
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Connection.class}, (proxy, method, args) -> {
            try {
                Object result = method.invoke(real, args);
                if (method.getName().equals("commit") && loseNextCommitAnswer.compareAndSet(true, false)) {
                    throw new SQLException("test: connection lost after commit", "08006");
                }
                return result;
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
