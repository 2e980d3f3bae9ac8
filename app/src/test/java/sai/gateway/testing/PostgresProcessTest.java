package sai.gateway.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The database tests stand on this harness: its URL's credentials are the ones the server checks, and stop and restart do what they say. */
class PostgresProcessTest {

    private PostgresProcess postgres;

    @BeforeEach
    void start() {
        assumeTrue(PostgresProcess.installed(), PostgresProcess.MISSING);
        Optional<PostgresProcess> started = PostgresProcess.start();
        // Installed but not starting is a broken harness, not a reason to skip (the reason is on stderr).
        assertThat(started).as("PostgreSQL is installed but PostgresProcess.start() gave nothing").isPresent();
        postgres = started.get();
    }

    @AfterEach
    void close() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theUrlsCredentialsAreAcceptedOverTcpAndAWrongPasswordIsRefused() {
        URI url = URI.create(postgres.url());
        String[] userInfo = url.getUserInfo().split(":", 2);
        assertThat(url.getScheme()).isEqualTo("postgres");
        assertThat(url.getHost()).isEqualTo("127.0.0.1");
        assertThat(url.getPort()).isEqualTo(postgres.port());
        assertThat(url.getPath()).isEqualTo("/gateway");
        assertThat(userInfo).containsExactly(postgres.user(), postgres.password());
        assertThat(postgres.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/gateway");

        PostgresProcess.Result right = postgres.executeOverTcp(userInfo[0], userInfo[1], "SELECT current_user || '@' || current_database()");
        assertThat(right.exit()).as(right.stderr()).isZero();
        assertThat(right.stdout().strip()).isEqualTo("gateway@gateway");

        PostgresProcess.Result wrong = postgres.executeOverTcp(userInfo[0], userInfo[1] + "x", "SELECT 1");
        assertThat(wrong.exit()).isNotZero();
        assertThat(wrong.stderr()).contains("password authentication failed");
        assertThat(wrong.stdout()).isEmpty();
    }

    @Test
    void stopClosesThePortAndRestartBringsTheSameDataBackOnIt() {
        postgres.execute("CREATE TABLE kept (note text); INSERT INTO kept VALUES ('before the stop')");

        postgres.stop();
        assertThat(postgres.accepts()).as("port " + postgres.port() + " after stop()").isFalse();
        assertThat(postgres.executeOverTcp(postgres.user(), postgres.password(), "SELECT 1").exit()).isNotZero();

        postgres.restart();
        assertThat(postgres.accepts()).isTrue();
        PostgresProcess.Result after = postgres.executeOverTcp(postgres.user(), postgres.password(), "SELECT note FROM kept");
        assertThat(after.exit()).as(after.stderr()).isZero();
        assertThat(after.stdout().strip()).isEqualTo("before the stop");
    }

    @Test
    void stopCutsASessionInTheMiddleOfAQuery() throws Exception {
        CompletableFuture<PostgresProcess.Result> query = CompletableFuture.supplyAsync(
                () -> postgres.executeOverTcp(postgres.user(), postgres.password(), "SELECT pg_sleep(60)"));
        for (int i = 0; i < 200 && !postgres.execute("SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)'").equals("1"); i++) {
            Thread.sleep(25);
        }
        assertThat(query).as("the query had ended before the stop").isNotDone();

        long started = System.nanoTime();
        postgres.stop();

        // A smart shutdown would wait the whole minute for the query; the tests of an outage need it cut.
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(10);
        PostgresProcess.Result cut = query.get(10, TimeUnit.SECONDS);
        assertThat(cut.exit()).isNotZero();
        assertThat(cut.stderr()).contains("terminating connection due to administrator command");
    }

    @Test
    void restartWhileRunningComesBackWithTheData() {
        postgres.execute("CREATE TABLE counter (n int); INSERT INTO counter VALUES (1)");

        postgres.restart();

        assertThat(postgres.execute("UPDATE counter SET n = n + 1 RETURNING n")).isEqualTo("2");
    }

    @Test
    void closeStopsTheServer() {
        int port = postgres.port();
        postgres.close();
        postgres = null;

        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            throw new AssertionError("port " + port + " still accepts after close()");
        } catch (IOException expected) {
            // refused: nothing listens any more
        }
    }
}
