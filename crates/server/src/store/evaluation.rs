//! Queries of evaluation (绩效自评 → 复评): one self-evaluation per approved target
//! (`evaluations`), finance's re-evaluations (`re_evaluations`, append-only; the latest is
//! final) and closed years (`evaluation_years`); evidence files (`evidence_files`),
//! assignments to third-party assessors (`evaluation_assignments`) and a year's deadline
//! (`evaluation_deadlines`). Tables are defined here, next to their queries, to match
//! `migrations/*/2026-12-01-000002_evaluation` and `…/2026-12-02-000001_evidence_assignments`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::{AnyConnection, Money};

#[allow(missing_docs)]
pub mod schema {
    diesel::table! {
        use diesel::sql_types::*;
        use crate::db::money::DbDecimal;

        evaluations (id) {
            id -> Text,
            target_id -> Text,
            department_code -> Text,
            fiscal_year -> Integer,
            status -> Text,
            document -> Text,
            result -> Text,
            total -> Nullable<DbDecimal>,
            grade -> Nullable<Text>,
            error_count -> Integer,
            opinion -> Nullable<Text>,
            zero_reason -> Nullable<Text>,
            etag -> Text,
            version -> BigInt,
            created_at -> Timestamp,
            updated_at -> Timestamp,
            created_by -> Text,
            submitted_at -> Nullable<Timestamp>,
            decided_at -> Nullable<Timestamp>,
            decided_by -> Nullable<Text>,
        }
    }

    diesel::table! {
        use diesel::sql_types::*;
        use crate::db::money::DbDecimal;

        re_evaluations (id) {
            id -> BigInt,
            evaluation_id -> Text,
            document -> Text,
            result -> Text,
            total -> DbDecimal,
            grade -> Text,
            reason -> Text,
            author -> Text,
            at -> Timestamp,
            author_role -> Text,
            organisation -> Nullable<Text>,
        }
    }

    diesel::table! {
        evidence_files (id) {
            id -> Text,
            evaluation_id -> Text,
            file_name -> Text,
            media_type -> Text,
            size_bytes -> BigInt,
            sha256 -> Text,
            content -> Binary,
            uploaded_by -> Text,
            uploaded_at -> Timestamp,
        }
    }

    diesel::table! {
        evaluation_assignments (id) {
            id -> Text,
            evaluation_id -> Text,
            organisation -> Text,
            assigned_by -> Text,
            at -> Timestamp,
        }
    }

    diesel::table! {
        evaluation_deadlines (fiscal_year) {
            fiscal_year -> Integer,
            deadline -> Text,
            set_by -> Text,
            set_at -> Timestamp,
        }
    }

    diesel::table! {
        use diesel::sql_types::*;
        use crate::db::money::DbDecimal;

        budget_decisions (target_id) {
            target_id -> Text,
            fiscal_year -> Integer,
            amount -> DbDecimal,
            reason -> Text,
            decided_by -> Text,
            decided_at -> Timestamp,
        }
    }

    diesel::table! {
        evaluation_years (fiscal_year) {
            fiscal_year -> Integer,
            closed_by -> Text,
            closed_at -> Timestamp,
        }
    }
}

use schema::{
    budget_decisions, evaluation_assignments, evaluation_deadlines, evaluation_years, evaluations, evidence_files,
    re_evaluations,
};

/// Finance's own amount for next year's budget of a target (结果应用).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = budget_decisions)]
pub struct BudgetDecisionRow {
    /// The target.
    pub target_id: String,
    /// Its fiscal year.
    pub fiscal_year: i32,
    /// The amount finance set (万元).
    pub amount: Money,
    /// Why it differs from the recommendation.
    pub reason: String,
    /// Who.
    pub decided_by: String,
    /// When.
    pub decided_at: NaiveDateTime,
}

