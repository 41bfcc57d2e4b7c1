DROP INDEX opinions_assignment;
DROP INDEX rectifications_status_id;
DROP INDEX evaluations_department_id;
DROP INDEX targets_sort_year;
DROP INDEX targets_sort_status;
DROP INDEX targets_sort_amount;
DROP INDEX targets_sort_name;
