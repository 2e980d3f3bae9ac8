package sai.gateway.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A throw-away {@code redis-server} on a free loopback port, no persistence, for tests of the shared
 * limits. Empty when Debian's {@code redis-server} is not installed ({@code .ci/run} installs it); tests
 * then skip and say why.
 */
public final class RedisProcess implements AutoCloseable {

    public static final String MISSING = "redis-server is not installed (apt-get install -y redis-server; .ci/run does it): shared-limit tests skipped";

    private final Process process;
    private final int port;

    private RedisProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static Optional<RedisProcess> start() {
        return start(new String[0]);
    }

    /** With more of redis-server's own options, e.g. {@code --maxmemory 1 --maxmemory-policy noeviction}. */
    public static Optional<RedisProcess> start(String... options) {
        Optional<String> executable = executable();
        if (executable.isEmpty()) {
            return Optional.empty();
        }
        try {
            int port = freePort();
            java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(executable.get(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
            command.addAll(java.util.List.of(options));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            RedisProcess redis = new RedisProcess(process, port);
            for (int i = 0; i < 100; i++) {
                if (redis.accepts()) {
                    return Optional.of(redis);
                }
                if (!process.isAlive()) {
                    return Optional.empty();
                }
                Thread.sleep(50);
            }
            redis.close();
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /**
     * One command through {@code redis-cli} (installed with redis-server), as an operator would inspect the data: its
     * output, one reply per line.
     */
    public String cli(String... args) throws IOException, InterruptedException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(java.util.List.of(args));
        Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(cli.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!cli.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || cli.exitValue() != 0) {
            throw new IOException("redis-cli " + String.join(" ", args) + " failed: " + output);
        }
        return output;
    }

    /**
     * A loopback URL where nothing listens: Redis "down". Port 1 (tcpmux, never served here) rather than a port found
     * free: a free port can be taken a moment later by a redis-server another test starts, and Redis is then up after all.
     */
    public static String unreachableUrl() {
        return "redis://127.0.0.1:1";
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Optional<String> executable() {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin" + File.pathSeparator + "/usr/sbin"
                + File.pathSeparator + "/usr/local/bin";
        return Stream.of(path.split(File.pathSeparator))
                .map(dir -> new File(dir, "redis-server"))
                .filter(File::canExecute)
                .map(File::getPath)
                .findFirst();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
