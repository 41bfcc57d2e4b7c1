//! Queries of the review cycle (issue 5): the review state of a target beyond its status
//! (`review_states`), document snapshots at submission and approval (`target_versions`),
//! finance's decisions (`reviews`), third-party assignments (`assignments`) and opinions
//! (`opinions`). Tables are defined here, next to their queries, to match
//! `migrations/*/2026-11-28-090000_review_cycle`.
//!
//! Snapshots, decisions, assignments and opinions are append-only: this module has no
//! function that updates or deletes them (and the database refuses it). Only
//! `review_states`, the current position in the state machine, is updated.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::{AnyConnection, Money};

/// Diesel table definitions of the review tables.
#[allow(missing_docs)]
pub mod schema {
    diesel::table! {
        review_states (target_id) {
            target_id -> Text,
            revision -> Integer,
            in_force_revision -> Nullable<Integer>,
            budget_excluded -> Bool,
            updated_at -> Timestamp,
        }
    }

    diesel::table! {
        use diesel::sql_types::*;
        use crate::db::money::DbDecimal;

        target_versions (id) {
            id -> BigInt,
            target_id -> Text,
            revision -> Integer,
            kind -> Text,
            department_code -> Text,
            fiscal_year -> Nullable<Integer>,
            project_name -> Nullable<Text>,
            profile -> Text,
            classified -> Bool,
            document -> Text,
            etag -> Text,
            approved_amount -> Nullable<DbDecimal>,
            at -> Timestamp,
        }
    }

    diesel::table! {
        use diesel::sql_types::*;
        use crate::db::money::DbDecimal;

        reviews (id) {
            id -> Text,
            target_id -> Text,
            revision -> Integer,
            decision -> Text,
            grade -> Text,
            criteria -> Text,
            opinion -> Nullable<Text>,
            approved_amount -> Nullable<DbDecimal>,
            outcome -> Text,
            reviewer -> Text,
            at -> Timestamp,
        }
    }

    diesel::table! {
        assignments (id) {
            id -> Text,
            target_id -> Text,
            organisation -> Text,
            due -> Text,
            assigned_by -> Text,
            at -> Timestamp,
        }
    }

    diesel::table! {
        use diesel::sql_types::*;
        use crate::db::money::DbDecimal;

        opinions (id) {
            id -> Text,
            assignment_id -> Text,
            target_id -> Text,
            organisation -> Text,
            revision -> Integer,
            recommendation -> Text,
            average -> DbDecimal,
            body -> Text,
            author -> Text,
            at -> Timestamp,
        }
    }
}

use schema::{assignments, opinions, review_states, reviews, target_versions};

use crate::store::sort::{Order, Sort, Source, keyset};

mod joins {
    use super::schema::{review_states, target_versions};
    diesel::allow_tables_to_appear_in_same_query!(target_versions, review_states);
}

/// The review state of one target (absent = a draft that was never submitted).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = review_states)]
#[diesel(treat_none_as_null = true)]
pub struct StateRow {
    /// The target.
    pub target_id: String,
    /// The version under work or approved (1 + number of adjustments).
    pub revision: i32,
    /// The approved version in force, if any.
    pub in_force_revision: Option<i32>,
    /// Graded 差: not entering the budget.
    pub budget_excluded: bool,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

/// The review state of a target, if it was ever submitted.
pub fn get_state(conn: &mut AnyConnection, target_id: &str) -> QueryResult<Option<StateRow>> {
    review_states::table.find(target_id).select(StateRow::as_select()).first(conn).optional()
}

/// The review states of several targets.
pub fn states_of(conn: &mut AnyConnection, ids: &[String]) -> QueryResult<Vec<StateRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    review_states::table.filter(review_states::target_id.eq_any(ids.to_vec())).select(StateRow::as_select()).load(conn)
}

