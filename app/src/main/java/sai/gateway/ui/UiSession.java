package sai.gateway.ui;

import java.time.Instant;

/** A signed-in dashboard visitor: the token every form must send back, and when the sign-in ends. */
record UiSession(String csrfToken, Instant expiresAt) {

    static final String ATTRIBUTE = "sai.gateway.ui-session";

    @Override
    public String toString() {
        return "UiSession[expires " + expiresAt + "]";
    }
}
