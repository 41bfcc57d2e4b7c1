-- Partitioning by fiscal year is PostgreSQL's (see the postgres migration of the same name).
-- SQLite has no declarative partitioning and serves one city: nothing changes here; the
-- migration exists so both backends keep the same list of migrations.
SELECT 1;
