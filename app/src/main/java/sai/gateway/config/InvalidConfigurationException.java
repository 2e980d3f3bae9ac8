package sai.gateway.config;

import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;

import java.util.List;

/**
 * The gateway's configuration cannot work: every problem found, one line each, in the form operators read
 * ({@code Configuration error: VARIABLE ...}). The message holds the same lines, so wherever the exception
 * surfaces (the Lambda runtime's init error report wraps it in the framework's own exception) they can be
 * read as they are.
 */
public final class InvalidConfigurationException extends ConfigurationException {

    private final List<String> lines;

    public InvalidConfigurationException(List<String> lines) {
        super("the gateway cannot start with this configuration:\n" + String.join("\n", lines));
        this.lines = List.copyOf(lines);
    }

    public List<String> lines() {
        return lines;
    }

    /** This exception anywhere in {@code failure}'s cause chain, as the framework wraps what bean constructors throw. */
    @Nullable
    public static InvalidConfigurationException in(@Nullable Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidConfigurationException invalid) {
                return invalid;
            }
        }
        return null;
    }
}
