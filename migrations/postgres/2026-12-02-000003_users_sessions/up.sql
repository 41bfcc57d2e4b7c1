-- Sign-in for people (postgres): users with an argon2id password hash (PHC string) and a role;
-- sessions kept in the database (only the SHA-256 of the cookie's secret), so every server
-- on one database shares them. Failed sign-ins are counted per account (failed_count since
-- failed_since) to slow and limit guessing; each attempt also writes an audit row.
CREATE TABLE users (
    id                   TEXT PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('department', 'finance', 'assessor', 'admin')),
    department_code      TEXT,
    org                  TEXT,
    created_at           TIMESTAMP NOT NULL,
    password_changed_at  TIMESTAMP NOT NULL,
    disabled_at          TIMESTAMP,
    failed_count         INTEGER NOT NULL DEFAULT 0,
    failed_since         TIMESTAMP,
    CHECK ((role = 'department') = (department_code IS NOT NULL)),
    CHECK ((role = 'assessor') = (org IS NOT NULL))
);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    csrf_token   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);
