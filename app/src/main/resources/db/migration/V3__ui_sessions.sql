-- Dashboard sign-ins (ui.UiSessions). Kept in the database, not in a replica's memory, so a session works on every
-- replica and Lambda instance and signing out ends it everywhere. The id is stored only as its SHA-256: a copy of the
-- table opens no session. The cookie also carries an HMAC under the admin key, so changing the key ends every session.
CREATE TABLE ui_session (
    id_hash    VARCHAR(64) NOT NULL PRIMARY KEY,
    csrf_token VARCHAR(64) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ui_session_expires ON ui_session (expires_at);
