-- Monitoring (绩效运行监控, FORMATS.md §6), sqlite. Rounds (监控任务) are opened by finance for a
-- fiscal year through month N; a department reports each approved target once per round.
-- Snapshots of submitted and accepted reports are append-only; so are rectification results'
-- history rows in audit_events (subject = the report or flag id).
CREATE TABLE monitoring_rounds (
    id             TEXT PRIMARY KEY NOT NULL,
    fiscal_year    INTEGER NOT NULL,
    through_month  INTEGER NOT NULL CHECK (through_month BETWEEN 1 AND 12),
    deadline       TEXT NOT NULL,
    opened_by      TEXT NOT NULL,
    opened_at      TIMESTAMP NOT NULL,
    UNIQUE (fiscal_year, through_month)
);

CREATE TABLE monitoring_reports (
    id               TEXT PRIMARY KEY NOT NULL,
    round_id         TEXT NOT NULL REFERENCES monitoring_rounds (id),
    target_id        TEXT NOT NULL REFERENCES targets (id),
    department_code  TEXT NOT NULL,
    fiscal_year      INTEGER NOT NULL,
    through_month    INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'accepted')),
    document         TEXT NOT NULL,
    result           TEXT NOT NULL,
    light            TEXT CHECK (light IS NULL OR light IN ('red', 'yellow', 'green')),
    budget           TEXT,
    executed         TEXT,
    error_count      INTEGER NOT NULL,
    warning_count    INTEGER NOT NULL,
    opinion          TEXT,
    etag             TEXT NOT NULL,
    version          BIGINT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    created_by       TEXT NOT NULL,
    submitted_at     TIMESTAMP,
    decided_at       TIMESTAMP,
    decided_by       TEXT,
    UNIQUE (round_id, target_id)
);
CREATE INDEX monitoring_reports_round_department ON monitoring_reports (round_id, department_code, id);
CREATE INDEX monitoring_reports_round_light ON monitoring_reports (round_id, light, id);
CREATE INDEX monitoring_reports_year_target ON monitoring_reports (fiscal_year, target_id, through_month);

CREATE TABLE monitoring_snapshots (
    id          INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    report_id   TEXT NOT NULL REFERENCES monitoring_reports (id),
    kind        TEXT NOT NULL CHECK (kind IN ('submitted', 'accepted')),
    document    TEXT NOT NULL,
    result      TEXT NOT NULL,
    etag        TEXT NOT NULL,
    at          TIMESTAMP NOT NULL
);
CREATE INDEX monitoring_snapshots_report ON monitoring_snapshots (report_id, id);

-- 需要整改: finance raises a task on a monitoring report or a self-evaluation; the result is
-- recorded once (status open -> done).
CREATE TABLE rectifications (
    id               TEXT PRIMARY KEY NOT NULL,
    report_id        TEXT REFERENCES monitoring_reports (id),
    evaluation_id    TEXT,
    target_id        TEXT NOT NULL,
    department_code  TEXT NOT NULL,
    problem          TEXT,
    requirement      TEXT NOT NULL,
    due              TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('open', 'done')),
    result           TEXT,
    raised_by        TEXT NOT NULL,
    raised_at        TIMESTAMP NOT NULL,
    resolved_by      TEXT,
    resolved_at      TIMESTAMP,
    CHECK (status <> 'done' OR result IS NOT NULL),
    CHECK (report_id IS NOT NULL OR evaluation_id IS NOT NULL)
);
CREATE INDEX rectifications_department ON rectifications (department_code, id);
CREATE INDEX rectifications_report ON rectifications (report_id);
CREATE TRIGGER monitoring_snapshots_no_update BEFORE UPDATE ON monitoring_snapshots
BEGIN SELECT RAISE(ABORT, 'monitoring_snapshots is append-only'); END;
CREATE TRIGGER monitoring_snapshots_no_delete BEFORE DELETE ON monitoring_snapshots
BEGIN SELECT RAISE(ABORT, 'monitoring_snapshots is append-only'); END;
