package sai.gateway.conversation;

import java.util.Locale;
import java.util.Optional;

/** The chat roles OpenAI clients send. */
public enum Role {
    SYSTEM, DEVELOPER, USER, ASSISTANT, TOOL;

    private static final Role[] ALL = values();

    /** Computed once: every message of every request is looked up by it. */
    private final String wire = name().toLowerCase(Locale.ROOT);

    public String wire() {
        return wire;
    }

    /** System and developer messages both instruct the model; SAI has one place for them. */
    public boolean isInstruction() {
        return this == SYSTEM || this == DEVELOPER;
    }

    public static Optional<Role> fromWire(String value) {
        for (Role role : ALL) {
            if (role.wire().equals(value)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
