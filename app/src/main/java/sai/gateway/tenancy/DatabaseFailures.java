package sai.gateway.tenancy;

import java.sql.SQLException;

/**
 * What a database failure may say in a log or a startup line: the innermost exception's class and SQL state. Driver
 * messages can quote values (a row's content, a connection string), so they are never repeated.
 */
public final class DatabaseFailures {

    private DatabaseFailures() {
    }

    public static String describe(Throwable failure) {
        Throwable innermost = failure;
        SQLException sql = null;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            innermost = t;
            if (t instanceof SQLException s) {
                sql = s;
            }
        }
        if (sql != null && sql.getSQLState() != null) {
            return sql.getClass().getSimpleName() + ", SQL state " + sql.getSQLState() + hint(sql.getSQLState());
        }
        return innermost.getClass().getSimpleName();
    }

    /** The states operators meet first, in words. */
    private static String hint(String state) {
        if (state.startsWith("08")) {
            return ": cannot connect";
        }
        if (state.equals("28P01") || state.startsWith("28")) {
            return ": the user or password is refused";
        }
        if (state.equals("3D000")) {
            return ": no such database";
        }
        return "";
    }
}
