DROP TABLE IF EXISTS rectifications;
DROP TABLE IF EXISTS monitoring_snapshots;
DROP TABLE IF EXISTS monitoring_reports;
DROP TABLE IF EXISTS monitoring_rounds;
DROP FUNCTION IF EXISTS monitoring_snapshots_append_only();