/// Inserts or replaces the review state of a target.
pub fn put_state(conn: &mut AnyConnection, row: &StateRow) -> QueryResult<()> {
    let n = diesel::update(review_states::table.filter(review_states::target_id.eq(&row.target_id)))
        .set(row)
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(review_states::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// A snapshot of a document (at submission or approval).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = target_versions)]
pub struct VersionRow {
    /// Sequence number.
    pub id: i64,
    /// The target.
    pub target_id: String,
    /// The review version.
    pub revision: i32,
    /// `submitted` or `approved`.
    pub kind: String,
    /// 主管部门 code.
    pub department_code: String,
    /// Fiscal year.
    pub fiscal_year: Option<i32>,
    /// Project name.
    pub project_name: Option<String>,
    /// Rule profile.
    pub profile: String,
    /// 涉密.
    pub classified: bool,
    /// The document (JSON text).
    pub document: String,
    /// The target's ETag at that moment.
    pub etag: String,
    /// 批复金额 (approved snapshots only).
    pub approved_amount: Option<Money>,
    /// When.
    pub at: NaiveDateTime,
}

/// A snapshot to append.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = target_versions)]
pub struct NewVersion<'a> {
    /// The target.
    pub target_id: &'a str,
    /// The review version.
    pub revision: i32,
    /// `submitted` or `approved`.
    pub kind: &'a str,
    /// 主管部门 code.
    pub department_code: &'a str,
    /// Fiscal year.
    pub fiscal_year: Option<i32>,
    /// Project name.
    pub project_name: Option<&'a str>,
    /// Rule profile.
    pub profile: &'a str,
    /// 涉密.
    pub classified: bool,
    /// The document (JSON text).
    pub document: &'a str,
    /// The target's ETag after the action.
    pub etag: &'a str,
    /// 批复金额.
    pub approved_amount: Option<Money>,
    /// When.
    pub at: NaiveDateTime,
}

/// Appends a snapshot.
pub fn append_version(conn: &mut AnyConnection, v: &NewVersion<'_>) -> QueryResult<()> {
    diesel::insert_into(target_versions::table).values(v).execute(conn).map(|_| ())
}

/// The snapshots of a target, oldest first.
pub fn versions(conn: &mut AnyConnection, target_id: &str) -> QueryResult<Vec<VersionRow>> {
    target_versions::table
        .filter(target_versions::target_id.eq(target_id))
        .order(target_versions::id.asc())
        .select(VersionRow::as_select())
        .load(conn)
}

/// The published versions: only the approved version in force of each target (an
/// adjustment approved later replaces it), not classified — one row per target.
#[diesel::dsl::auto_type(no_type_alias)]
fn published() -> _ {
    let approved: &'static str = "approved";
    target_versions::table
        .inner_join(
            review_states::table.on(review_states::target_id
                .eq(target_versions::target_id)
                .and(review_states::in_force_revision.eq(target_versions::revision.nullable()))),
        )
        .filter(target_versions::kind.eq(approved))
        .filter(target_versions::classified.eq(false))
}

/// What a page of the published list asks for.
#[derive(Debug, Clone, Default)]
pub struct PublicQuery<'a> {
    /// Only this fiscal year.
    pub fiscal_year: Option<i32>,
    /// Only this department.
    pub department: Option<&'a str>,
    /// Search text (project name, department name or code).
    pub q: Option<&'a str>,
    /// Order: `None` = by target id (the stable default).
    pub sort: Option<(Sort, Order)>,
    /// The last target id seen.
    pub cursor: Option<&'a str>,
    /// Rows at most.
    pub limit: i64,
}

/// A page of the published versions (`cursor`: the last target id seen), by target id or
/// in the order asked for (keyset on the key and the target id).
pub fn approved_public_page(conn: &mut AnyConnection, p: &PublicQuery<'_>) -> QueryResult<Vec<VersionRow>> {
    use diesel::dsl::sql;
    use diesel::sql_types::{Bool, Text};
    let sqlite = matches!(conn, AnyConnection::Sqlite(_));
    let mut q = published().select(VersionRow::as_select()).into_boxed();
    if let Some(y) = p.fiscal_year {
        q = q.filter(target_versions::fiscal_year.eq(y));
    }
    if let Some(d) = p.department {
        q = q.filter(target_versions::department_code.eq(d.to_owned()));
    }
    if let Some(text) = p.q {
        q = q.filter(crate::store::sort::search_sql!("target_versions", text, no_code));
    }
    let lookup = "FROM target_versions c JOIN review_states r ON r.target_id = c.target_id \
                  AND r.in_force_revision = c.revision WHERE c.kind = 'approved' AND c.target_id =";
    let keyed =
        p.sort.and_then(|(s, o)| keyset(s, o, Source::Published, sqlite, "target_versions", "target_id", lookup));
    match keyed {
        Some((after, order_by)) => {
            if let Some(c) = p.cursor {
                q = q.filter(sql::<Bool>(&after).bind::<Text, _>(c.to_owned()).sql(")"));
            }
            q.order(sql::<Bool>(&order_by)).limit(p.limit).load(conn)
        }
        None => {
            if let Some(c) = p.cursor {
                q = q.filter(target_versions::target_id.gt(c.to_owned()));
            }
            q.order(target_versions::target_id.asc()).limit(p.limit).load(conn)
        }
    }
}

