package sai.gateway.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server (Debian's {@code postgresql}, newest version under /usr/lib/postgresql) on a
 * free loopback port, for the database tests. Its own data directory in a temp dir, no fsync. Role
 * {@code gateway} owns database {@code gateway}; over TCP its password is checked (scram-sha-256), so a wrong
 * password really fails; the unix socket, used only by {@link #execute}, trusts. Empty when PostgreSQL is not
 * installed ({@code .ci/run} installs it) or does not start; tests then skip and say why.
 *
 * <p>initdb and postgres refuse to run as root, and tests run as root in CI: then both run as the OS user
 * {@code postgres} (the Debian package creates it), which owns the temp dir.
 */
public final class PostgresProcess implements AutoCloseable {

    public static final String MISSING = "PostgreSQL is not installed (apt-get install -y postgresql; .ci/run does it): database tests skipped";

    private static final String USER = "gateway";
    private static final String DATABASE = "gateway";
    private static final String OS_USER = "postgres";
    private static final long READY_TIMEOUT_MILLIS = 20_000;

    private final Path bin;
    private final Path base;
    private final Path data;
    private final Path socketDir;
    private final Path log;
    private final List<String> runAs;
    private final int port;
    private final String password;
    private final Thread shutdownHook;
    private Process process;

    private PostgresProcess(Path bin, Path base, List<String> runAs, int port, String password) {
        this.bin = bin;
        this.base = base;
        this.data = base.resolve("data");
        this.socketDir = base.resolve("socket");
        this.log = base.resolve("postgres.log");
        this.runAs = runAs;
        this.port = port;
        this.password = password;
        // A JVM that ends without close() would otherwise leave a postmaster running on the machine.
        this.shutdownHook = new Thread(this::shutDownAndDelete, "postgres-process-cleanup");
    }

    /** Whether the binaries are there: a test can then tell "not installed" (skip) from "installed, did not start" (fail). */
    public static boolean installed() {
        return binaries().isPresent();
    }

    public static Optional<PostgresProcess> start() {
        Optional<Path> bin = binaries();
        if (bin.isEmpty()) {
            return Optional.empty();
        }
        Path base = null;
        PostgresProcess postgres = null;
        try {
            base = Files.createTempDirectory("sai-postgres-");
            List<String> runAs = List.of();
            if (isRoot(base)) {
                Optional<List<String>> wrapper = runAsPostgres();
                if (wrapper.isEmpty()) {
                    return failed("running as root, and neither setpriv nor runuser is there to run initdb as '" + OS_USER + "'", base);
                }
                runAs = wrapper.get();
            }
            postgres = new PostgresProcess(bin.get(), base, runAs, freePort(), randomPassword());
            Files.createDirectories(postgres.socketDir);
            Path passwordFile = base.resolve("password");
            Files.writeString(passwordFile, postgres.password + "\n");
            if (!runAs.isEmpty()) {
                chownToPostgres(base, postgres.socketDir, passwordFile);
            }
            Result initdb = postgres.run(postgres.asServerUser(List.of(bin.get().resolve("initdb").toString(), "-D", postgres.data.toString(),
                    "-U", USER, "--pwfile=" + passwordFile, "--auth-local=trust", "--auth-host=scram-sha-256",
                    "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")), Map.of(), 60);
            Files.deleteIfExists(passwordFile);
            if (initdb.exit() != 0) {
                return failed("initdb exited " + initdb.exit() + ": " + tail(initdb.stdout() + initdb.stderr()), base);
            }
            Runtime.getRuntime().addShutdownHook(postgres.shutdownHook);
            String problem = postgres.launch();
            if (problem != null) {
                postgres.close();
                return failed(problem, null);
            }
            Result created = postgres.psql(List.of("-h", postgres.socketDir.toString(), "-d", "postgres"), Map.of(),
                    "CREATE DATABASE " + DATABASE);
            if (created.exit() != 0) {
                postgres.close();
                return failed("CREATE DATABASE failed: " + tail(created.stderr()), null);
            }
            return Optional.of(postgres);
        } catch (IOException | RuntimeException e) {
            if (postgres != null) {
                postgres.close();
                return failed(e.toString(), null);
            }
            return failed(e.toString(), base);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (postgres != null) {
                postgres.close();
            } else if (base != null) {
                delete(base);
            }
            return Optional.empty();
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** {@code postgres://gateway:PASSWORD@127.0.0.1:PORT/gateway}; the password is hex, so nothing in it needs escaping. */
    public String url() {
        return "postgres://" + USER + ":" + password + "@127.0.0.1:" + port + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    public String database() {
        return DATABASE;
    }

    public int port() {
        return port;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Fast shutdown (SIGINT to the postmaster): open sessions are cut, the port then refuses; the data directory
     * stays for {@link #restart()}. Nothing when already stopped.
     */
    public void stop() {
        if (!isRunning()) {
            return;
        }
        try {
            signalPostmaster("-INT");
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                signalPostmaster("-QUIT");
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the server if it runs and starts it again on the same port and data directory. */
    public void restart() {
        stop();
        String problem;
        try {
            problem = launch();
        } catch (IOException e) {
            problem = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        if (problem != null) {
            throw new IllegalStateException("PostgreSQL did not come back on port " + port + ": " + problem);
        }
    }

    /** Runs SQL in database gateway over the unix socket and returns the rows, unaligned ({@code |} between columns), one per line. */
    public String execute(String sql) {
        Result result;
        try {
            result = psql(List.of("-h", socketDir.toString(), "-d", DATABASE), Map.of(), sql);
        } catch (IOException e) {
            throw new IllegalStateException("psql did not run: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        if (result.exit() != 0) {
            throw new IllegalStateException("psql exited " + result.exit() + ": " + result.stderr().strip());
        }
        return result.stdout().strip();
    }

    /** What psql says when it runs {@code sql} over TCP as {@code user} with {@code password}: how a client of the port fares. */
    public Result executeOverTcp(String user, String password, String sql) {
        try {
            return psql(List.of("-h", "127.0.0.1", "-d", DATABASE, "-U", user), Map.of("PGPASSWORD", password), sql);
        } catch (IOException e) {
            throw new IllegalStateException("psql did not run: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** Whether something accepts TCP connections on the port. */
    public boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public record Result(int exit, String stdout, String stderr) {
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is already shutting down (the hook is running or ran), or the hook was never added
        }
        shutDownAndDelete();
    }

    private synchronized void shutDownAndDelete() {
        stop();
        delete(base);
    }

    /** Starts the postmaster and waits until it accepts sessions; null when it does, else what went wrong. */
    private String launch() throws IOException, InterruptedException {
        List<String> command = asServerUser(List.of(bin.resolve("postgres").toString(), "-D", data.toString(),
                "-p", Integer.toString(port), "-k", socketDir.toString(), "-c", "listen_addresses=127.0.0.1",
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"));
        ProcessBuilder builder = builder(command, Map.of())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = builder.start();
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                return "postgres exited " + process.exitValue() + ": " + tail(Files.readString(log));
            }
            // The port opens before recovery ends ("the database system is starting up"); pg_isready tells them apart.
            if (accepts() && run(List.of(bin.resolve("pg_isready").toString(), "-q", "-h", "127.0.0.1", "-p",
                    Integer.toString(port), "-d", "postgres", "-t", "2"), Map.of(), 10).exit() == 0) {
                return null;
            }
            Thread.sleep(25);
        }
        stop();
        return "not ready within " + READY_TIMEOUT_MILLIS + " ms: " + tail(Files.readString(log));
    }

    private void signalPostmaster(String signal) throws InterruptedException {
        // With runuser in front the child is not the postmaster; postmaster.pid's first line always is.
        long pid = process.pid();
        try {
            List<String> lines = Files.readAllLines(data.resolve("postmaster.pid"));
            if (!lines.isEmpty()) {
                pid = Long.parseLong(lines.get(0).strip());
            }
        } catch (IOException | NumberFormatException e) {
            // not written yet or already removed: the process itself is the best guess
        }
        try {
            run(List.of("kill", signal, Long.toString(pid)), Map.of(), 10);
        } catch (IOException e) {
            process.destroy();
        }
    }

    private Result psql(List<String> connection, Map<String, String> env, String sql) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(bin.resolve("psql").toString(), "-X", "-q", "-A", "-t", "-w",
                "-v", "ON_ERROR_STOP=1", "-p", Integer.toString(port)));
        command.addAll(connection);
        if (!connection.contains("-U")) {
            command.addAll(List.of("-U", USER));
        }
        command.addAll(List.of("-c", sql));
        return run(command, env, 60);
    }

    private List<String> asServerUser(List<String> command) {
        List<String> full = new ArrayList<>(runAs);
        full.addAll(command);
        return full;
    }

    private ProcessBuilder builder(List<String> command, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(base.toFile());
        // PGHOST, PGPASSWORD and friends of the machine running the tests must not pick the server or the password.
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        builder.environment().put("PGPASSFILE", base.resolve("no-pgpass").toString());
        builder.environment().put("PGCONNECT_TIMEOUT", "5");
        builder.environment().putAll(env);
        return builder;
    }

    private Result run(List<String> command, Map<String, String> env, long timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile(base, "out-", ".txt");
        Path err = Files.createTempFile(base, "err-", ".txt");
        try {
            Process child = builder(command, env).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!child.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor();
                return new Result(-1, Files.readString(out), "timed out after " + timeoutSeconds + " s: " + Files.readString(err));
            }
            return new Result(child.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The bin directory of the newest Debian PostgreSQL, else one on the PATH with all the programs used here. */
    private static Optional<Path> binaries() {
        List<Path> candidates = new ArrayList<>();
        File[] versions = new File("/usr/lib/postgresql").listFiles();
        if (versions != null) {
            Stream.of(versions)
                    .filter(dir -> dir.getName().matches("\\d+(\\.\\d+)?"))
                    .sorted(Comparator.comparingDouble((File dir) -> Double.parseDouble(dir.getName())).reversed())
                    .map(dir -> dir.toPath().resolve("bin"))
                    .forEach(candidates::add);
        }
        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(Path::of)
                .forEach(candidates::add);
        return candidates.stream()
                .filter(dir -> Stream.of("initdb", "postgres", "psql", "pg_isready").allMatch(name -> Files.isExecutable(dir.resolve(name))))
                .findFirst();
    }

    private static boolean isRoot(Path owned) throws IOException {
        return Integer.valueOf(0).equals(Files.getAttribute(owned, "unix:uid"));
    }

    private static Optional<List<String>> runAsPostgres() {
        // setpriv execs the program itself (no process in between); runuser stays as the parent.
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            if (Files.isExecutable(Path.of(dir, "setpriv"))) {
                return Optional.of(List.of(dir + "/setpriv", "--reuid=" + OS_USER, "--regid=" + OS_USER, "--init-groups", "--"));
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, "runuser"))) {
                return Optional.of(List.of(dir + "/runuser", "-u", OS_USER, "--"));
            }
        }
        return Optional.empty();
    }

    private static void chownToPostgres(Path... paths) throws IOException {
        UserPrincipalLookupService lookup = paths[0].getFileSystem().getUserPrincipalLookupService();
        var user = lookup.lookupPrincipalByName(OS_USER);
        var group = lookup.lookupPrincipalByGroupName(OS_USER);
        for (Path path : paths) {
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            view.setOwner(user);
            view.setGroup(group);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static Optional<PostgresProcess> failed(String why, Path base) {
        // Says why on stderr (server output, never the password): an installed PostgreSQL that does not start is worth a look.
        System.err.println("PostgresProcess: no PostgreSQL for this test: " + why);
        if (base != null) {
            delete(base);
        }
        return Optional.empty();
    }

    private static String tail(String text) {
        String stripped = text.strip();
        return stripped.length() <= 800 ? stripped : "..." + stripped.substring(stripped.length() - 800);
    }

    private static void delete(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // best effort: a leftover temp dir is no reason to fail a test
        }
    }
}
