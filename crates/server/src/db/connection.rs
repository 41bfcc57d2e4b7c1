//! The one connection type of the server: a diesel `MultiConnection` over PostgreSQL and
//! SQLite. The derive generates `MultiBackend`, `MultiRawValue`, … in this module; the
//! generated items have no doc comments, hence the `allow` below.
#![allow(missing_docs)]

use diesel::{PgConnection, SqliteConnection};

/// A connection to either backend; queries are written once against `MultiBackend`.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    /// PostgreSQL (`postgres://…`).
    Postgresql(PgConnection),
    /// SQLite (`sqlite://PATH`).
    Sqlite(SqliteConnection),
}
