-- Partitioning by fiscal year (issue 9), PostgreSQL. `targets` and the stage tables that carry a
-- fiscal year — `monitoring_reports` (stage 3), `evaluations` (stage 4) and `budget_decisions`
-- (stage 5) — become LIST-partitioned by `fiscal_year`: one partition per year
-- (`targets_2019`, `evaluations_2019`, …), made by `jixiao_year_partitions(year)`, and a DEFAULT
-- partition (`targets_default`, …) for targets without a year yet (drafts whose document has
-- none) and for a year whose partitions were not made before its first row. The server makes
-- this year's and next year's partitions each time it starts, and the year's when finance opens
-- a monitoring round; rows never have to move, and a write never fails for want of a partition.
--
-- A unique key on a partitioned table must contain the partition key, so the keys become
-- (id, fiscal_year): `targets` has UNIQUE NULLS NOT DISTINCT (id, fiscal_year) (a draft's year
-- may be NULL; a primary key may not), the stage tables PRIMARY KEY (id, fiscal_year). Ids are
-- UUID v4 made by the server, so an id is unique across years in practice; the database
-- enforces it per year. Foreign keys to the partitioned tables carry the year: the stage
-- tables' own (target_id, fiscal_year), and their children — snapshots, rectifications,
-- re-evaluations, evidence files, evaluation assignments — a `fiscal_year` column that a
-- BEFORE INSERT trigger copies from the parent (the server never writes it, SQLite has none),
-- checked MATCH FULL so a row without its parent is refused as before.

CREATE FUNCTION jixiao_year_partitions(p_year INTEGER) RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
    t     TEXT;
    taken BOOLEAN;
    made  INTEGER := 0;
BEGIN
    IF p_year IS NULL OR p_year < 2000 OR p_year > 2100 THEN
        RAISE EXCEPTION 'fiscal year % is outside 2000–2100', p_year;
    END IF;
    -- Two servers starting at once: one makes the partitions, the other then finds them.
    PERFORM pg_advisory_xact_lock(hashtext('jixiao_year_partitions'), p_year);
    FOREACH t IN ARRAY ARRAY['targets', 'monitoring_reports', 'evaluations', 'budget_decisions'] LOOP
        CONTINUE WHEN to_regclass(quote_ident(t || '_' || p_year)) IS NOT NULL;
        -- Rows of the year already in the default partition stay there (moving them would
        -- need every row that refers to them moved first); they are correct where they are.
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE fiscal_year = $1)', t || '_default')
            INTO taken USING p_year;
        CONTINUE WHEN taken;
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES IN (%s)', t || '_' || p_year, t, p_year);
        made := made + 1;
    END LOOP;
    RETURN made;
END;
$$;

-- 1. The foreign keys that point at the tables being rebuilt.
ALTER TABLE monitoring_snapshots DROP CONSTRAINT monitoring_snapshots_report_id_fkey;
ALTER TABLE rectifications DROP CONSTRAINT rectifications_report_id_fkey;
ALTER TABLE re_evaluations DROP CONSTRAINT re_evaluations_evaluation_id_fkey;
ALTER TABLE evidence_files DROP CONSTRAINT evidence_files_evaluation_id_fkey;
ALTER TABLE evaluation_assignments DROP CONSTRAINT evaluation_assignments_evaluation_id_fkey;

-- 2. Each table rebuilt as a partitioned one with the same columns, defaults and checks.
ALTER TABLE budget_decisions RENAME TO budget_decisions_unpartitioned;
ALTER TABLE evaluations RENAME TO evaluations_unpartitioned;
ALTER TABLE monitoring_reports RENAME TO monitoring_reports_unpartitioned;
ALTER TABLE targets RENAME TO targets_unpartitioned;

