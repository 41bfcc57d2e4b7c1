DROP INDEX IF EXISTS target_versions_published;
DROP INDEX IF EXISTS targets_year_status;
DROP INDEX IF EXISTS targets_year_change;
DROP INDEX IF EXISTS targets_change;
DROP INDEX IF EXISTS targets_department_id;
