package sai.gateway.database;

import io.micronaut.core.annotation.Nullable;
import sai.gateway.secrets.Secret;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the database is, as JDBC wants it, from what operators write: {@code DATABASE_URL} empty (H2 in a file
 * under {@code DATA_DIR}), {@code postgres://user:password@host:5432/db} (Heroku's and most platforms' form), or a
 * JDBC URL ({@code jdbc:postgresql:} or {@code jdbc:h2:}). A password from {@code DATABASE_PASSWORD} (or its file)
 * wins over one in the URL. H2 always runs in its PostgreSQL mode, so one set of migrations and queries serves both.
 */
public record DatabaseUrl(Engine engine, String jdbcUrl, @Nullable String user, Optional<Secret> password) {

    public enum Engine { H2, POSTGRES }

    /**
     * PostgreSQL's dialect, and no close at JVM exit: H2's own shutdown hook would close the database while the
     * gateway's shutdown sequence still writes the last usage records; the pool closes it, last.
     */
    public static final String H2_MODE = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE";

    /**
     * The embedded database's page cache, in KB (H2's default is 16 MB): usage records are appended, reports read the
     * daily totals, so 4 MB keeps what is read; the other 12 MB of a 128 MB heap were live objects for every collection
     * to copy and a full collection each second under load (issue 16's note).
     */
    static final String H2_FILE_CACHE = ";CACHE_SIZE=4096";

    /** The accepted forms, for the configuration report (never the value: it may hold a password). */
    public static final String FORMS = "postgres://user:password@host:5432/database, or a jdbc:postgresql: or jdbc:h2: URL";

    public static DatabaseUrl of(@Nullable String url, @Nullable String givenUser, Optional<Secret> password, Path dataDir) {
        String value = url == null ? "" : url.strip();
        // An unset DATABASE_USER arrives as "": it must not override the URL's user.
        String user = givenUser == null || givenUser.isBlank() ? null : givenUser.strip();
        if (value.isEmpty()) {
            String file = dataDir.toAbsolutePath().normalize().resolve("gateway").toString();
            return new DatabaseUrl(Engine.H2, "jdbc:h2:file:" + file + H2_MODE + H2_FILE_CACHE, user == null ? "sa" : user, password);
        }
        if (value.startsWith("jdbc:h2:")) {
            String jdbc = value.contains(";MODE=") ? value : value + H2_MODE;
            return new DatabaseUrl(Engine.H2, jdbc, user == null ? "sa" : user, password);
        }
        if (value.startsWith("jdbc:postgresql:")) {
            return new DatabaseUrl(Engine.POSTGRES, value, user, password);
        }
        if (value.startsWith("postgres://") || value.startsWith("postgresql://")) {
            return fromUri(value, user, password);
        }
        throw new IllegalArgumentException("DATABASE_URL must be " + FORMS);
    }

    /** Null when the value is one of the accepted forms; the reason otherwise, without the value. */
    @Nullable
    public static String problem(@Nullable String url) {
        try {
            of(url, null, Optional.empty(), Path.of("."));
            return null;
        } catch (IllegalArgumentException e) {
            return "must be " + FORMS;
        }
    }

    private static DatabaseUrl fromUri(String value, @Nullable String user, Optional<Secret> password) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("DATABASE_URL must be " + FORMS);
        }
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new IllegalArgumentException("DATABASE_URL must be " + FORMS);
        }
        String name = user;
        Optional<Secret> secret = password;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            String urlUser = decode(colon < 0 ? info : info.substring(0, colon));
            if (name == null && !urlUser.isEmpty()) {
                name = urlUser;
            }
            if (secret.isEmpty() && colon >= 0) {
                secret = Optional.of(Secret.of(decode(info.substring(colon + 1))));
            }
        }
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new DatabaseUrl(Engine.POSTGRES, "jdbc:postgresql://" + uri.getHost() + port + uri.getRawPath() + query, name, secret);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "DatabaseUrl[" + engine + ", redacted]";
    }
}