/// Sets (or replaces) finance's amount for a target.
pub fn put_budget_decision(conn: &mut AnyConnection, row: &BudgetDecisionRow) -> QueryResult<()> {
    let n = diesel::update(budget_decisions::table.find(&row.target_id)).set(row).execute(conn)?;
    if n == 0 {
        diesel::insert_into(budget_decisions::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// Finance's amounts of a year.
pub fn budget_decisions_of(conn: &mut AnyConnection, year: i32) -> QueryResult<Vec<BudgetDecisionRow>> {
    budget_decisions::table
        .filter(budget_decisions::fiscal_year.eq(year))
        .select(BudgetDecisionRow::as_select())
        .load(conn)
}

/// A stored self-evaluation.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = evaluations)]
#[diesel(treat_none_as_null = true)]
pub struct EvaluationRow {
    /// Id (UUID v7).
    pub id: String,
    /// The approved target.
    pub target_id: String,
    /// Its department.
    pub department_code: String,
    /// Its fiscal year.
    pub fiscal_year: i32,
    /// `draft` | `submitted` | `returned` | `filed` | `zero_scored`.
    pub status: String,
    /// The §4 evaluation document plus the report text (JSON text).
    pub document: String,
    /// The `score` output at the last write (JSON text, zh-CN).
    pub result: String,
    /// Total at the last write (null while errors remain); 0 when zero-scored.
    pub total: Option<Money>,
    /// Grade at the last write.
    pub grade: Option<String>,
    /// Errors at the last write.
    pub error_count: i32,
    /// Finance's opinion when returned.
    pub opinion: Option<String>,
    /// Why it was scored 0 (未按要求开展绩效自评).
    pub zero_reason: Option<String>,
    /// Entity tag.
    pub etag: String,
    /// Version.
    pub version: i64,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last written.
    pub updated_at: NaiveDateTime,
    /// Who created it.
    pub created_by: String,
    /// Last submitted.
    pub submitted_at: Option<NaiveDateTime>,
    /// Filed, returned or zero-scored at.
    pub decided_at: Option<NaiveDateTime>,
    /// By.
    pub decided_by: Option<String>,
}

/// A re-evaluation (复评).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = re_evaluations)]
pub struct ReEvaluationRow {
    /// Sequence number.
    pub id: i64,
    /// The evaluation.
    pub evaluation_id: String,
    /// The evaluation document as re-scored (overrides with reasons).
    pub document: String,
    /// The `score` output.
    pub result: String,
    /// Total.
    pub total: Money,
    /// Grade.
    pub grade: String,
    /// Why (复评意见).
    pub reason: String,
    /// Who.
    pub author: String,
    /// When.
    pub at: NaiveDateTime,
    /// `finance` or `assessor`.
    pub author_role: String,
    /// The assessor organisation, for an assessor's re-evaluation.
    pub organisation: Option<String>,
}

/// Inserts an evaluation.
pub fn insert(conn: &mut AnyConnection, r: &EvaluationRow) -> QueryResult<()> {
    diesel::insert_into(evaluations::table).values(r).execute(conn).map(|_| ())
}

/// An evaluation by id.
pub fn get(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<EvaluationRow>> {
    evaluations::table.find(id).select(EvaluationRow::as_select()).first(conn).optional()
}

/// The evaluation of a target.
pub fn of_target(conn: &mut AnyConnection, target_id: &str) -> QueryResult<Option<EvaluationRow>> {
    evaluations::table
        .filter(evaluations::target_id.eq(target_id))
        .select(EvaluationRow::as_select())
        .first(conn)
        .optional()
}

/// The evaluations of a year (the summary and the close read every one of a city's year).
pub fn of_year(conn: &mut AnyConnection, year: i32) -> QueryResult<Vec<EvaluationRow>> {
    evaluations::table
        .filter(evaluations::fiscal_year.eq(year))
        .order(evaluations::id.asc())
        .select(EvaluationRow::as_select())
        .load(conn)
}

/// Who a page of evaluations is for: everything, some departments, or an assessor's
/// assignments.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// Every department.
    All,
    /// These departments.
    Departments(&'a [String]),
    /// What is assigned to this assessor organisation.
    Assigned(&'a str),
}

/// (evaluation id, target id) of every self-evaluation of a year.
pub fn targets_of_year(conn: &mut AnyConnection, year: i32) -> QueryResult<Vec<(String, String)>> {
    evaluations::table
        .filter(evaluations::fiscal_year.eq(year))
        .select((evaluations::id, evaluations::target_id))
        .load(conn)
}

/// A page of evaluations, newest first.
pub fn page(
    conn: &mut AnyConnection,
    year: Option<i32>,
    scope: Scope<'_>,
    status: Option<&str>,
    cursor: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<EvaluationRow>> {
    let mut q = evaluations::table.select(EvaluationRow::as_select()).into_boxed();
    match scope {
        Scope::All => {}
        Scope::Departments(d) => q = crate::store::filter_in!(q, evaluations::department_code, d),
        Scope::Assigned(org) => {
            let assigned = evaluation_assignments::table
                .filter(evaluation_assignments::organisation.eq(org.to_owned()))
                .select(evaluation_assignments::evaluation_id);
            q = q.filter(evaluations::id.eq_any(assigned));
        }
    }
    if let Some(y) = year {
        q = q.filter(evaluations::fiscal_year.eq(y));
    }
    if let Some(s) = status {
        q = q.filter(evaluations::status.eq(s.to_owned()));
    }
    if let Some(c) = cursor {
        q = q.filter(evaluations::id.lt(c.to_owned()));
    }
    q.order(evaluations::id.desc()).limit(limit).load(conn)
}

/// Writes an evaluation whose ETag is still `expected_etag`; false when it changed.
pub fn update(conn: &mut AnyConnection, expected_etag: &str, row: &EvaluationRow) -> QueryResult<bool> {
    diesel::update(evaluations::table.filter(evaluations::id.eq(&row.id)).filter(evaluations::etag.eq(expected_etag)))
        .set(row)
        .execute(conn)
        .map(|n| n == 1)
}

/// Appends a re-evaluation.
#[allow(clippy::too_many_arguments)]
pub fn append_re_evaluation(
    conn: &mut AnyConnection,
    evaluation_id: &str,
    document: &str,
    result: &str,
    total: Money,
    grade: &str,
    reason: &str,
    author: (&str, &str, Option<&str>),
    at: NaiveDateTime,
) -> QueryResult<()> {
    let (author, author_role, organisation) = author;
    diesel::insert_into(re_evaluations::table)
        .values((
            re_evaluations::evaluation_id.eq(evaluation_id),
            re_evaluations::document.eq(document),
            re_evaluations::result.eq(result),
            re_evaluations::total.eq(total),
            re_evaluations::grade.eq(grade),
            re_evaluations::reason.eq(reason),
            re_evaluations::author.eq(author),
            re_evaluations::at.eq(at),
            re_evaluations::author_role.eq(author_role),
            re_evaluations::organisation.eq(organisation),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The re-evaluations of an evaluation, oldest first.
pub fn re_evaluations_of(conn: &mut AnyConnection, evaluation_id: &str) -> QueryResult<Vec<ReEvaluationRow>> {
    re_evaluations::table
        .filter(re_evaluations::evaluation_id.eq(evaluation_id))
        .order(re_evaluations::id.asc())
        .select(ReEvaluationRow::as_select())
        .load(conn)
}

/// The latest re-evaluation per evaluation of a year's evaluations (ids given).
pub fn latest_re_evaluations(conn: &mut AnyConnection, ids: &[String]) -> QueryResult<Vec<ReEvaluationRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<ReEvaluationRow> = re_evaluations::table
        .filter(re_evaluations::evaluation_id.eq_any(ids.to_vec()))
        .order(re_evaluations::id.asc())
        .select(ReEvaluationRow::as_select())
        .load(conn)?;
    let mut latest: std::collections::BTreeMap<String, ReEvaluationRow> = Default::default();
    for r in rows {
        latest.insert(r.evaluation_id.clone(), r);
    }
    Ok(latest.into_values().collect())
}

/// When a year was closed, if it was.
pub fn closed(conn: &mut AnyConnection, year: i32) -> QueryResult<Option<(String, NaiveDateTime)>> {
    evaluation_years::table
        .find(year)
        .select((evaluation_years::closed_by, evaluation_years::closed_at))
        .first(conn)
        .optional()
}

/// Records that a year was closed.
pub fn close(conn: &mut AnyConnection, year: i32, by: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(evaluation_years::table)
        .values((
            evaluation_years::fiscal_year.eq(year),
            evaluation_years::closed_by.eq(by),
            evaluation_years::closed_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

mod joins {
    use super::schema::{evaluation_assignments, evaluations};
    use crate::db::schema::targets;
    diesel::allow_tables_to_appear_in_same_query!(evaluations, targets);
    diesel::allow_tables_to_appear_in_same_query!(evaluations, evaluation_assignments);
}

/// A page of final evaluations (filed or zero-scored) of non-classified targets, by id
/// (非涉密、全公开).
pub fn public_page(
    conn: &mut AnyConnection,
    year: Option<i32>,
    cursor: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<EvaluationRow>> {
    use crate::db::schema::targets;
    let open = targets::table.filter(targets::classified.eq(false)).select(targets::id);
    let mut q = evaluations::table
        .filter(evaluations::status.eq_any(["filed", "zero_scored"]))
        .filter(evaluations::target_id.eq_any(open))
        .select(EvaluationRow::as_select())
        .into_boxed();
    if let Some(y) = year {
        q = q.filter(evaluations::fiscal_year.eq(y));
    }
    if let Some(c) = cursor {
        q = q.filter(evaluations::id.gt(c.to_owned()));
    }
    q.order(evaluations::id.asc()).limit(limit).load(conn)
}

// ---------------------------------------------------------------------------------------------
// Evidence files (佐证材料)

/// An evidence file's description (everything but its bytes).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = evidence_files)]
pub struct EvidenceMeta {
    /// Id (UUID v7).
    pub id: String,
    /// The evaluation.
    pub evaluation_id: String,
    /// The file name as uploaded.
    pub file_name: String,
    /// Its media type (from the checked kind).
    pub media_type: String,
    /// Its size.
    pub size_bytes: i64,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: NaiveDateTime,
}

/// A new evidence file.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = evidence_files)]
pub struct NewEvidence<'a> {
    /// Id.
    pub id: &'a str,
    /// The evaluation.
    pub evaluation_id: &'a str,
    /// File name.
    pub file_name: &'a str,
    /// Media type.
    pub media_type: &'a str,
    /// Size.
    pub size_bytes: i64,
    /// SHA-256 (hex).
    pub sha256: &'a str,
    /// The bytes.
    pub content: &'a [u8],
    /// Who.
    pub uploaded_by: &'a str,
    /// When.
    pub uploaded_at: NaiveDateTime,
}

/// Stores an evidence file.
pub fn insert_evidence(conn: &mut AnyConnection, e: &NewEvidence<'_>) -> QueryResult<()> {
    diesel::insert_into(evidence_files::table).values(e).execute(conn).map(|_| ())
}

/// The evidence files of an evaluation, oldest first (no bytes).
pub fn evidence_of(conn: &mut AnyConnection, evaluation_id: &str) -> QueryResult<Vec<EvidenceMeta>> {
    evidence_files::table
        .filter(evidence_files::evaluation_id.eq(evaluation_id))
        .order(evidence_files::id.asc())
        .select(EvidenceMeta::as_select())
        .load(conn)
}

/// One evidence file of an evaluation with its bytes.
pub fn evidence_file(
    conn: &mut AnyConnection,
    evaluation_id: &str,
    id: &str,
) -> QueryResult<Option<(EvidenceMeta, Vec<u8>)>> {
    evidence_files::table
        .filter(evidence_files::evaluation_id.eq(evaluation_id))
        .filter(evidence_files::id.eq(id))
        .select((EvidenceMeta::as_select(), evidence_files::content))
        .first(conn)
        .optional()
}

/// Removes one evidence file of an evaluation; false when there was none.
pub fn delete_evidence(conn: &mut AnyConnection, evaluation_id: &str, id: &str) -> QueryResult<bool> {
    diesel::delete(
        evidence_files::table.filter(evidence_files::evaluation_id.eq(evaluation_id)).filter(evidence_files::id.eq(id)),
    )
    .execute(conn)
    .map(|n| n == 1)
}

// ---------------------------------------------------------------------------------------------
// Assignments to third-party assessors, and the year's deadline

/// An assignment of an evaluation to an assessor organisation (复评).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = evaluation_assignments)]
pub struct EvaluationAssignmentRow {
    /// Id (UUID v7).
    pub id: String,
    /// The evaluation.
    pub evaluation_id: String,
    /// The assessor organisation.
    pub organisation: String,
    /// Who assigned (token name).
    pub assigned_by: String,
    /// When.
    pub at: NaiveDateTime,
}

/// Stores an assignment.
pub fn insert_assignment(conn: &mut AnyConnection, a: &EvaluationAssignmentRow) -> QueryResult<()> {
    diesel::insert_into(evaluation_assignments::table).values(a).execute(conn).map(|_| ())
}

/// The assignments of an evaluation, oldest first.
pub fn assignments_of(conn: &mut AnyConnection, evaluation_id: &str) -> QueryResult<Vec<EvaluationAssignmentRow>> {
    evaluation_assignments::table
        .filter(evaluation_assignments::evaluation_id.eq(evaluation_id))
        .order(evaluation_assignments::id.asc())
        .select(EvaluationAssignmentRow::as_select())
        .load(conn)
}

/// Whether an evaluation is assigned to an organisation.
pub fn is_assigned(conn: &mut AnyConnection, evaluation_id: &str, organisation: &str) -> QueryResult<bool> {
    evaluation_assignments::table
        .filter(evaluation_assignments::evaluation_id.eq(evaluation_id))
        .filter(evaluation_assignments::organisation.eq(organisation))
        .count()
        .get_result::<i64>(conn)
        .map(|n| n > 0)
}

/// A year's self-evaluation deadline: (date, set by, set at).
pub fn deadline(conn: &mut AnyConnection, year: i32) -> QueryResult<Option<(String, String, NaiveDateTime)>> {
    evaluation_deadlines::table
        .find(year)
        .select((evaluation_deadlines::deadline, evaluation_deadlines::set_by, evaluation_deadlines::set_at))
        .first(conn)
        .optional()
}

/// Sets (or moves) a year's deadline.
pub fn set_deadline(conn: &mut AnyConnection, year: i32, date: &str, by: &str, at: NaiveDateTime) -> QueryResult<()> {
    let n = diesel::update(evaluation_deadlines::table.find(year))
        .set((
            evaluation_deadlines::deadline.eq(date),
            evaluation_deadlines::set_by.eq(by),
            evaluation_deadlines::set_at.eq(at),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(evaluation_deadlines::table)
            .values((
                evaluation_deadlines::fiscal_year.eq(year),
                evaluation_deadlines::deadline.eq(date),
                evaluation_deadlines::set_by.eq(by),
                evaluation_deadlines::set_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}
