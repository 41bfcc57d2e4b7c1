//! The append-only audit trail: [`append`] and [`list_for_target`]. There is no
//! function that updates or deletes audit rows (and the database refuses it).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;

use crate::db::AnyConnection;
use crate::db::schema::audit_events;

/// An event to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEvent<'a> {
    /// The target the event is about.
    pub target_id: &'a str,
    /// Who acted (token name).
    pub actor: &'a str,
    /// Their role.
    pub role: &'a str,
    /// `create`, `update`, `delete` (the review work adds `submit`, `review`, …).
    pub action: &'a str,
    /// When (UTC).
    pub at: NaiveDateTime,
    /// ETag before the action.
    pub old_etag: Option<&'a str>,
    /// ETag after the action.
    pub new_etag: Option<&'a str>,
    /// Free-form JSON detail.
    pub detail: Value,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEventRow {
    /// Sequence number (increasing).
    pub id: i64,
    /// Target id.
    pub target_id: String,
    /// Who acted.
    pub actor: String,
    /// Their role.
    pub role: String,
    /// What they did.
    pub action: String,
    /// When (UTC).
    pub at: NaiveDateTime,
    /// ETag before.
    pub old_etag: Option<String>,
    /// ETag after.
    pub new_etag: Option<String>,
    /// JSON detail (text).
    pub detail: String,
}

/// Appends one event.
pub fn append(conn: &mut AnyConnection, e: &NewAuditEvent<'_>) -> QueryResult<()> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::target_id.eq(e.target_id),
            audit_events::actor.eq(e.actor),
            audit_events::role.eq(e.role),
            audit_events::action.eq(e.action),
            audit_events::at.eq(e.at),
            audit_events::old_etag.eq(e.old_etag),
            audit_events::new_etag.eq(e.new_etag),
            audit_events::detail.eq(e.detail.to_string()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The events of one target, oldest first.
pub fn list_for_target(conn: &mut AnyConnection, target_id: &str) -> QueryResult<Vec<AuditEventRow>> {
    audit_events::table
        .filter(audit_events::target_id.eq(target_id))
        .order(audit_events::id.asc())
        .select(AuditEventRow::as_select())
        .load(conn)
}
