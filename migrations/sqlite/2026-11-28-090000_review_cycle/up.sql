-- The review cycle (issue 5), SQLite. Money is exact decimal TEXT, timestamps UTC TEXT,
-- JSON as TEXT. Versions, reviews, assignments and opinions are append-only (triggers).

-- Review state beyond targets.status: the version under work, the approved version in
-- force (kept during an adjustment) and the 差 mark (not entering the budget).
CREATE TABLE review_states (
    target_id          TEXT PRIMARY KEY NOT NULL,
    revision           INTEGER NOT NULL CHECK (revision >= 1),
    in_force_revision  INTEGER CHECK (in_force_revision IS NULL OR (in_force_revision >= 1 AND in_force_revision <= revision)),
    budget_excluded    BOOLEAN NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);

-- Snapshots of the document at each submission and each approval.
CREATE TABLE target_versions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    target_id        TEXT NOT NULL,
    revision         INTEGER NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('submitted', 'approved')),
    department_code  TEXT NOT NULL,
    fiscal_year      INTEGER,
    project_name     TEXT,
    profile          TEXT NOT NULL,
    classified       BOOLEAN NOT NULL,
    document         TEXT NOT NULL,
    etag             TEXT NOT NULL,
    approved_amount  TEXT,
    at               TIMESTAMP NOT NULL
);
CREATE INDEX target_versions_target ON target_versions (target_id, id);
CREATE INDEX target_versions_public ON target_versions (kind, classified, fiscal_year, department_code);

CREATE TABLE reviews (
    id               TEXT PRIMARY KEY NOT NULL,
    target_id        TEXT NOT NULL,
    revision         INTEGER NOT NULL,
    decision         TEXT NOT NULL CHECK (decision IN ('approve', 'return')),
    grade            TEXT NOT NULL CHECK (grade IN ('excellent', 'good', 'fair', 'poor')),
    criteria         TEXT NOT NULL,
    opinion          TEXT,
    approved_amount  TEXT,
    outcome          TEXT NOT NULL CHECK (outcome IN ('included', 'resubmit', 'excluded')),
    reviewer         TEXT NOT NULL,
    at               TIMESTAMP NOT NULL,
    CHECK (decision <> 'return' OR opinion IS NOT NULL),
    CHECK (decision <> 'approve' OR approved_amount IS NOT NULL)
);
CREATE INDEX reviews_target ON reviews (target_id, at);

CREATE TABLE assignments (
    id            TEXT PRIMARY KEY NOT NULL,
    target_id     TEXT NOT NULL,
    organisation  TEXT NOT NULL,
    due           TEXT NOT NULL,
    assigned_by   TEXT NOT NULL,
    at            TIMESTAMP NOT NULL,
    UNIQUE (target_id, organisation)
);
CREATE INDEX assignments_org ON assignments (organisation);

CREATE TABLE opinions (
    id              TEXT PRIMARY KEY NOT NULL,
    assignment_id   TEXT NOT NULL,
    target_id       TEXT NOT NULL,
    organisation    TEXT NOT NULL,
    revision        INTEGER NOT NULL,
    recommendation  TEXT NOT NULL CHECK (recommendation IN ('approve', 'revise')),
    average         TEXT NOT NULL,
    body            TEXT NOT NULL,
    author          TEXT NOT NULL,
    at              TIMESTAMP NOT NULL
);
CREATE INDEX opinions_target ON opinions (target_id, at);

CREATE TRIGGER target_versions_no_update BEFORE UPDATE ON target_versions
BEGIN SELECT RAISE(ABORT, 'target_versions is append-only'); END;
CREATE TRIGGER target_versions_no_delete BEFORE DELETE ON target_versions
BEGIN SELECT RAISE(ABORT, 'target_versions is append-only'); END;
CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews is append-only'); END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews is append-only'); END;
CREATE TRIGGER assignments_no_update BEFORE UPDATE ON assignments
BEGIN SELECT RAISE(ABORT, 'assignments is append-only'); END;
CREATE TRIGGER assignments_no_delete BEFORE DELETE ON assignments
BEGIN SELECT RAISE(ABORT, 'assignments is append-only'); END;
CREATE TRIGGER opinions_no_update BEFORE UPDATE ON opinions
BEGIN SELECT RAISE(ABORT, 'opinions is append-only'); END;
CREATE TRIGGER opinions_no_delete BEFORE DELETE ON opinions
BEGIN SELECT RAISE(ABORT, 'opinions is append-only'); END;

-- A target that was ever submitted or approved is kept (its history refers to it).
CREATE TRIGGER targets_keep_reviewed BEFORE DELETE ON targets
WHEN EXISTS (SELECT 1 FROM target_versions WHERE target_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'a target that was submitted is kept'); END;
