-- GET /assignments pages oldest first by (at, id): all of them for finance, one
-- organisation's for an assessor (issue 9). Replaces the index on organisation alone.
CREATE INDEX assignments_at ON assignments (at, id);
CREATE INDEX assignments_org_at ON assignments (organisation, at, id);
DROP INDEX assignments_org;
