CREATE INDEX assignments_org ON assignments (organisation);
DROP INDEX assignments_org_at;
DROP INDEX assignments_at;
