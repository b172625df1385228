-- The feedback store: one schema for SQLite and PostgreSQL. Only portable SQL is used here
-- (TEXT, BIGINT, UNIQUE, REFERENCES, CREATE INDEX); times are Unix milliseconds, dates are
-- ISO `yyyy-mm-dd` text, flags are 0/1. Ids are text: tracking codes for submissions, and
-- time-ordered ids (13 hex digits of milliseconds + random) for events and the audit log.

-- What a person submitted, without who they are.
CREATE TABLE submissions (
    code TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    consent_publish BIGINT NOT NULL,
    status TEXT NOT NULL,
    unit TEXT,
    received_at BIGINT NOT NULL,
    due_date TEXT NOT NULL,
    answered_at BIGINT,
    published_at BIGINT,
    erased BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX submissions_unit_due ON submissions (unit, due_date);
CREATE INDEX submissions_status ON submissions (status);

-- Who submitted it: the only personal data, kept apart so that public pages never read it.
CREATE TABLE submitters (
    code TEXT PRIMARY KEY REFERENCES submissions (code),
    name TEXT NOT NULL,
    contact TEXT NOT NULL,
    contact_kind TEXT NOT NULL
);

-- The public status history shown on the tracking page.
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL REFERENCES submissions (code),
    at BIGINT NOT NULL,
    status TEXT NOT NULL,
    unit TEXT
);
CREATE INDEX events_code ON events (code, id);

-- The routing suggestion made on arrival, and intake's decision on it.
CREATE TABLE routing (
    code TEXT PRIMARY KEY REFERENCES submissions (code),
    suggested_unit TEXT NOT NULL,
    confidence DOUBLE PRECISION NOT NULL,
    reason TEXT NOT NULL,
    decided_unit TEXT,
    decided_by TEXT,
    decided_at BIGINT
);

-- The answer: drafted by unit staff, approved, then published (anonymised).
CREATE TABLE answers (
    code TEXT PRIMARY KEY REFERENCES submissions (code),
    draft TEXT NOT NULL,
    drafted_by TEXT NOT NULL,
    drafted_at BIGINT NOT NULL,
    approved_by TEXT,
    approved_at BIGINT,
    public_question TEXT,
    published_by TEXT,
    published_at BIGINT
);

-- Staff accounts and their sessions (only the SHA-256 of a session token is stored).
CREATE TABLE users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    unit TEXT,
    created_at BIGINT NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users (username),
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Append-only: who did what, when, to which item. The store has no UPDATE or DELETE for it.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    code TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_code ON audit_log (code);

-- Mail to submitters, written in the same transaction as the change it announces and sent later.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL REFERENCES submissions (code),
    created_at BIGINT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    sent_at BIGINT
);
CREATE INDEX outbox_pending ON outbox (sent_at, created_at);
