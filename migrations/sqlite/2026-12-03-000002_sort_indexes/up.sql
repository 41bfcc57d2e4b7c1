-- Every list served by an index (issue 9; checked by crates/server/tests/plans.rs): the sort
-- keys of GET /targets and the review queue (`?sort=name|amount|status|fiscal_year`), each with
-- the id as the keyset tiebreak, so a page in any order reads only its own rows; a
-- department's evaluations by id; open rectifications by id; an assignment's opinions.
-- The expressions are those of store::sort::key_sql (they must match it to be used).
CREATE INDEX targets_sort_name ON targets ((COALESCE(project_name, '')), id);
CREATE INDEX targets_sort_amount ON targets ((CAST(COALESCE(annual_total, '0') AS REAL)), id);
CREATE INDEX targets_sort_status ON targets ((CASE status WHEN 'draft' THEN 0 WHEN 'submitted' THEN 1 WHEN 'returned' THEN 2 WHEN 'approved' THEN 3 ELSE 4 END), id);
CREATE INDEX targets_sort_year ON targets ((COALESCE(fiscal_year, 0)), id);
CREATE INDEX evaluations_department_id ON evaluations (department_code, id);
CREATE INDEX rectifications_status_id ON rectifications (status, id);
CREATE INDEX opinions_assignment ON opinions (assignment_id, at, id);
