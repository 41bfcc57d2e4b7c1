//! People who sign in (`users`, argon2id PHC strings) and their sessions (`sessions`, only
//! the SHA-256 of the cookie's secret). Contract: `SESSIONS-API.md`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{sessions, users};

/// A stored user (the hash, never the password).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    /// Id (UUID v7).
    pub id: String,
    /// Sign-in name (lower case).
    pub username: String,
    /// Name shown and recorded as the actor in the audit trail.
    pub display_name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// `department` | `finance` | `assessor` | `admin`.
    pub role: String,
    /// The department of a department user.
    pub department_code: Option<String>,
    /// The organisation of an assessor.
    pub org: Option<String>,
    /// Created (UTC).
    pub created_at: NaiveDateTime,
    /// Password last set (UTC).
    pub password_changed_at: NaiveDateTime,
    /// Disabled (UTC), if it is.
    pub disabled_at: Option<NaiveDateTime>,
    /// Failed sign-ins since `failed_since`.
    pub failed_count: i32,
    /// Start of the current window of failures.
    pub failed_since: Option<NaiveDateTime>,
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    /// Hex SHA-256 of the cookie's secret.
    pub id: String,
    /// Whose.
    pub user_id: String,
    /// The value every cookie-authenticated write must send as `X-CSRF-Token`.
    pub csrf_token: String,
    /// Signed in (UTC).
    pub created_at: NaiveDateTime,
    /// Ends (UTC).
    pub expires_at: NaiveDateTime,
}

/// Inserts a user; a taken user name is a unique violation (→ 409).
pub fn insert(conn: &mut AnyConnection, row: &UserRow) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&row.id),
            users::username.eq(&row.username),
            users::display_name.eq(&row.display_name),
            users::password_hash.eq(&row.password_hash),
            users::role.eq(&row.role),
            users::department_code.eq(&row.department_code),
            users::org.eq(&row.org),
            users::created_at.eq(row.created_at),
            users::password_changed_at.eq(row.password_changed_at),
            users::disabled_at.eq(row.disabled_at),
            users::failed_count.eq(row.failed_count),
            users::failed_since.eq(row.failed_since),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The user with this (lower-case) name.
pub fn by_username(conn: &mut AnyConnection, username: &str) -> QueryResult<Option<UserRow>> {
    users::table.filter(users::username.eq(username)).select(UserRow::as_select()).first(conn).optional()
}

/// The user with this id.
pub fn get(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<UserRow>> {
    users::table.find(id).select(UserRow::as_select()).first(conn).optional()
}

/// One page of users by user name, after `after` (a user name).
pub fn list(conn: &mut AnyConnection, after: Option<&str>, limit: i64) -> QueryResult<Vec<UserRow>> {
    let mut q = users::table.select(UserRow::as_select()).into_boxed();
    if let Some(a) = after {
        q = q.filter(users::username.gt(a.to_owned()));
    }
    q.order(users::username.asc()).limit(limit).load(conn)
}

/// Records a failed sign-in: the count restarts when the window that began at
/// `failed_since` is over.
pub fn record_failure(conn: &mut AnyConnection, id: &str, count: i32, since: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::failed_count.eq(count), users::failed_since.eq(Some(since))))
        .execute(conn)
        .map(|_| ())
}

/// Clears the failures after a successful sign-in.
pub fn clear_failures(conn: &mut AnyConnection, id: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id).filter(users::failed_count.ne(0)))
        .set((users::failed_count.eq(0), users::failed_since.eq(None::<NaiveDateTime>)))
        .execute(conn)
        .map(|_| ())
}

/// Sets a new password hash.
pub fn set_password(conn: &mut AnyConnection, id: &str, hash: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::password_hash.eq(hash), users::password_changed_at.eq(at)))
        .execute(conn)
        .map(|_| ())
}

/// Inserts a session.
pub fn insert_session(conn: &mut AnyConnection, row: &SessionRow) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&row.id),
            sessions::user_id.eq(&row.user_id),
            sessions::csrf_token.eq(&row.csrf_token),
            sessions::created_at.eq(row.created_at),
            sessions::expires_at.eq(row.expires_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The live session with this id and its (enabled) user.
pub fn live_session(
    conn: &mut AnyConnection,
    id: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(SessionRow, UserRow)>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(id))
        .filter(sessions::expires_at.gt(now))
        .filter(users::disabled_at.is_null())
        .select((SessionRow::as_select(), UserRow::as_select()))
        .first(conn)
        .optional()
}

/// Ends one session.
pub fn delete_session(conn: &mut AnyConnection, id: &str) -> QueryResult<bool> {
    diesel::delete(sessions::table.find(id)).execute(conn).map(|n| n > 0)
}

/// Ends every session of a user except `keep`.
pub fn delete_other_sessions(conn: &mut AnyConnection, user_id: &str, keep: Option<&str>) -> QueryResult<usize> {
    let q = sessions::table.filter(sessions::user_id.eq(user_id));
    match keep {
        Some(k) => diesel::delete(q.filter(sessions::id.ne(k))).execute(conn),
        None => diesel::delete(q).execute(conn),
    }
}

/// Removes sessions that have ended (on each sign-in; indexed by expiry).
pub fn delete_expired(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn)
}
