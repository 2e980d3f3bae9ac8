package sai.gateway.ui;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/** A row of {@code ui_session}: the session id only as its SHA-256, never the id itself. */
@MappedEntity("ui_session")
record UiSessionRow(@Id String idHash, String csrfToken, Instant createdAt, Instant expiresAt) {

    @Override
    public String toString() {
        return "UiSessionRow[expires " + expiresAt + "]";
    }
}
