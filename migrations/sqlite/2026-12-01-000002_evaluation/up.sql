-- Evaluation and results (绩效自评 → 复评 → 结果应用, FORMATS.md §4, §7), sqlite.
-- One self-evaluation per approved target; finance files (备案) or returns it; finance may
-- re-evaluate a filed one (append-only: the latest is the final score); closing a year gives
-- every approved target without a filed self-evaluation 0 分 (status zero_scored).
CREATE TABLE evaluations (
    id               TEXT PRIMARY KEY NOT NULL,
    target_id        TEXT NOT NULL UNIQUE REFERENCES targets (id),
    department_code  TEXT NOT NULL,
    fiscal_year      INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'filed', 'zero_scored')),
    document         TEXT NOT NULL,
    result           TEXT NOT NULL,
    total            TEXT,
    grade            TEXT CHECK (grade IS NULL OR grade IN ('excellent', 'good', 'fair', 'poor')),
    error_count      INTEGER NOT NULL,
    opinion          TEXT,
    zero_reason      TEXT,
    etag             TEXT NOT NULL,
    version          BIGINT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    created_by       TEXT NOT NULL,
    submitted_at     TIMESTAMP,
    decided_at       TIMESTAMP,
    decided_by       TEXT
);
CREATE INDEX evaluations_year_department ON evaluations (fiscal_year, department_code, id);
CREATE INDEX evaluations_year_status ON evaluations (fiscal_year, status, id);

CREATE TABLE re_evaluations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    evaluation_id  TEXT NOT NULL REFERENCES evaluations (id),
    document       TEXT NOT NULL,
    result         TEXT NOT NULL,
    total          TEXT NOT NULL,
    grade          TEXT NOT NULL CHECK (grade IN ('excellent', 'good', 'fair', 'poor')),
    reason         TEXT NOT NULL,
    author         TEXT NOT NULL,
    at             TIMESTAMP NOT NULL
);
CREATE INDEX re_evaluations_evaluation ON re_evaluations (evaluation_id, id);

-- Finance's own amount for next year's budget of a target, with its reason (结果应用); the
-- recommendation of FORMATS §7 is computed, never stored, so both are always shown.
CREATE TABLE budget_decisions (
    target_id    TEXT PRIMARY KEY NOT NULL REFERENCES targets (id),
    fiscal_year  INTEGER NOT NULL,
    amount       TEXT NOT NULL,
    reason       TEXT NOT NULL,
    decided_by   TEXT NOT NULL,
    decided_at   TIMESTAMP NOT NULL
);
CREATE INDEX budget_decisions_year ON budget_decisions (fiscal_year);

CREATE TABLE evaluation_years (
    fiscal_year  INTEGER PRIMARY KEY NOT NULL,
    closed_by    TEXT NOT NULL,
    closed_at    TIMESTAMP NOT NULL
);
CREATE TRIGGER re_evaluations_no_update BEFORE UPDATE ON re_evaluations
BEGIN SELECT RAISE(ABORT, 're_evaluations is append-only'); END;
CREATE TRIGGER re_evaluations_no_delete BEFORE DELETE ON re_evaluations
BEGIN SELECT RAISE(ABORT, 're_evaluations is append-only'); END;
