//! Search and sort of the lists people read (`SESSIONS-API.md`, "Lists people search and
//! sort"): a `q` that matches project names and codes and department names and codes, and a
//! keyset order on (key, id) — the cursor stays the id of the last row, and the next page
//! starts after that row's (key, id), read from the table in the same statement.

/// What a list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Last change first (the default).
    #[default]
    Changed,
    /// Project name.
    Name,
    /// Department name.
    Department,
    /// Annual total (the approved amount on the public list).
    Amount,
    /// Status.
    Status,
    /// Fiscal year.
    FiscalYear,
}

/// Ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

impl Sort {
    /// Each sort's natural direction: the last change first, the others ascending.
    pub fn default_order(self) -> Order {
        if self == Sort::Changed { Order::Desc } else { Order::Asc }
    }
}

/// The table a list reads, for the sort keys' SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `targets` (the department's list and the review queue).
    Targets,
    /// `target_versions` (the published versions of the public list).
    Published,
}

/// The SQL of a sort key over the table alias `t`; `None` when the list has no such key.
pub fn key_sql(sort: Sort, source: Source, t: &str, sqlite: bool) -> Option<String> {
    let amount_col = match source {
        Source::Targets => "annual_total",
        Source::Published => "approved_amount",
    };
    Some(match sort {
        Sort::Changed => match source {
            Source::Targets => format!("{t}.updated_at"),
            Source::Published => format!("{t}.at"),
        },
        Sort::Name => format!("COALESCE({t}.project_name, '')"),
        Sort::Department => format!(
            "COALESCE((SELECT d.name FROM departments d WHERE d.code = {t}.department_code), {t}.department_code)"
        ),
        // SQLite keeps money as exact decimal text: compare it as a number.
        Sort::Amount if sqlite => format!("CAST(COALESCE({t}.{amount_col}, '0') AS REAL)"),
        Sort::Amount => format!("COALESCE({t}.{amount_col}, 0)"),
        // The workflow's order, not the alphabet's.
        Sort::Status => match source {
            Source::Targets => format!(
                "CASE {t}.status WHEN 'draft' THEN 0 WHEN 'submitted' THEN 1 WHEN 'returned' THEN 2 WHEN 'approved' THEN 3 ELSE 4 END"
            ),
            Source::Published => return None,
        },
        Sort::FiscalYear => format!("COALESCE({t}.fiscal_year, 0)"),
    })
}

/// `LIKE` pattern of a search text: lower case, `%`, `_` and `\` escaped, inside `%…%`.
pub fn like_pattern(q: &str) -> String {
    let mut p = String::with_capacity(q.len() + 2);
    p.push('%');
    for c in q.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The search condition over table `$t` (a `&str` alias) for the text `$q`: project name or
/// code, department code or name (a macro: the expression's type depends on its binds). A
/// table without a project code (the published versions) says `no_code`.
macro_rules! search_sql {
    ($t:expr, $q:expr, no_code) => {{
        let t = $t;
        $crate::store::sort::search_sql!(@ t, $q, format!("''"))
    }};
    ($t:expr, $q:expr) => {{
        let t = $t;
        $crate::store::sort::search_sql!(@ t, $q, format!("COALESCE({t}.project_code, '')"))
    }};
    (@ $t:ident, $q:expr, $code:expr) => {{
        let (t, p, code) = ($t, $crate::store::sort::like_pattern($q), $code);
        diesel::dsl::sql::<diesel::sql_types::Bool>(&format!("(lower(COALESCE({t}.project_name, '')) LIKE "))
            .bind::<diesel::sql_types::Text, _>(p.clone())
            .sql(&format!(" ESCAPE '\\' OR lower({code}) LIKE "))
            .bind::<diesel::sql_types::Text, _>(p.clone())
            .sql(&format!(" ESCAPE '\\' OR lower({t}.department_code) LIKE "))
            .bind::<diesel::sql_types::Text, _>(p.clone())
            .sql(&format!(
                " ESCAPE '\\' OR {t}.department_code IN (SELECT d.code FROM departments d WHERE lower(d.name) LIKE "
            ))
            .bind::<diesel::sql_types::Text, _>(p)
            .sql(" ESCAPE '\\'))")
    }};
}
pub(crate) use search_sql;

/// A list's keyset paging on (key, id): the condition "after the cursor row" up to the
/// cursor's bind (the caller binds the id and closes it with `)`), and the ORDER BY.
/// `table` is the list's table (unaliased in the outer query), `id` its id column, `lookup`
/// the FROM … WHERE … of the cursor row with alias `c`, ending where the id is bound.
pub fn keyset(
    sort: Sort,
    order: Order,
    source: Source,
    sqlite: bool,
    table: &str,
    id: &str,
    lookup: &str,
) -> Option<(String, String)> {
    let outer = key_sql(sort, source, table, sqlite)?;
    let inner = key_sql(sort, source, "c", sqlite)?;
    let (op, dir) = match order {
        Order::Asc => (">", "ASC"),
        Order::Desc => ("<", "DESC"),
    };
    Some((
        format!("({outer}, {table}.{id}) {op} (SELECT {inner}, c.{id} {lookup} "),
        format!("{outer} {dir}, {table}.{id} {dir}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_escaped() {
        assert_eq!(like_pattern(" 100%_a\\B "), "%100\\%\\_a\\\\b%");
        assert_eq!(like_pattern("民政"), "%民政%");
    }

    #[test]
    fn each_list_has_its_keys() {
        assert_eq!(key_sql(Sort::Changed, Source::Published, "x", true).as_deref(), Some("x.at"));
        assert!(key_sql(Sort::Status, Source::Published, "x", true).is_none());
        assert!(key_sql(Sort::Amount, Source::Targets, "t", true).is_some_and(|s| s.contains("REAL")));
        assert_eq!(Sort::Changed.default_order(), Order::Desc);
        assert_eq!(Sort::Name.default_order(), Order::Asc);
    }
}
