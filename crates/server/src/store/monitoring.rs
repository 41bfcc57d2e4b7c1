//! Queries of monitoring (绩效运行监控): rounds (`monitoring_rounds`), one report per target
//! and round (`monitoring_reports`), append-only snapshots of submitted and accepted
//! reports (`monitoring_snapshots`) and rectification flags (`rectifications`). Tables are
//! defined here, next to their queries, to match `migrations/*/2026-12-01-000001_monitoring`.
//! Every list is paged by id in SQL; counts are `GROUP BY`s.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::{AnyConnection, Money};

#[allow(missing_docs)]
pub mod schema {
    diesel::table! {
        monitoring_rounds (id) {
            id -> Text,
            fiscal_year -> Integer,
            through_month -> Integer,
            deadline -> Text,
            opened_by -> Text,
            opened_at -> Timestamp,
        }
    }

    diesel::table! {
        use diesel::sql_types::*;
        use crate::db::money::DbDecimal;

        monitoring_reports (id) {
            id -> Text,
            round_id -> Text,
            target_id -> Text,
            department_code -> Text,
            fiscal_year -> Integer,
            through_month -> Integer,
            status -> Text,
            document -> Text,
            result -> Text,
            light -> Nullable<Text>,
            budget -> Nullable<DbDecimal>,
            executed -> Nullable<DbDecimal>,
            error_count -> Integer,
            warning_count -> Integer,
            opinion -> Nullable<Text>,
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
        monitoring_snapshots (id) {
            id -> BigInt,
            report_id -> Text,
            kind -> Text,
            document -> Text,
            result -> Text,
            etag -> Text,
            at -> Timestamp,
        }
    }

    diesel::table! {
        rectifications (id) {
            id -> Text,
            report_id -> Nullable<Text>,
            evaluation_id -> Nullable<Text>,
            target_id -> Text,
            department_code -> Text,
            problem -> Nullable<Text>,
            requirement -> Text,
            due -> Text,
            status -> Text,
            result -> Nullable<Text>,
            raised_by -> Text,
            raised_at -> Timestamp,
            resolved_by -> Nullable<Text>,
            resolved_at -> Nullable<Timestamp>,
        }
    }

    diesel::allow_tables_to_appear_in_same_query!(monitoring_reports, monitoring_rounds, rectifications);
}

use schema::{monitoring_reports, monitoring_rounds, monitoring_snapshots, rectifications};

/// A monitoring round (监控任务).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = monitoring_rounds)]
pub struct RoundRow {
    /// Id (UUID v7).
    pub id: String,
    /// Fiscal year.
    pub fiscal_year: i32,
    /// Reports cover January through this month.
    pub through_month: i32,
    /// Reports are due by this date (`YYYY-MM-DD`).
    pub deadline: String,
    /// Who opened it.
    pub opened_by: String,
    /// When (UTC).
    pub opened_at: NaiveDateTime,
}

/// A stored monitoring report.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = monitoring_reports)]
pub struct ReportRow {
    /// Id (UUID v7).
    pub id: String,
    /// The round.
    pub round_id: String,
    /// The approved target reported on.
    pub target_id: String,
    /// 主管部门 code (the target's).
    pub department_code: String,
    /// The round's fiscal year.
    pub fiscal_year: i32,
    /// The round's month.
    pub through_month: i32,
    /// `draft` | `submitted` | `returned` | `accepted`.
    pub status: String,
    /// The §6 report document (JSON text).
    pub document: String,
    /// The `monitor` output at the last write (JSON text, zh-CN messages).
    pub result: String,
    /// The report's light at the last write (null while errors remain).
    pub light: Option<String>,
    /// 全年预算数 when valid.
    pub budget: Option<Money>,
    /// 1–N月执行数 when valid.
    pub executed: Option<Money>,
    /// Errors at the last write.
    pub error_count: i32,
    /// Warnings at the last write.
    pub warning_count: i32,
    /// Finance's opinion when returned.
    pub opinion: Option<String>,
    /// Entity tag (without quotes).
    pub etag: String,
    /// Starts at 1, +1 on every write.
    pub version: i64,
    /// Created (UTC).
    pub created_at: NaiveDateTime,
    /// Last written (UTC).
    pub updated_at: NaiveDateTime,
    /// Who created it.
    pub created_by: String,
    /// Last submitted (UTC).
    pub submitted_at: Option<NaiveDateTime>,
    /// Last accepted or returned (UTC).
    pub decided_at: Option<NaiveDateTime>,
    /// Who decided.
    pub decided_by: Option<String>,
}

/// A rectification task (需要整改), raised on a monitoring report or a self-evaluation.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = rectifications)]
pub struct RectificationRow {
    /// Id (UUID v7).
    pub id: String,
    /// The monitoring report it was raised on.
    pub report_id: Option<String>,
    /// The self-evaluation it was raised on.
    pub evaluation_id: Option<String>,
    /// The target.
    pub target_id: String,
    /// The department that must act.
    pub department_code: String,
    /// The problem found (evaluation tasks).
    pub problem: Option<String>,
    /// What must be done.
    pub requirement: String,
    /// By when (`YYYY-MM-DD`).
    pub due: String,
    /// `open` | `done`.
    pub status: String,
    /// What was done (when `done`).
    pub result: Option<String>,
    /// Who raised it.
    pub raised_by: String,
    /// When.
    pub raised_at: NaiveDateTime,
    /// Who recorded the result.
    pub resolved_by: Option<String>,
    /// When.
    pub resolved_at: Option<NaiveDateTime>,
}

/// Inserts a round.
pub fn insert_round(conn: &mut AnyConnection, r: &RoundRow) -> QueryResult<()> {
    diesel::insert_into(monitoring_rounds::table).values(r).execute(conn).map(|_| ())
}

/// A round by id.
pub fn round(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<RoundRow>> {
    monitoring_rounds::table.find(id).select(RoundRow::as_select()).first(conn).optional()
}

/// A round by year and month.
pub fn round_of(conn: &mut AnyConnection, year: i32, month: i32) -> QueryResult<Option<RoundRow>> {
    monitoring_rounds::table
        .filter(monitoring_rounds::fiscal_year.eq(year))
        .filter(monitoring_rounds::through_month.eq(month))
        .select(RoundRow::as_select())
        .first(conn)
        .optional()
}

/// Rounds, newest id first, optionally of one year.
pub fn rounds(
    conn: &mut AnyConnection,
    year: Option<i32>,
    cursor: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<RoundRow>> {
    let mut q = monitoring_rounds::table.select(RoundRow::as_select()).into_boxed();
    if let Some(y) = year {
        q = q.filter(monitoring_rounds::fiscal_year.eq(y));
    }
    if let Some(c) = cursor {
        q = q.filter(monitoring_rounds::id.lt(c.to_owned()));
    }
    q.order(monitoring_rounds::id.desc()).limit(limit).load(conn)
}

/// Inserts a report.
pub fn insert_report(conn: &mut AnyConnection, r: &ReportRow) -> QueryResult<()> {
    diesel::insert_into(monitoring_reports::table).values(r).execute(conn).map(|_| ())
}

/// A report by id.
pub fn report(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<ReportRow>> {
    monitoring_reports::table.find(id).select(ReportRow::as_select()).first(conn).optional()
}

/// The report of a target in a round.
pub fn report_of(conn: &mut AnyConnection, round_id: &str, target_id: &str) -> QueryResult<Option<ReportRow>> {
    monitoring_reports::table
        .filter(monitoring_reports::round_id.eq(round_id))
        .filter(monitoring_reports::target_id.eq(target_id))
        .select(ReportRow::as_select())
        .first(conn)
        .optional()
}

/// Reports of many targets in a round.
pub fn reports_of_targets(conn: &mut AnyConnection, round_id: &str, ids: &[String]) -> QueryResult<Vec<ReportRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    monitoring_reports::table
        .filter(monitoring_reports::round_id.eq(round_id))
        .filter(monitoring_reports::target_id.eq_any(ids.to_vec()))
        .select(ReportRow::as_select())
        .load(conn)
}

/// The latest accepted report of a target in a year before month `before` (the
/// "previous report" of FORMATS §6).
pub fn previous_accepted(
    conn: &mut AnyConnection,
    target_id: &str,
    year: i32,
    before: i32,
) -> QueryResult<Option<ReportRow>> {
    monitoring_reports::table
        .filter(monitoring_reports::target_id.eq(target_id))
        .filter(monitoring_reports::fiscal_year.eq(year))
        .filter(monitoring_reports::through_month.lt(before))
        .filter(monitoring_reports::status.eq("accepted"))
        .order(monitoring_reports::through_month.desc())
        .select(ReportRow::as_select())
        .first(conn)
        .optional()
}

/// Filters of the report list.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    /// Only this round.
    pub round_id: Option<String>,
    /// Only these departments (`None` = all).
    pub departments: Option<Vec<String>>,
    /// Only this status.
    pub status: Option<String>,
    /// Only reports whose status is one of these.
    pub statuses: Option<Vec<String>>,
    /// Only this light.
    pub lights: Option<Vec<String>>,
}

/// Applies a [`ReportFilter`] to any boxed query over `monitoring_reports` (grouped or not).
macro_rules! report_filter {
    ($q:expr, $f:expr) => {{
        let f: &ReportFilter = $f;
        let mut q = $q;
        if let Some(r) = &f.round_id {
            q = q.filter(monitoring_reports::round_id.eq(r.clone()));
        }
        if let Some(d) = &f.departments {
            q = $crate::store::filter_in!(q, monitoring_reports::department_code, d);
        }
        if let Some(s) = &f.status {
            q = q.filter(monitoring_reports::status.eq(s.clone()));
        }
        if let Some(s) = &f.statuses {
            q = q.filter(monitoring_reports::status.eq_any(s.clone()));
        }
        if let Some(l) = &f.lights {
            q = q.filter(monitoring_reports::light.eq_any(l.clone()));
        }
        q
    }};
}

/// A page of reports, newest id first.
pub fn reports(
    conn: &mut AnyConnection,
    f: &ReportFilter,
    cursor: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<ReportRow>> {
    let mut q = report_filter!(monitoring_reports::table.select(ReportRow::as_select()).into_boxed(), f);
    if let Some(c) = cursor {
        q = q.filter(monitoring_reports::id.lt(c.to_owned()));
    }
    q.order(monitoring_reports::id.desc()).limit(limit).load(conn)
}

/// Reports per status under a filter (`GROUP BY`).
pub fn count_by_status(conn: &mut AnyConnection, f: &ReportFilter) -> QueryResult<Vec<(String, i64)>> {
    let q = monitoring_reports::table
        .group_by(monitoring_reports::status)
        .select((monitoring_reports::status, diesel::dsl::count_star()))
        .into_boxed();
    report_filter!(q, f).load(conn)
}

/// Per department and light, the reports under a filter (`GROUP BY`).
pub fn count_by_department_light(
    conn: &mut AnyConnection,
    f: &ReportFilter,
) -> QueryResult<Vec<(String, Option<String>, i64)>> {
    let q = monitoring_reports::table
        .group_by((monitoring_reports::department_code, monitoring_reports::light))
        .select((monitoring_reports::department_code, monitoring_reports::light, diesel::dsl::count_star()))
        .into_boxed();
    report_filter!(q, f).load(conn)
}

/// Reports per department under a filter (`GROUP BY`).
pub fn count_by_department(conn: &mut AnyConnection, f: &ReportFilter) -> QueryResult<Vec<(String, i64)>> {
    let q = monitoring_reports::table
        .group_by(monitoring_reports::department_code)
        .select((monitoring_reports::department_code, diesel::dsl::count_star()))
        .into_boxed();
    report_filter!(q, f).load(conn)
}

/// (department, budget, executed) of one report.
pub type ExecutionFigure = (String, Option<Money>, Option<Money>);

/// (department, budget, executed) of the reports under a filter: money is summed in Rust,
/// exactly (SQLite keeps decimals as text, which `SUM` would turn into floats).
pub fn execution_figures(conn: &mut AnyConnection, f: &ReportFilter) -> QueryResult<Vec<ExecutionFigure>> {
    let q = monitoring_reports::table
        .select((monitoring_reports::department_code, monitoring_reports::budget, monitoring_reports::executed))
        .into_boxed();
    report_filter!(q, f).load(conn)
}

/// Target ids with at least one accepted report in a year (through month N).
pub fn monitored_targets(conn: &mut AnyConnection, year: i32, through_month: Option<i32>) -> QueryResult<Vec<String>> {
    let mut q = monitoring_reports::table
        .filter(monitoring_reports::fiscal_year.eq(year))
        .filter(monitoring_reports::status.eq("accepted"))
        .select(monitoring_reports::target_id)
        .distinct()
        .into_boxed();
    if let Some(m) = through_month {
        q = q.filter(monitoring_reports::through_month.le(m));
    }
    q.load(conn)
}

/// What a write changes.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = monitoring_reports)]
#[diesel(treat_none_as_null = true)]
pub struct ReportChanges {
    /// New status.
    pub status: String,
    /// Document.
    pub document: String,
    /// Result.
    pub result: String,
    /// Light.
    pub light: Option<String>,
    /// Budget.
    pub budget: Option<Money>,
    /// Executed.
    pub executed: Option<Money>,
    /// Errors.
    pub error_count: i32,
    /// Warnings.
    pub warning_count: i32,
    /// Opinion.
    pub opinion: Option<String>,
    /// New ETag.
    pub etag: String,
    /// New version.
    pub version: i64,
    /// When.
    pub updated_at: NaiveDateTime,
    /// Submitted at.
    pub submitted_at: Option<NaiveDateTime>,
    /// Decided at.
    pub decided_at: Option<NaiveDateTime>,
    /// Decided by.
    pub decided_by: Option<String>,
}

/// Writes a report whose ETag is still `expected_etag`; false when it changed.
pub fn update_report(
    conn: &mut AnyConnection,
    id: &str,
    expected_etag: &str,
    changes: &ReportChanges,
) -> QueryResult<bool> {
    diesel::update(
        monitoring_reports::table
            .filter(monitoring_reports::id.eq(id))
            .filter(monitoring_reports::etag.eq(expected_etag)),
    )
    .set(changes)
    .execute(conn)
    .map(|n| n == 1)
}

/// Appends an immutable snapshot (`submitted` or `accepted`).
pub fn append_snapshot(
    conn: &mut AnyConnection,
    report_id: &str,
    kind: &str,
    document: &str,
    result: &str,
    etag: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(monitoring_snapshots::table)
        .values((
            monitoring_snapshots::report_id.eq(report_id),
            monitoring_snapshots::kind.eq(kind),
            monitoring_snapshots::document.eq(document),
            monitoring_snapshots::result.eq(result),
            monitoring_snapshots::etag.eq(etag),
            monitoring_snapshots::at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Number of snapshots of a report (for tests and the history view).
pub fn snapshot_count(conn: &mut AnyConnection, report_id: &str) -> QueryResult<i64> {
    monitoring_snapshots::table.filter(monitoring_snapshots::report_id.eq(report_id)).count().get_result(conn)
}

/// Inserts a rectification flag.
pub fn insert_rectification(conn: &mut AnyConnection, r: &RectificationRow) -> QueryResult<()> {
    diesel::insert_into(rectifications::table).values(r).execute(conn).map(|_| ())
}

/// A flag by id.
pub fn rectification(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<RectificationRow>> {
    rectifications::table.find(id).select(RectificationRow::as_select()).first(conn).optional()
}

/// The flags of a report, oldest first.
pub fn rectifications_of(conn: &mut AnyConnection, report_id: &str) -> QueryResult<Vec<RectificationRow>> {
    rectifications::table
        .filter(rectifications::report_id.eq(report_id))
        .order(rectifications::id.asc())
        .select(RectificationRow::as_select())
        .load(conn)
}

/// The tasks raised on a self-evaluation, oldest first.
pub fn rectifications_of_evaluation(
    conn: &mut AnyConnection,
    evaluation_id: &str,
) -> QueryResult<Vec<RectificationRow>> {
    rectifications::table
        .filter(rectifications::evaluation_id.eq(evaluation_id))
        .order(rectifications::id.asc())
        .select(RectificationRow::as_select())
        .load(conn)
}

/// A page of flags, newest first.
pub fn rectifications_page(
    conn: &mut AnyConnection,
    departments: Option<&[String]>,
    status: Option<&str>,
    due_before: Option<&str>,
    cursor: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<RectificationRow>> {
    let mut q = rectifications::table.select(RectificationRow::as_select()).into_boxed();
    if let Some(d) = due_before {
        // dates are YYYY-MM-DD text: they order as dates
        q = q.filter(rectifications::due.lt(d.to_owned()));
    }
    if let Some(d) = departments {
        q = crate::store::filter_in!(q, rectifications::department_code, d);
    }
    if let Some(s) = status {
        q = q.filter(rectifications::status.eq(s.to_owned()));
    }
    if let Some(c) = cursor {
        q = q.filter(rectifications::id.lt(c.to_owned()));
    }
    q.order(rectifications::id.desc()).limit(limit).load(conn)
}

/// Records the result of an open flag; false when it is no longer open.
pub fn resolve_rectification(
    conn: &mut AnyConnection,
    id: &str,
    result: &str,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(rectifications::table.filter(rectifications::id.eq(id)).filter(rectifications::status.eq("open")))
        .set((
            rectifications::status.eq("done"),
            rectifications::result.eq(Some(result)),
            rectifications::resolved_by.eq(Some(by)),
            rectifications::resolved_at.eq(Some(at)),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

mod joins {
    use crate::db::schema::targets;
    use crate::store::review::schema::review_states;
    diesel::allow_tables_to_appear_in_same_query!(targets, review_states);
}

/// An approved project target of a year, as monitoring needs it.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = crate::db::schema::targets)]
pub struct ApprovedTargetRow {
    /// Target id.
    pub id: String,
    /// Department code.
    pub department_code: String,
    /// Project name.
    pub project_name: Option<String>,
    /// 年度资金总额.
    pub annual_total: Option<Money>,
    /// The rule profile it was declared under.
    pub profile: String,
}

/// The same columns of the given targets (by id), in one query.
pub fn target_rows(conn: &mut AnyConnection, ids: &[String]) -> QueryResult<Vec<ApprovedTargetRow>> {
    use crate::db::schema::targets;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    targets::table.filter(targets::id.eq_any(ids.to_vec())).select(ApprovedTargetRow::as_select()).load(conn)
}

fn approved_projects<'a>(
    year: i32,
    departments: Option<&[String]>,
) -> crate::db::schema::targets::BoxedQuery<'a, crate::db::connection::MultiBackend> {
    use crate::db::schema::targets;
    // a project target: the rules read `project` (and its name) only for kind = project
    approved_of_year(year, departments).filter(targets::project_name.is_not_null())
}

/// The approved targets of a year, projects and departments as a whole (evaluation reads both).
fn approved_of_year<'a>(
    year: i32,
    departments: Option<&[String]>,
) -> crate::db::schema::targets::BoxedQuery<'a, crate::db::connection::MultiBackend> {
    use crate::db::schema::targets;
    use crate::store::review::schema::review_states;
    let approved =
        review_states::table.filter(review_states::in_force_revision.is_not_null()).select(review_states::target_id);
    let mut q = targets::table.filter(targets::fiscal_year.eq(year)).filter(targets::id.eq_any(approved)).into_boxed();
    if let Some(d) = departments {
        q = q.filter(targets::department_code.eq_any(d.to_vec()));
    }
    q
}

/// A page of the approved project targets of a year (the targets a round makes due).
pub fn due_targets(
    conn: &mut AnyConnection,
    year: i32,
    departments: Option<&[String]>,
    cursor: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<ApprovedTargetRow>> {
    use crate::db::schema::targets;
    let mut q = approved_projects(year, departments).select(ApprovedTargetRow::as_select());
    if let Some(c) = cursor {
        q = q.filter(targets::id.gt(c.to_owned()));
    }
    q.order(targets::id.asc()).limit(limit).load(conn)
}

/// Approved project targets of a year per department (`GROUP BY`).
pub fn due_by_department(
    conn: &mut AnyConnection,
    year: i32,
    departments: Option<&[String]>,
) -> QueryResult<Vec<(String, i64)>> {
    use crate::db::schema::targets;
    use crate::store::review::schema::review_states;
    let approved =
        review_states::table.filter(review_states::in_force_revision.is_not_null()).select(review_states::target_id);
    let mut q = targets::table
        .group_by(targets::department_code)
        .select((targets::department_code, diesel::dsl::count_star()))
        .filter(targets::fiscal_year.eq(year))
        .filter(targets::project_name.is_not_null())
        .filter(targets::id.eq_any(approved))
        .into_boxed();
    if let Some(d) = departments {
        q = q.filter(targets::department_code.eq_any(d.to_vec()));
    }
    q.load(conn)
}

/// Every approved project target of a year with its amount (coverage sums money in Rust).
pub fn approved_amounts(conn: &mut AnyConnection, year: i32) -> QueryResult<Vec<ApprovedTargetRow>> {
    approved_projects(year, None).select(ApprovedTargetRow::as_select()).load(conn)
}

/// Every target of a year, whatever its state (the as-of material replays their history).
pub fn targets_of_year(conn: &mut AnyConnection, year: i32) -> QueryResult<Vec<ApprovedTargetRow>> {
    use crate::db::schema::targets;
    targets::table.filter(targets::fiscal_year.eq(year)).select(ApprovedTargetRow::as_select()).load(conn)
}

/// (report id, target id) of every monitoring report of a year.
pub fn report_targets_of_year(conn: &mut AnyConnection, year: i32) -> QueryResult<Vec<(String, String)>> {
    monitoring_reports::table
        .filter(monitoring_reports::fiscal_year.eq(year))
        .select((monitoring_reports::id, monitoring_reports::target_id))
        .load(conn)
}

/// Every approved target of a year (projects and departments as a whole), with the columns
/// the evaluation summary reads.
pub fn approved_targets(conn: &mut AnyConnection, year: i32) -> QueryResult<Vec<ApprovedTargetRow>> {
    approved_of_year(year, None).select(ApprovedTargetRow::as_select()).load(conn)
}

/// Whether a target is an approved target (of any kind) of `year`.
pub fn is_approved(conn: &mut AnyConnection, target_id: &str, year: i32) -> QueryResult<bool> {
    use crate::db::schema::targets;
    approved_of_year(year, None)
        .filter(targets::id.eq(target_id.to_owned()))
        .count()
        .get_result::<i64>(conn)
        .map(|n| n > 0)
}

/// Whether a target is an approved project target of `year`.
pub fn is_due(conn: &mut AnyConnection, target_id: &str, year: i32) -> QueryResult<bool> {
    use crate::db::schema::targets;
    approved_projects(year, None)
        .filter(targets::id.eq(target_id.to_owned()))
        .count()
        .get_result::<i64>(conn)
        .map(|n| n > 0)
}
