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
    let exists = departments::table.find(code).count().get_result::<i64>(conn)? > 0;
    if !exists {
        diesel::insert_into(departments::table)
            .values((departments::code.eq(code), departments::name.eq(name), departments::created_at.eq(at)))
            .execute(conn)?;
    }
    Ok(())
}

/// One department by code.
pub fn get(conn: &mut AnyConnection, code: &str) -> QueryResult<Option<DepartmentRow>> {
    departments::table.find(code).select(DepartmentRow::as_select()).first(conn).optional()
}

/// All departments by code.
pub fn list(conn: &mut AnyConnection) -> QueryResult<Vec<DepartmentRow>> {
    departments::table.order(departments::code.asc()).select(DepartmentRow::as_select()).load(conn)
}
