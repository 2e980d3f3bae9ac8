package sai.gateway.openai;

import java.util.Locale;
import java.util.Optional;

/** The chat roles OpenAI clients send. */
public enum Role {
    SYSTEM, DEVELOPER, USER, ASSISTANT, TOOL;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** System and developer messages both instruct the model; SAI has one place for them. */
    public boolean isInstruction() {
        return this == SYSTEM || this == DEVELOPER;
    }

    public static Optional<Role> fromWire(String value) {
        for (Role role : values()) {
            if (role.wire().equals(value)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
