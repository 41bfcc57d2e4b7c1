DROP TRIGGER IF EXISTS targets_keep_reviewed;
DROP TABLE IF EXISTS opinions;
DROP TABLE IF EXISTS assignments;
DROP TABLE IF EXISTS reviews;
DROP TABLE IF EXISTS target_versions;
DROP TABLE IF EXISTS review_states;
