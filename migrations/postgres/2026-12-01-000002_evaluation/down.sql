DROP TABLE IF EXISTS evaluation_years;
DROP TABLE IF EXISTS budget_decisions;
DROP TABLE IF EXISTS re_evaluations;
DROP TABLE IF EXISTS evaluations;
DROP FUNCTION IF EXISTS re_evaluations_append_only();
