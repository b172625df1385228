-- Safeguards that must hold across restarts and across several web nodes sharing the database:
-- the per-address submission limit and the login throttle count events here instead of in a
-- process's memory. A key is stored only as a salted SHA-256 (never an address or a user name
-- as typed), and each row expires with its window; `Store::sweep` deletes what has expired,
-- and the expired sessions with it.
CREATE TABLE throttle_events (
    id TEXT PRIMARY KEY,
    scope TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX throttle_events_key ON throttle_events (scope, key_hash, expires_at);
CREATE INDEX throttle_events_expiry ON throttle_events (expires_at);

-- Values made once per database (the throttle's salt), shared by every node.
CREATE TABLE store_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE INDEX sessions_expiry ON sessions (expires_at);
