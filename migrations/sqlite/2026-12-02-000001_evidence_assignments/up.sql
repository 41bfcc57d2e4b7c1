-- Evaluation, continued (sqlite): evidence files of a self-evaluation (佐证材料: stored with their
-- checksum, never public), the assignment of a filed evaluation to a third-party assessor for
-- re-evaluation (复评), the re-evaluator's role, and a year's self-evaluation deadline.
CREATE TABLE evidence_files (
    id             TEXT PRIMARY KEY NOT NULL,
    evaluation_id  TEXT NOT NULL REFERENCES evaluations (id),
    file_name      TEXT NOT NULL,
    media_type     TEXT NOT NULL,
    size_bytes     BIGINT NOT NULL CHECK (size_bytes > 0),
    sha256         TEXT NOT NULL CHECK (length(sha256) = 64),
    content        BLOB NOT NULL,
    uploaded_by    TEXT NOT NULL,
    uploaded_at    TIMESTAMP NOT NULL
);
CREATE INDEX evidence_files_evaluation ON evidence_files (evaluation_id, id);
-- The same file twice on one evaluation is refused (409), not stored twice.
CREATE UNIQUE INDEX evidence_files_once ON evidence_files (evaluation_id, sha256);

CREATE TABLE evaluation_assignments (
    id             TEXT PRIMARY KEY NOT NULL,
    evaluation_id  TEXT NOT NULL REFERENCES evaluations (id),
    organisation   TEXT NOT NULL,
    assigned_by    TEXT NOT NULL,
    at             TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX evaluation_assignments_once ON evaluation_assignments (evaluation_id, organisation);
CREATE INDEX evaluation_assignments_organisation ON evaluation_assignments (organisation, evaluation_id);

-- Who re-evaluated: finance, or the assessor organisation finance assigned.
ALTER TABLE re_evaluations ADD COLUMN author_role TEXT NOT NULL DEFAULT 'finance';
ALTER TABLE re_evaluations ADD COLUMN organisation TEXT;

-- The year's self-evaluation deadline (closing the year before it has passed is refused).
CREATE TABLE evaluation_deadlines (
    fiscal_year  INTEGER PRIMARY KEY NOT NULL,
    deadline     TEXT NOT NULL,
    set_by       TEXT NOT NULL,
    set_at       TIMESTAMP NOT NULL
);