/// How many targets are published (approved in force, not classified).
pub fn approved_public_count(conn: &mut AnyConnection) -> QueryResult<i64> {
    published().count().get_result(conn)
}

/// A review decision of finance.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = reviews)]
pub struct ReviewRow {
    /// Id (`rev_…`).
    pub id: String,
    /// The target.
    pub target_id: String,
    /// The review version decided on.
    pub revision: i32,
    /// `approve` or `return`.
    pub decision: String,
    /// `excellent` / `good` / `fair` / `poor`.
    pub grade: String,
    /// Notes per criterion (JSON object text).
    pub criteria: String,
    /// 审核意见.
    pub opinion: Option<String>,
    /// 批复金额.
    pub approved_amount: Option<Money>,
    /// `included` / `resubmit` / `excluded`.
    pub outcome: String,
    /// Reviewer (token name).
    pub reviewer: String,
    /// When.
    pub at: NaiveDateTime,
}

/// Appends a decision.
pub fn append_review(conn: &mut AnyConnection, r: &ReviewRow) -> QueryResult<()> {
    diesel::insert_into(reviews::table).values(r).execute(conn).map(|_| ())
}

/// The decisions on a target, oldest first.
pub fn reviews_of(conn: &mut AnyConnection, target_id: &str) -> QueryResult<Vec<ReviewRow>> {
    reviews::table
        .filter(reviews::target_id.eq(target_id))
        .order((reviews::at.asc(), reviews::id.asc()))
        .select(ReviewRow::as_select())
        .load(conn)
}

/// The decisions on several targets, oldest first.
pub fn reviews_of_many(conn: &mut AnyConnection, ids: &[String]) -> QueryResult<Vec<ReviewRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    reviews::table
        .filter(reviews::target_id.eq_any(ids.to_vec()))
        .order((reviews::at.asc(), reviews::id.asc()))
        .select(ReviewRow::as_select())
        .load(conn)
}

/// An assignment of a target to a third-party assessor organisation.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = assignments)]
pub struct AssignmentRow {
    /// Id (`asg_…`).
    pub id: String,
    /// The target.
    pub target_id: String,
    /// The assessor organisation (matches the `org` of assessor tokens).
    pub organisation: String,
    /// Due date, `YYYY-MM-DD`.
    pub due: String,
    /// Who assigned (token name).
    pub assigned_by: String,
    /// When.
    pub at: NaiveDateTime,
}

/// Appends an assignment.
pub fn append_assignment(conn: &mut AnyConnection, a: &AssignmentRow) -> QueryResult<()> {
    diesel::insert_into(assignments::table).values(a).execute(conn).map(|_| ())
}