CREATE TABLE targets (LIKE targets_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    PARTITION BY LIST (fiscal_year);
CREATE TABLE monitoring_reports (LIKE monitoring_reports_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    PARTITION BY LIST (fiscal_year);
CREATE TABLE evaluations (LIKE evaluations_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    PARTITION BY LIST (fiscal_year);
CREATE TABLE budget_decisions (LIKE budget_decisions_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    PARTITION BY LIST (fiscal_year);
CREATE TABLE targets_default PARTITION OF targets DEFAULT;
CREATE TABLE monitoring_reports_default PARTITION OF monitoring_reports DEFAULT;
CREATE TABLE evaluations_default PARTITION OF evaluations DEFAULT;
CREATE TABLE budget_decisions_default PARTITION OF budget_decisions DEFAULT;

-- 3. A partition for every year already stored, then the rows (routed to their partitions).
SELECT jixiao_year_partitions(y) FROM (
    SELECT fiscal_year FROM targets_unpartitioned
    UNION SELECT fiscal_year FROM monitoring_reports_unpartitioned
    UNION SELECT fiscal_year FROM evaluations_unpartitioned
    UNION SELECT fiscal_year FROM budget_decisions_unpartitioned
) AS years (y) WHERE y BETWEEN 2000 AND 2100 ORDER BY y;
INSERT INTO targets SELECT * FROM targets_unpartitioned;
INSERT INTO monitoring_reports SELECT * FROM monitoring_reports_unpartitioned;
INSERT INTO evaluations SELECT * FROM evaluations_unpartitioned;
INSERT INTO budget_decisions SELECT * FROM budget_decisions_unpartitioned;
DROP TABLE budget_decisions_unpartitioned, evaluations_unpartitioned, monitoring_reports_unpartitioned,
    targets_unpartitioned;

-- 4. Keys and foreign keys, with the year.
ALTER TABLE targets ADD CONSTRAINT targets_pkey UNIQUE NULLS NOT DISTINCT (id, fiscal_year);
ALTER TABLE monitoring_reports ADD CONSTRAINT monitoring_reports_pkey PRIMARY KEY (id, fiscal_year);
ALTER TABLE monitoring_reports ADD CONSTRAINT monitoring_reports_round_id_target_id_key
    UNIQUE (round_id, target_id, fiscal_year);
ALTER TABLE monitoring_reports ADD CONSTRAINT monitoring_reports_round_id_fkey
    FOREIGN KEY (round_id) REFERENCES monitoring_rounds (id);
ALTER TABLE monitoring_reports ADD CONSTRAINT monitoring_reports_target_fkey
    FOREIGN KEY (target_id, fiscal_year) REFERENCES targets (id, fiscal_year);
ALTER TABLE evaluations ADD CONSTRAINT evaluations_pkey PRIMARY KEY (id, fiscal_year);
ALTER TABLE evaluations ADD CONSTRAINT evaluations_target_id_key UNIQUE (target_id, fiscal_year);
ALTER TABLE evaluations ADD CONSTRAINT evaluations_target_fkey
    FOREIGN KEY (target_id, fiscal_year) REFERENCES targets (id, fiscal_year);
ALTER TABLE budget_decisions ADD CONSTRAINT budget_decisions_pkey PRIMARY KEY (target_id, fiscal_year);
ALTER TABLE budget_decisions ADD CONSTRAINT budget_decisions_target_fkey
    FOREIGN KEY (target_id, fiscal_year) REFERENCES targets (id, fiscal_year);

-- 5. The indexes of the lists (as in the earlier migrations; each partition gets its own).
CREATE INDEX targets_department_year ON targets (department_code, fiscal_year);
CREATE INDEX targets_status ON targets (status);
CREATE INDEX targets_department_id ON targets (department_code, id);
CREATE INDEX targets_change ON targets (updated_at, id);
CREATE INDEX targets_year_change ON targets (fiscal_year, updated_at, id);
CREATE INDEX targets_year_status ON targets (fiscal_year, status);
CREATE INDEX targets_sort_name ON targets ((COALESCE(project_name, '')), id);
CREATE INDEX targets_sort_amount ON targets ((COALESCE(annual_total, 0)), id);
CREATE INDEX targets_sort_status ON targets ((CASE status WHEN 'draft' THEN 0 WHEN 'submitted' THEN 1 WHEN 'returned' THEN 2 WHEN 'approved' THEN 3 ELSE 4 END), id);
CREATE INDEX targets_sort_year ON targets ((COALESCE(fiscal_year, 0)), id);
CREATE INDEX monitoring_reports_round_department ON monitoring_reports (round_id, department_code, id);
CREATE INDEX monitoring_reports_round_light ON monitoring_reports (round_id, light, id);
CREATE INDEX monitoring_reports_year_target ON monitoring_reports (fiscal_year, target_id, through_month);
CREATE INDEX evaluations_year_department ON evaluations (fiscal_year, department_code, id);
CREATE INDEX evaluations_year_status ON evaluations (fiscal_year, status, id);
CREATE INDEX evaluations_department_id ON evaluations (department_code, id);
CREATE INDEX budget_decisions_year ON budget_decisions (fiscal_year);

-- 6. The children carry their parent's year, copied by a trigger, for the composite keys.
CREATE FUNCTION jixiao_year_of_report() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.fiscal_year := (SELECT r.fiscal_year FROM monitoring_reports r WHERE r.id = NEW.report_id);
    RETURN NEW;
END;
$$;
CREATE FUNCTION jixiao_year_of_evaluation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.fiscal_year := (SELECT e.fiscal_year FROM evaluations e WHERE e.id = NEW.evaluation_id);
    RETURN NEW;
END;
$$;

ALTER TABLE monitoring_snapshots ADD COLUMN fiscal_year INTEGER;
ALTER TABLE monitoring_snapshots DISABLE TRIGGER monitoring_snapshots_no_change;
UPDATE monitoring_snapshots c SET fiscal_year = p.fiscal_year FROM monitoring_reports p WHERE p.id = c.report_id;
ALTER TABLE monitoring_snapshots ENABLE TRIGGER monitoring_snapshots_no_change;
CREATE TRIGGER monitoring_snapshots_year BEFORE INSERT ON monitoring_snapshots
    FOR EACH ROW EXECUTE FUNCTION jixiao_year_of_report();
ALTER TABLE monitoring_snapshots ADD CONSTRAINT monitoring_snapshots_report_fkey
    FOREIGN KEY (report_id, fiscal_year) REFERENCES monitoring_reports (id, fiscal_year) MATCH FULL;

ALTER TABLE rectifications ADD COLUMN fiscal_year INTEGER;
UPDATE rectifications c SET fiscal_year = p.fiscal_year FROM monitoring_reports p WHERE p.id = c.report_id;
CREATE TRIGGER rectifications_year BEFORE INSERT OR UPDATE OF report_id ON rectifications
    FOR EACH ROW EXECUTE FUNCTION jixiao_year_of_report();
ALTER TABLE rectifications ADD CONSTRAINT rectifications_report_fkey
    FOREIGN KEY (report_id, fiscal_year) REFERENCES monitoring_reports (id, fiscal_year) MATCH FULL;

ALTER TABLE re_evaluations ADD COLUMN fiscal_year INTEGER;
ALTER TABLE re_evaluations DISABLE TRIGGER re_evaluations_no_change;
UPDATE re_evaluations c SET fiscal_year = p.fiscal_year FROM evaluations p WHERE p.id = c.evaluation_id;
ALTER TABLE re_evaluations ENABLE TRIGGER re_evaluations_no_change;
CREATE TRIGGER re_evaluations_year BEFORE INSERT ON re_evaluations
    FOR EACH ROW EXECUTE FUNCTION jixiao_year_of_evaluation();
ALTER TABLE re_evaluations ADD CONSTRAINT re_evaluations_evaluation_fkey
    FOREIGN KEY (evaluation_id, fiscal_year) REFERENCES evaluations (id, fiscal_year) MATCH FULL;

ALTER TABLE evidence_files ADD COLUMN fiscal_year INTEGER;
UPDATE evidence_files c SET fiscal_year = p.fiscal_year FROM evaluations p WHERE p.id = c.evaluation_id;
CREATE TRIGGER evidence_files_year BEFORE INSERT ON evidence_files
    FOR EACH ROW EXECUTE FUNCTION jixiao_year_of_evaluation();
ALTER TABLE evidence_files ADD CONSTRAINT evidence_files_evaluation_fkey
    FOREIGN KEY (evaluation_id, fiscal_year) REFERENCES evaluations (id, fiscal_year) MATCH FULL;

ALTER TABLE evaluation_assignments ADD COLUMN fiscal_year INTEGER;
UPDATE evaluation_assignments c SET fiscal_year = p.fiscal_year FROM evaluations p WHERE p.id = c.evaluation_id;
CREATE TRIGGER evaluation_assignments_year BEFORE INSERT ON evaluation_assignments
    FOR EACH ROW EXECUTE FUNCTION jixiao_year_of_evaluation();
ALTER TABLE evaluation_assignments ADD CONSTRAINT evaluation_assignments_evaluation_fkey
    FOREIGN KEY (evaluation_id, fiscal_year) REFERENCES evaluations (id, fiscal_year) MATCH FULL;
