//! Region profiles stored at run time (the built-in ones live in `jixiao-rules`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::profiles;

/// A stored profile file.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = profiles)]
pub struct ProfileRow {
    /// Profile id.
    pub id: String,
    /// The profile file (JSON text) as uploaded.
    pub document: String,
    /// When it was added (UTC).
    pub created_at: NaiveDateTime,
    /// Name of the admin token that added it.
    pub created_by: String,
}

/// Inserts a profile; false when the id exists already.
pub fn insert(conn: &mut AnyConnection, row: &ProfileRow) -> QueryResult<bool> {
    let exists = profiles::table.find(&row.id).count().get_result::<i64>(conn)? > 0;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(profiles::table).values(row).execute(conn).map(|n| n == 1)
}

/// Every stored profile, oldest first.
pub fn list(conn: &mut AnyConnection) -> QueryResult<Vec<ProfileRow>> {
    profiles::table.order(profiles::created_at.asc()).select(ProfileRow::as_select()).load(conn)
}

/// One stored profile by id.
pub fn get(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<ProfileRow>> {
    profiles::table.find(id).select(ProfileRow::as_select()).first(conn).optional()
}
