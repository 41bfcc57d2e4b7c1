//! Departments (主管部门 / budget units): code and name.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::departments;

/// A department row.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = departments)]
pub struct DepartmentRow {
    /// Code (e.g. `101`).
    pub code: String,
    /// Name (e.g. 阿图什市民政局).
    pub name: String,
    /// When it was first recorded.
    pub created_at: NaiveDateTime,
}

/// Inserts the department if its code is new; keeps an existing row unchanged.
pub fn ensure(conn: &mut AnyConnection, code: &str, name: &str, at: NaiveDateTime) -> QueryResult<()> {
    // One statement: the primary key decides (no COUNT round trip before the insert).
    use diesel::sql_types::{Text, Timestamp};
    let sql = |p: [&str; 3]| {
        format!(
            "INSERT INTO departments (code, name, created_at) VALUES ({}, {}, {}) ON CONFLICT DO NOTHING",
            p[0], p[1], p[2]
        )
    };
    match conn {
        AnyConnection::Sqlite(c) => diesel::sql_query(sql(["?", "?", "?"]))
            .bind::<Text, _>(code)
            .bind::<Text, _>(name)
            .bind::<Timestamp, _>(at)
            .execute(c),
        AnyConnection::Postgresql(c) => diesel::sql_query(sql(["$1", "$2", "$3"]))
            .bind::<Text, _>(code)
            .bind::<Text, _>(name)
            .bind::<Timestamp, _>(at)
            .execute(c),
    }
    .map(|_| ())
}

/// One department by code.
pub fn get(conn: &mut AnyConnection, code: &str) -> QueryResult<Option<DepartmentRow>> {
    departments::table.find(code).select(DepartmentRow::as_select()).first(conn).optional()
}

/// All departments by code.
pub fn list(conn: &mut AnyConnection) -> QueryResult<Vec<DepartmentRow>> {
    departments::table.order(departments::code.asc()).select(DepartmentRow::as_select()).load(conn)
}

/// The names of these departments (one query; unknown codes are absent).
pub fn names_of(
    conn: &mut AnyConnection,
    codes: Vec<String>,
) -> QueryResult<std::collections::HashMap<String, String>> {
    if codes.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let mut codes = codes;
    codes.sort();
    codes.dedup();
    Ok(departments::table
        .filter(departments::code.eq_any(codes))
        .select((departments::code, departments::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}
