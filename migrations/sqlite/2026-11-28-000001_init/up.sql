-- jixiao core schema (SQLite). Money is exact decimal TEXT, timestamps are UTC TEXT,
-- JSON documents are TEXT. Review tables come in later migrations named *review*.
CREATE TABLE departments (
    code        TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE api_tokens (
    id              TEXT PRIMARY KEY NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('department', 'finance', 'assessor', 'admin')),
    department_code TEXT,
    org             TEXT,
    created_at      TIMESTAMP NOT NULL,
    revoked_at      TIMESTAMP,
    CHECK (role <> 'department' OR department_code IS NOT NULL),
    CHECK (role <> 'assessor' OR org IS NOT NULL)
);

CREATE TABLE targets (
    id              TEXT PRIMARY KEY NOT NULL,
    department_code TEXT NOT NULL,
    fiscal_year     INTEGER,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'approved')),
    classified      BOOLEAN NOT NULL,
    profile         TEXT NOT NULL,
    project_code    TEXT,
    project_name    TEXT,
    annual_total    TEXT,
    document        TEXT NOT NULL,
    violations      TEXT NOT NULL,
    valid           BOOLEAN NOT NULL,
    error_count     INTEGER NOT NULL,
    warning_count   INTEGER NOT NULL,
    etag            TEXT NOT NULL,
    version         BIGINT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    created_by      TEXT NOT NULL
);
CREATE INDEX targets_department_year ON targets (department_code, fiscal_year);
CREATE INDEX targets_status ON targets (status);

-- Append-only: no code path updates or deletes these rows (the triggers enforce it).
CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    target_id   TEXT NOT NULL,
    actor       TEXT NOT NULL,
    role        TEXT NOT NULL,
    action      TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    old_etag    TEXT,
    new_etag    TEXT,
    detail      TEXT NOT NULL
);
CREATE INDEX audit_events_target ON audit_events (target_id, id);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
