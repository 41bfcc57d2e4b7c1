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

/// Whose history [`history_before`] reads: the subjects of one fiscal year in one stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subjects {
    /// The year's targets (declaration and review).
    Targets(i32),
    /// The year's monitoring reports.
    Reports(i32),
    /// The year's self-evaluations.
    Evaluations(i32),
    /// The year's monitoring rounds (their opening rows).
    Rounds(i32),
}

/// One step of a subject's history: (subject, action, detail JSON text).
pub type Step = (String, String, String);

mod joins {
    use crate::db::schema::{audit_events, targets};
    use crate::store::evaluation::schema::evaluations;
    use crate::store::monitoring::schema::{monitoring_reports, monitoring_rounds};
    diesel::allow_tables_to_appear_in_same_query!(audit_events, targets);
    diesel::allow_tables_to_appear_in_same_query!(audit_events, evaluations);
    diesel::allow_tables_to_appear_in_same_query!(audit_events, monitoring_reports);
    diesel::allow_tables_to_appear_in_same_query!(audit_events, monitoring_rounds);
}

/// The audit rows of a year's subjects of one stage recorded before `cutoff`, oldest first:
/// what the dynamic assessment material (动态评估材料) replays to know each subject's state
/// at a past date.
pub fn history_before(conn: &mut AnyConnection, subjects: Subjects, cutoff: NaiveDateTime) -> QueryResult<Vec<Step>> {
    use crate::db::schema::targets;
    use crate::store::evaluation::schema::evaluations;
    use crate::store::monitoring::schema::{monitoring_reports, monitoring_rounds};
    let q = audit_events::table
        .filter(audit_events::at.lt(cutoff))
        .order(audit_events::id.asc())
        .select((audit_events::target_id, audit_events::action, audit_events::detail))
        .into_boxed();
    let q = match subjects {
        Subjects::Targets(y) => q.filter(
            audit_events::target_id.eq_any(targets::table.filter(targets::fiscal_year.eq(y)).select(targets::id)),
        ),
        Subjects::Reports(y) => q.filter(audit_events::target_id.eq_any(
            monitoring_reports::table.filter(monitoring_reports::fiscal_year.eq(y)).select(monitoring_reports::id),
        )),
        Subjects::Evaluations(y) => q.filter(
            audit_events::target_id
                .eq_any(evaluations::table.filter(evaluations::fiscal_year.eq(y)).select(evaluations::id)),
        ),
        Subjects::Rounds(y) => q.filter(audit_events::target_id.eq_any(
            monitoring_rounds::table.filter(monitoring_rounds::fiscal_year.eq(y)).select(monitoring_rounds::id),
        )),
    };
    q.load(conn)
}
