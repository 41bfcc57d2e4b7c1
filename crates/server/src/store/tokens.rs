//! API tokens: only the SHA-256 of a token is stored; the token itself is shown once.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::api_tokens;

/// A stored token (without the secret).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    /// Public id (used to revoke).
    pub id: String,
    /// Hex SHA-256 of the token.
    pub token_hash: String,
    /// Who holds it.
    pub name: String,
    /// `department` | `finance` | `assessor` | `admin`.
    pub role: String,
    /// The department of a department token.
    pub department_code: Option<String>,
    /// The organisation of an assessor token.
    pub org: Option<String>,
    /// When it was created (UTC).
    pub created_at: NaiveDateTime,
    /// When it was revoked (UTC), if it was.
    pub revoked_at: Option<NaiveDateTime>,
}

/// Inserts a token row.
pub fn insert(conn: &mut AnyConnection, row: &TokenRow) -> QueryResult<()> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::id.eq(&row.id),
            api_tokens::token_hash.eq(&row.token_hash),
            api_tokens::name.eq(&row.name),
            api_tokens::role.eq(&row.role),
            api_tokens::department_code.eq(&row.department_code),
            api_tokens::org.eq(&row.org),
            api_tokens::created_at.eq(row.created_at),
            api_tokens::revoked_at.eq(row.revoked_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The active (not revoked) token with this hash.
pub fn find_active_by_hash(conn: &mut AnyConnection, hash: &str) -> QueryResult<Option<TokenRow>> {
    api_tokens::table
        .filter(api_tokens::token_hash.eq(hash))
        .filter(api_tokens::revoked_at.is_null())
        .select(TokenRow::as_select())
        .first(conn)
        .optional()
}

/// Every token, oldest first.
pub fn list(conn: &mut AnyConnection) -> QueryResult<Vec<TokenRow>> {
    api_tokens::table.order(api_tokens::created_at.asc()).select(TokenRow::as_select()).load(conn)
}

/// Revokes a token by id; false when no active token has that id.
pub fn revoke(conn: &mut AnyConnection, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(api_tokens::table.filter(api_tokens::id.eq(id)).filter(api_tokens::revoked_at.is_null()))
        .set(api_tokens::revoked_at.eq(Some(at)))
        .execute(conn)
        .map(|n| n > 0)
}

/// Revokes every active token with this exact name (used to rotate demo tokens).
pub fn revoke_by_name(conn: &mut AnyConnection, name: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(api_tokens::table.filter(api_tokens::name.eq(name)).filter(api_tokens::revoked_at.is_null()))
        .set(api_tokens::revoked_at.eq(Some(at)))
        .execute(conn)
}
