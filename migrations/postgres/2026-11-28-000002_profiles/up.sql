-- Rule profiles added by a region at run time (FORMATS.md: profiles are data). The
-- built-in profiles are not stored; `document` is the profile file as uploaded.
CREATE TABLE profiles (
    id          TEXT PRIMARY KEY NOT NULL,
    document    TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NOT NULL
);
