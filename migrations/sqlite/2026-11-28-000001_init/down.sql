DROP TRIGGER audit_events_no_delete;
DROP TRIGGER audit_events_no_update;
DROP TABLE audit_events;
DROP TABLE targets;
DROP TABLE api_tokens;
DROP TABLE departments;