/// One assignment by id.
pub fn assignment(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<AssignmentRow>> {
    assignments::table.find(id).select(AssignmentRow::as_select()).first(conn).optional()
}

/// The assignment of `target_id` to `organisation`, if any.
pub fn assignment_of(
    conn: &mut AnyConnection,
    target_id: &str,
    organisation: &str,
) -> QueryResult<Option<AssignmentRow>> {
    assignments::table
        .filter(assignments::target_id.eq(target_id))
        .filter(assignments::organisation.eq(organisation))
        .select(AssignmentRow::as_select())
        .first(conn)
        .optional()
}

/// Whether `target_id` is assigned to `organisation` (what lets an assessor read it).
pub fn is_assigned(conn: &mut AnyConnection, target_id: &str, organisation: &str) -> QueryResult<bool> {
    assignment_of(conn, target_id, organisation).map(|a| a.is_some())
}

/// A page of assignments, oldest first (`at`, then id), strictly after the assignment
/// `cursor` (its position read from the table; an unknown cursor gives an empty page): all
/// of them, or those of one organisation. Served by `assignments_at` / `assignments_org_at`.
pub fn assignments_page(
    conn: &mut AnyConnection,
    organisation: Option<&str>,
    cursor: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<AssignmentRow>> {
    let mut q = assignments::table.select(AssignmentRow::as_select()).into_boxed();
    if let Some(o) = organisation {
        q = q.filter(assignments::organisation.eq(o.to_owned()));
    }
    if let Some(c) = cursor {
        let Some(at) = assignments::table.find(c).select(assignments::at).first::<NaiveDateTime>(conn).optional()?
        else {
            return Ok(Vec::new());
        };
        q = q.filter(assignments::at.gt(at).or(assignments::at.eq(at).and(assignments::id.gt(c.to_owned()))));
    }
    q.order((assignments::at.asc(), assignments::id.asc())).limit(limit).load(conn)
}

/// How many assignments there are: all of them, or those of one organisation.
pub fn assignments_count(conn: &mut AnyConnection, organisation: Option<&str>) -> QueryResult<i64> {
    let mut q = assignments::table.select(diesel::dsl::count_star()).into_boxed();
    if let Some(o) = organisation {
        q = q.filter(assignments::organisation.eq(o.to_owned()));
    }
    q.first(conn)
}

/// How many third-party opinions there are.
pub fn opinions_count(conn: &mut AnyConnection) -> QueryResult<i64> {
    opinions::table.select(diesel::dsl::count_star()).first(conn)
}

/// The assignments of one target, oldest first.
pub fn assignments_of(conn: &mut AnyConnection, target_id: &str) -> QueryResult<Vec<AssignmentRow>> {
    assignments::table
        .filter(assignments::target_id.eq(target_id))
        .order((assignments::at.asc(), assignments::id.asc()))
        .select(AssignmentRow::as_select())
        .load(conn)
}

/// A third-party opinion.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = opinions)]
pub struct OpinionRow {
    /// Id (`opn_…`).
    pub id: String,
    /// The assignment it answers.
    pub assignment_id: String,
    /// The target.
    pub target_id: String,
    /// The assessor organisation.
    pub organisation: String,
    /// The review version it is about.
    pub revision: i32,
    /// `approve` or `revise`.
    pub recommendation: String,
    /// Mean of the four criterion scores.
    pub average: Money,
    /// The validated opinion (JSON object text).
    pub body: String,
    /// Author (token name).
    pub author: String,
    /// When.
    pub at: NaiveDateTime,
}

/// Appends an opinion.
pub fn append_opinion(conn: &mut AnyConnection, o: &OpinionRow) -> QueryResult<()> {
    diesel::insert_into(opinions::table).values(o).execute(conn).map(|_| ())
}

/// Opinions on a target (optionally of one organisation), oldest first.
pub fn opinions_of(
    conn: &mut AnyConnection,
    target_id: &str,
    organisation: Option<&str>,
) -> QueryResult<Vec<OpinionRow>> {
    let mut q = opinions::table
        .filter(opinions::target_id.eq(target_id.to_owned()))
        .select(OpinionRow::as_select())
        .into_boxed();
    if let Some(o) = organisation {
        q = q.filter(opinions::organisation.eq(o.to_owned()));
    }
    q.order((opinions::at.asc(), opinions::id.asc())).load(conn)
}

/// Opinions answering the given assignments.
pub fn opinions_for_assignments(conn: &mut AnyConnection, assignment_ids: &[String]) -> QueryResult<Vec<OpinionRow>> {
    if assignment_ids.is_empty() {
        return Ok(Vec::new());
    }
    opinions::table
        .filter(opinions::assignment_id.eq_any(assignment_ids.to_vec()))
        .order((opinions::at.asc(), opinions::id.asc()))
        .select(OpinionRow::as_select())
        .load(conn)
}
