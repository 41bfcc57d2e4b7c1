DROP TRIGGER IF EXISTS targets_keep_reviewed ON targets;
DROP FUNCTION IF EXISTS targets_keep_reviewed();
DROP TABLE IF EXISTS opinions;
DROP TABLE IF EXISTS assignments;
DROP TABLE IF EXISTS reviews;
DROP TABLE IF EXISTS target_versions;
DROP TABLE IF EXISTS review_states;
DROP FUNCTION IF EXISTS review_append_only();
