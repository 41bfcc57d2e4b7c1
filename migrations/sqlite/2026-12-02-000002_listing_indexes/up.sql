-- Indexes of the lists paged in SQL (issue 9): a department's targets by id (GET /targets),
-- the review queue most recently changed first (GET /review/targets, per year or overall),
-- its counts per state, and the published targets by target id (GET /public/targets).
CREATE INDEX targets_department_id ON targets (department_code, id);
CREATE INDEX targets_change ON targets (updated_at, id);
CREATE INDEX targets_year_change ON targets (fiscal_year, updated_at, id);
CREATE INDEX targets_year_status ON targets (fiscal_year, status);
CREATE INDEX target_versions_published ON target_versions (kind, classified, target_id, revision);
