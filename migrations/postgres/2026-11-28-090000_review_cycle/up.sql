-- The review cycle (issue 5), PostgreSQL. Money is NUMERIC, timestamps UTC, JSON as TEXT.
-- Versions, reviews, assignments and opinions are append-only (triggers).

-- Review state beyond targets.status: the version under work, the approved version in
-- force (kept during an adjustment) and the 差 mark (not entering the budget).
CREATE TABLE review_states (
    target_id          TEXT PRIMARY KEY,
    revision           INTEGER NOT NULL CHECK (revision >= 1),
    in_force_revision  INTEGER CHECK (in_force_revision IS NULL OR (in_force_revision >= 1 AND in_force_revision <= revision)),
    budget_excluded    BOOLEAN NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);

-- Snapshots of the document at each submission and each approval.
CREATE TABLE target_versions (
    id               BIGSERIAL PRIMARY KEY,
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
    approved_amount  NUMERIC(18, 2),
    at               TIMESTAMP NOT NULL
);
CREATE INDEX target_versions_target ON target_versions (target_id, id);
CREATE INDEX target_versions_public ON target_versions (kind, classified, fiscal_year, department_code);

CREATE TABLE reviews (
    id               TEXT PRIMARY KEY,
    target_id        TEXT NOT NULL,
    revision         INTEGER NOT NULL,
    decision         TEXT NOT NULL CHECK (decision IN ('approve', 'return')),
    grade            TEXT NOT NULL CHECK (grade IN ('excellent', 'good', 'fair', 'poor')),
    criteria         TEXT NOT NULL,
    opinion          TEXT,
    approved_amount  NUMERIC(18, 2),
    outcome          TEXT NOT NULL CHECK (outcome IN ('included', 'resubmit', 'excluded')),
    reviewer         TEXT NOT NULL,
    at               TIMESTAMP NOT NULL,
    CHECK (decision <> 'return' OR opinion IS NOT NULL),
    CHECK (decision <> 'approve' OR approved_amount IS NOT NULL)
);
CREATE INDEX reviews_target ON reviews (target_id, at);

CREATE TABLE assignments (
    id            TEXT PRIMARY KEY,
    target_id     TEXT NOT NULL,
    organisation  TEXT NOT NULL,
    due           TEXT NOT NULL,
    assigned_by   TEXT NOT NULL,
    at            TIMESTAMP NOT NULL,
    UNIQUE (target_id, organisation)
);
CREATE INDEX assignments_org ON assignments (organisation);

CREATE TABLE opinions (
    id              TEXT PRIMARY KEY,
    assignment_id   TEXT NOT NULL,
    target_id       TEXT NOT NULL,
    organisation    TEXT NOT NULL,
    revision        INTEGER NOT NULL,
    recommendation  TEXT NOT NULL CHECK (recommendation IN ('approve', 'revise')),
    average         NUMERIC(5, 2) NOT NULL,
    body            TEXT NOT NULL,
    author          TEXT NOT NULL,
    at              TIMESTAMP NOT NULL
);
CREATE INDEX opinions_target ON opinions (target_id, at);

CREATE FUNCTION review_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER target_versions_no_change BEFORE UPDATE OR DELETE ON target_versions
    FOR EACH ROW EXECUTE FUNCTION review_append_only();
CREATE TRIGGER reviews_no_change BEFORE UPDATE OR DELETE ON reviews
    FOR EACH ROW EXECUTE FUNCTION review_append_only();
CREATE TRIGGER assignments_no_change BEFORE UPDATE OR DELETE ON assignments
    FOR EACH ROW EXECUTE FUNCTION review_append_only();
CREATE TRIGGER opinions_no_change BEFORE UPDATE OR DELETE ON opinions
    FOR EACH ROW EXECUTE FUNCTION review_append_only();

-- A target that was ever submitted or approved is kept (its history refers to it).
CREATE FUNCTION targets_keep_reviewed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM target_versions WHERE target_id = OLD.id) THEN
        RAISE EXCEPTION 'a target that was submitted is kept';
    END IF;
    RETURN OLD;
END;
$$;
CREATE TRIGGER targets_keep_reviewed BEFORE DELETE ON targets
    FOR EACH ROW EXECUTE FUNCTION targets_keep_reviewed();
