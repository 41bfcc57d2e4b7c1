DROP TABLE IF EXISTS evaluation_deadlines;
ALTER TABLE re_evaluations DROP COLUMN organisation;
ALTER TABLE re_evaluations DROP COLUMN author_role;
DROP TABLE IF EXISTS evaluation_assignments;
DROP TABLE IF EXISTS evidence_files;
