//! Monitoring use cases (绩效运行监控): open rounds, create / edit / submit reports,
//! accept or return them, flag rectifications, and the bureau's reads (board,
//! deviations, coverage of FORMATS §7). Who may do what in which state is decided by
//! `jixiao_rules::monitoring::lifecycle`; the lights by `jixiao_rules::monitor`. Every
//! write is one transaction with its audit row; submitted and accepted reports are also
//! kept as immutable snapshots.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use diesel::Connection;
use jixiao_rules::monitoring::lifecycle::{self, ReportAction, ReportStatus};
use jixiao_rules::monitoring::{Light, MonitorReport};
use jixiao_rules::review::Actor;
use jixiao_rules::values::{Amount, Date};
use jixiao_rules::{Locale, Severity, parse_object};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value, json};
use utoipa::ToSchema;

use crate::auth::{Caller, Role};
use crate::db::{AnyConnection, Money};
use crate::error::ApiError;
use crate::service::profiles::Profiles;
use crate::store;
use crate::store::monitoring::{ApprovedTargetRow, RectificationRow, ReportChanges, ReportFilter, ReportRow, RoundRow};

type Result<T> = std::result::Result<T, ApiError>;

use crate::service::stage;
pub use crate::service::stage::page;
use crate::service::stage::{actor, audit, department_names, is_past, lifecycle_error, require_finance, round4, scope};
use crate::text;

fn internal(msg: &str) -> ApiError {
    ApiError::internal(std::io::Error::other(msg.to_owned()))
}

// ---------------------------------------------------------------------------------------
// Rounds

/// Reports of a round per state, for the caller's departments.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct RoundCounts {
    /// Approved project targets due in the round.
    pub due: i64,
    /// Due targets without a report yet.
    pub not_started: i64,
    /// 草稿.
    pub draft: i64,
    /// 已报送.
    pub submitted: i64,
    /// 已退回.
    pub returned: i64,
    /// 已审核.
    pub accepted: i64,
}

/// A round with its counts.
#[derive(Debug, Clone)]
pub struct RoundInfo {
    /// The round.
    pub row: RoundRow,
    /// Its counts (the caller's own for a department).
    pub counts: RoundCounts,
    /// The deadline has passed.
    pub overdue: bool,
}

fn round_info(conn: &mut AnyConnection, caller: &Caller, row: RoundRow) -> Result<RoundInfo> {
    let deps = scope(caller);
    let due: i64 =
        store::monitoring::due_by_department(conn, row.fiscal_year, deps.as_deref())?.iter().map(|(_, n)| n).sum();
    let filter = ReportFilter { round_id: Some(row.id.clone()), departments: deps, ..Default::default() };
    let mut counts = RoundCounts { due, ..Default::default() };
    let mut reported = 0;
    for (status, n) in store::monitoring::count_by_status(conn, &filter)? {
        reported += n;
        match status.as_str() {
            "draft" => counts.draft = n,
            "submitted" => counts.submitted = n,
            "returned" => counts.returned = n,
            "accepted" => counts.accepted = n,
            _ => {}
        }
    }
    counts.not_started = (due - reported).max(0);
    let overdue = is_past(&row.deadline);
    Ok(RoundInfo { row, counts, overdue })
}

/// Opens a round (finance): reports through `month` of `year`, due by `deadline`.
pub fn open_round(
    conn: &mut AnyConnection,
    caller: &Caller,
    year: i32,
    month: i32,
    deadline: &str,
) -> Result<RoundInfo> {
    if caller.role != Role::Finance {
        return Err(ApiError::Forbidden(text!("只有财政局可以发起监控轮次", "only finance opens monitoring rounds")));
    }
    crate::service::stage::fiscal_year(year)?;
    if !(1..=12).contains(&month) {
        return Err(ApiError::InvalidParameter(text!(
            "截至月份（through_month）须为 1–12，收到的是 {month}",
            "through_month must be 1–12, got {month}"
        )));
    }
    if Date::parse(deadline).is_none() {
        return Err(ApiError::InvalidParameter(text!(
            "截止日期（deadline）须为 YYYY-MM-DD 格式的日期，收到的是 `{deadline}`",
            "deadline must be a date YYYY-MM-DD, got `{deadline}`"
        )));
    }
    if store::monitoring::round_of(conn, year, month)?.is_some() {
        return Err(ApiError::Conflict(text!(
            "{year} 年 1–{month} 月的监控轮次已经发起",
            "the round {year} months 1–{month} is already open"
        )));
    }
    // The year's partitions (PostgreSQL) before its reports are written; a no-op once made.
    crate::db::year_partitions(conn, year)?;
    let row = RoundRow {
        id: uuid::Uuid::now_v7().to_string(),
        fiscal_year: year,
        through_month: month,
        deadline: deadline.to_owned(),
        opened_by: caller.name.clone(),
        opened_at: store::now(),
    };
    conn.transaction::<_, ApiError, _>(|c| {
        store::monitoring::insert_round(c, &row)?;
        audit(
            c,
            &row.id,
            caller,
            "monitoring.open_round",
            None,
            None,
            json!({ "fiscal_year": year, "through_month": month, "deadline": deadline }),
        )
    })?;
    round_info(conn, caller, row)
}

/// A round (any signed-in caller; counts scoped to a department's own).
pub fn round(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<RoundInfo> {
    let row = store::monitoring::round(conn, id)?.ok_or(ApiError::NotFound)?;
    round_info(conn, caller, row)
}

/// A page of rounds, newest first.
pub fn rounds(
    conn: &mut AnyConnection,
    caller: &Caller,
    year: Option<i32>,
    cursor: Option<&str>,
    limit: i64,
) -> Result<(Vec<RoundInfo>, Option<String>)> {
    let rows = store::monitoring::rounds(conn, year, cursor, limit + 1)?;
    let (rows, next) = page(rows, limit, |r| r.id.clone());
    let items = rows.into_iter().map(|r| round_info(conn, caller, r)).collect::<Result<Vec<_>>>()?;
    Ok((items, next))
}

/// An approved target due in a round, with its report if any.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DueTarget {
    /// Target id.
    pub target_id: String,
    /// Department code.
    pub department_code: String,
    /// Department name.
    pub department_name: Option<String>,
    /// Project name.
    pub project_name: Option<String>,
    /// 年度资金总额 (万元).
    #[schema(value_type = Option<String>)]
    pub annual_total: Option<Decimal>,
    /// The report in this round, if created.
    pub report_id: Option<String>,
    /// Its status.
    pub status: Option<ReportStatus>,
    /// Its light at the last write.
    pub light: Option<Light>,
}

/// A page of the round's due targets (a department: its own).
pub fn due(
    conn: &mut AnyConnection,
    caller: &Caller,
    round_id: &str,
    cursor: Option<&str>,
    limit: i64,
) -> Result<(Vec<DueTarget>, Option<String>)> {
    let round = store::monitoring::round(conn, round_id)?.ok_or(ApiError::NotFound)?;
    if caller.role == Role::Assessor {
        return Err(ApiError::Forbidden(text!(
            "第三方评价机构不参与绩效运行监控",
            "assessors do not take part in monitoring"
        )));
    }
    let deps = scope(caller);
    let rows = store::monitoring::due_targets(conn, round.fiscal_year, deps.as_deref(), cursor, limit + 1)?;
    let (rows, next) = page(rows, limit, |r| r.id.clone());
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let reports: HashMap<String, ReportRow> = store::monitoring::reports_of_targets(conn, &round.id, &ids)?
        .into_iter()
        .map(|r| (r.target_id.clone(), r))
        .collect();
    let names = department_names(conn)?;
    let items = rows
        .into_iter()
        .map(|t: ApprovedTargetRow| {
            let rep = reports.get(&t.id);
            DueTarget {
                department_name: names.get(&t.department_code).cloned(),
                report_id: rep.map(|r| r.id.clone()),
                status: rep.and_then(|r| ReportStatus::parse(&r.status)),
                light: rep.and_then(|r| parse_light(r.light.as_deref())),
                target_id: t.id,
                department_code: t.department_code,
                project_name: t.project_name,
                annual_total: t.annual_total.map(|m| m.0),
            }
        })
        .collect();
    Ok((items, next))
}

fn parse_light(s: Option<&str>) -> Option<Light> {
    serde_json::from_value(Value::String(s?.to_owned())).ok()
}

fn light_name(l: Option<Light>) -> Option<String> {
    l.and_then(|l| serde_json::to_value(l).ok()).and_then(|v| v.as_str().map(str::to_owned))
}

// ---------------------------------------------------------------------------------------
// Reports

/// What a report is checked against: the approved target, its profile, the previous report.
pub struct Context {
    /// The approved target document in force.
    pub target: Map<String, Value>,
    /// Its project name.
    pub project_name: Option<String>,
    /// The approved amount (批复金额), if recorded.
    pub approved_amount: Option<Decimal>,
    /// The profile it was declared under.
    pub profile: crate::service::profiles::ProfileRef,
    /// The year's previous accepted report (its document), if any.
    pub previous: Option<Map<String, Value>>,
}

/// Loads the context of the report of `target_id` in `year`, month `month`.
pub(crate) fn context(
    conn: &mut AnyConnection,
    target_id: &str,
    year: i32,
    month: i32,
    profiles: &Profiles,
) -> Result<Context> {
    let target = store::targets::get(conn, target_id)?.ok_or(ApiError::NotFound)?;
    let state = store::review::get_state(conn, target_id)?;
    let in_force = state.and_then(|s| s.in_force_revision).ok_or_else(|| {
        ApiError::Conflict(text!(
            "只有已批复的绩效目标才纳入监控，该绩效目标尚无批复版本",
            "only approved targets are monitored; this target has no approved version"
        ))
    })?;
    let version = store::review::versions(conn, target_id)?
        .into_iter()
        .rev()
        .find(|v| v.kind == "approved" && v.revision == in_force)
        .ok_or_else(|| internal("approved version missing"))?;
    let doc = parse_object(&version.document).map_err(ApiError::internal)?;
    // The profile the target was declared under; an unknown stored profile is an error.
    let profile = profiles.resolve(Some(&version.profile))?;
    let previous = store::monitoring::previous_accepted(conn, target_id, year, month)?
        .map(|r| parse_object(&r.document).map_err(ApiError::internal))
        .transpose()?;
    Ok(Context {
        target: doc,
        project_name: target.head.project_name,
        approved_amount: version.approved_amount.map(|m| m.0),
        profile,
        previous,
    })
}

fn run_rules(ctx: &Context, doc: &Map<String, Value>, locale: Locale) -> MonitorReport {
    jixiao_rules::monitor(&ctx.target, doc, &ctx.profile, ctx.previous.as_ref(), locale)
}

/// The stored columns derived from a report document.
struct Derived {
    result: String,
    light: Option<String>,
    budget: Option<Money>,
    executed: Option<Money>,
    errors: i32,
    warnings: i32,
}

fn derive(ctx: &Context, doc: &Map<String, Value>) -> Result<Derived> {
    let report = run_rules(ctx, doc, Locale::ZhCn);
    let amount = |k: &str| {
        doc.get("execution")
            .and_then(|e| e.get(k))
            .and_then(Value::as_str)
            .and_then(Amount::parse)
            .map(|a| a.value())
            .filter(|d| *d <= max_column_amount())
            .map(Money)
    };
    let errors = report.violations.iter().filter(|v| v.severity == Severity::Error).count();
    let warnings = report.violations.len() - errors;
    Ok(Derived {
        result: serde_json::to_string(&report).map_err(ApiError::internal)?,
        light: light_name(report.light),
        budget: amount("budget_full_year"),
        executed: amount("executed"),
        errors: i32::try_from(errors).unwrap_or(i32::MAX),
        warnings: i32::try_from(warnings).unwrap_or(i32::MAX),
    })
}

/// Largest amount a `NUMERIC(18,2)` column holds.
fn max_column_amount() -> Decimal {
    Decimal::new(9_999_999_999_999_999, 0) + Decimal::new(99, 2)
}

fn etag(id: &str, version: i64, status: ReportStatus, document: &str) -> String {
    stage::etag(id, version, status.as_str(), document)
}

/// The §6 document a new report starts from: the period, the approved budget and one
/// row per indicator of the approved target, to be filled in.
fn prefill(ctx: &Context, year: i32, month: i32) -> Map<String, Value> {
    let budget = ctx
        .approved_amount
        .or_else(|| {
            ctx.target
                .get("funds")
                .and_then(|f| f.get("annual_total"))
                .and_then(Value::as_str)
                .and_then(Amount::parse)
                .map(|a| a.value())
        })
        .map(|d| d.to_string());
    let mut seen = BTreeSet::new();
    let rows: Vec<Value> = ctx
        .target
        .get("indicators")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| i.get("id").and_then(Value::as_str))
        .filter(|id| seen.insert(id.to_owned()))
        .map(|id| json!({ "indicator_id": id, "actual_to_date": null, "forecast_full_year": null, "likelihood": null, "causes": [], "measures": null }))
        .collect();
    let doc = json!({
        "period": { "fiscal_year": year, "through_month": month },
        "execution": { "budget_full_year": budget, "executed": null, "forecast_full_year": null, "reason": null },
        "goal_progress": null,
        "indicators": rows,
    });
    match doc {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn status_of(row: &ReportRow) -> Result<ReportStatus> {
    ReportStatus::parse(&row.status).ok_or_else(|| internal("unknown stored report status"))
}

/// A report with what it is checked against and its result in the caller's locale.
pub struct ReportDetail {
    /// The stored row.
    pub row: ReportRow,
    /// Project name of the target.
    pub project_name: Option<String>,
    /// The department's name.
    pub department_name: Option<String>,
    /// The approved target document.
    pub target: Map<String, Value>,
    /// The previous accepted report of the year.
    pub previous: Option<Map<String, Value>>,
    /// The rules' output now, in the requested locale.
    pub result: MonitorReport,
    /// Its rectification flags.
    pub rectifications: Vec<RectificationRow>,
}

/// The report with its context and result in `locale` (for the routes' views).
pub fn detail(conn: &mut AnyConnection, row: ReportRow, locale: Locale, profiles: &Profiles) -> Result<ReportDetail> {
    let ctx = context(conn, &row.target_id, row.fiscal_year, row.through_month, profiles)?;
    let doc = parse_object(&row.document).map_err(ApiError::internal)?;
    let result = run_rules(&ctx, &doc, locale);
    let rectifications = store::monitoring::rectifications_of(conn, &row.id)?;
    let department_name = store::departments::get(conn, &row.department_code)?.map(|d| d.name);
    Ok(ReportDetail {
        project_name: ctx.project_name,
        department_name,
        target: ctx.target,
        previous: ctx.previous,
        result,
        rectifications,
        row,
    })
}

fn load_report(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<(ReportRow, ReportStatus, Actor)> {
    let row = store::monitoring::report(conn, id)?.ok_or(ApiError::NotFound)?;
    let a = actor(caller, &row.department_code);
    if !lifecycle::can_read(a) {
        return Err(ApiError::NotFound);
    }
    let status = status_of(&row)?;
    Ok((row, status, a))
}

/// A report the caller may read, with its context.
pub fn get_report(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    locale: Locale,
    profiles: &Profiles,
) -> Result<ReportDetail> {
    let (row, _, _) = load_report(conn, caller, id)?;
    detail(conn, row, locale, profiles)
}

/// Creates the report of an approved target in a round, prefilled (a department, its own target).
pub fn create_report(
    conn: &mut AnyConnection,
    caller: &Caller,
    round_id: &str,
    target_id: &str,
    profiles: &Profiles,
) -> Result<ReportRow> {
    let round = store::monitoring::round(conn, round_id)?.ok_or(ApiError::NotFound)?;
    let target = store::targets::get(conn, target_id)?.ok_or(ApiError::NotFound)?;
    let a = actor(caller, &target.department_code);
    // Another department's target does not exist for this caller.
    if matches!(a, Actor::Department { own: false } | Actor::Assessor { .. }) {
        return Err(ApiError::NotFound);
    }
    lifecycle::apply(a, None, ReportAction::Create).map_err(lifecycle_error)?;
    if !store::monitoring::is_due(conn, target_id, round.fiscal_year)? {
        let year = round.fiscal_year;
        return Err(ApiError::Conflict(text!(
            "本轮只监控 {year} 年度已批复的项目绩效目标",
            "only approved project targets of {year} are monitored in this round"
        )));
    }
    if store::monitoring::report_of(conn, round_id, target_id)?.is_some() {
        return Err(ApiError::Conflict(text!(
            "该绩效目标在本轮已有监控报告",
            "this target already has a report in this round"
        )));
    }
    let ctx = context(conn, target_id, round.fiscal_year, round.through_month, profiles)?;
    let doc = Value::Object(prefill(&ctx, round.fiscal_year, round.through_month)).to_string();
    let derived = derive(&ctx, &parse_object(&doc).map_err(ApiError::internal)?)?;
    let id = uuid::Uuid::now_v7().to_string();
    let now = store::now();
    let row = ReportRow {
        etag: etag(&id, 1, ReportStatus::Draft, &doc),
        id,
        round_id: round.id.clone(),
        target_id: target_id.to_owned(),
        department_code: target.department_code.clone(),
        fiscal_year: round.fiscal_year,
        through_month: round.through_month,
        status: ReportStatus::Draft.as_str().into(),
        document: doc,
        result: derived.result,
        light: derived.light,
        budget: derived.budget,
        executed: derived.executed,
        error_count: derived.errors,
        warning_count: derived.warnings,
        opinion: None,
        version: 1,
        created_at: now,
        updated_at: now,
        created_by: caller.name.clone(),
        submitted_at: None,
        decided_at: None,
        decided_by: None,
    };
    conn.transaction::<_, ApiError, _>(|c| {
        store::monitoring::insert_report(c, &row)?;
        audit(
            c,
            &row.id,
            caller,
            ReportAction::Create.as_str(),
            None,
            Some(&row.etag),
            json!({ "round_id": row.round_id, "target_id": row.target_id }),
        )
    })?;
    Ok(row)
}

fn changes_from(row: &ReportRow, status: ReportStatus, document: String, d: &Derived) -> ReportChanges {
    let version = row.version + 1;
    ReportChanges {
        etag: etag(&row.id, version, status, &document),
        status: status.as_str().into(),
        document,
        result: d.result.clone(),
        light: d.light.clone(),
        budget: d.budget,
        executed: d.executed,
        error_count: d.errors,
        warning_count: d.warnings,
        opinion: row.opinion.clone(),
        version,
        updated_at: store::now(),
        submitted_at: row.submitted_at,
        decided_at: row.decided_at,
        decided_by: row.decided_by.clone(),
    }
}

fn write(c: &mut AnyConnection, row: &ReportRow, changes: &ReportChanges) -> Result<()> {
    if store::monitoring::update_report(c, &row.id, &row.etag, changes)? {
        Ok(())
    } else {
        let current = store::monitoring::report(c, &row.id)?.map(|r| r.etag).unwrap_or_default();
        Err(ApiError::stale(&current))
    }
}

/// Replaces the document of a draft or returned report (its department; `If-Match`).
pub fn update_report(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    if_match: &[String],
    doc: &Map<String, Value>,
    profiles: &Profiles,
) -> Result<ReportRow> {
    let (row, status, a) = load_report(conn, caller, id)?;
    let next = lifecycle::apply(a, Some(status), ReportAction::Edit).map_err(lifecycle_error)?;
    stage::check_etag(&row.etag, if_match)?;
    let ctx = context(conn, &row.target_id, row.fiscal_year, row.through_month, profiles)?;
    let derived = derive(&ctx, doc)?;
    let changes = changes_from(&row, next, Value::Object(doc.clone()).to_string(), &derived);
    conn.transaction::<_, ApiError, _>(|c| {
        write(c, &row, &changes)?;
        audit(
            c,
            &row.id,
            caller,
            ReportAction::Edit.as_str(),
            Some(&row.etag),
            Some(&changes.etag),
            json!({ "version": changes.version, "errors": derived.errors, "light": derived.light }),
        )
    })?;
    store::monitoring::report(conn, id)?.ok_or(ApiError::NotFound)
}

/// Submits a report to finance: 422 with the violations while errors remain.
pub fn submit_report(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    if_match: &[String],
    locale: Locale,
    profiles: &Profiles,
) -> Result<ReportRow> {
    let (row, status, a) = load_report(conn, caller, id)?;
    let next = lifecycle::apply(a, Some(status), ReportAction::Submit).map_err(lifecycle_error)?;
    stage::check_etag(&row.etag, if_match)?;
    let ctx = context(conn, &row.target_id, row.fiscal_year, row.through_month, profiles)?;
    let doc = parse_object(&row.document).map_err(ApiError::internal)?;
    // Re-checked now: the approved target or the previous report may have changed since the last save.
    let derived = derive(&ctx, &doc)?;
    if derived.errors > 0 {
        return Err(ApiError::Violations {
            detail: text!(
                "监控报告还有 {} 处错误，请修改后再提交",
                "the report has {} error(s); fix them before submitting",
                derived.errors
            ),
            violations: run_rules(&ctx, &doc, locale).violations,
        });
    }
    let mut changes = changes_from(&row, next, row.document.clone(), &derived);
    changes.submitted_at = Some(changes.updated_at);
    conn.transaction::<_, ApiError, _>(|c| {
        write(c, &row, &changes)?;
        store::monitoring::append_snapshot(
            c,
            &row.id,
            "submitted",
            &changes.document,
            &changes.result,
            &changes.etag,
            changes.updated_at,
        )?;
        audit(
            c,
            &row.id,
            caller,
            ReportAction::Submit.as_str(),
            Some(&row.etag),
            Some(&changes.etag),
            json!({ "version": changes.version, "light": derived.light }),
        )
    })?;
    store::monitoring::report(conn, id)?.ok_or(ApiError::NotFound)
}

/// Finance's decision on a submitted report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// 审核通过.
    Accept,
    /// 退回 with an opinion.
    Return,
}

/// Accepts or returns a submitted report (finance; `If-Match`; an opinion to return).
pub fn decide(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    if_match: &[String],
    decision: Decision,
    opinion: Option<&str>,
) -> Result<ReportRow> {
    let (row, status, a) = load_report(conn, caller, id)?;
    let action = match decision {
        Decision::Accept => ReportAction::Accept,
        Decision::Return => ReportAction::Return,
    };
    let next = lifecycle::apply(a, Some(status), action).map_err(lifecycle_error)?;
    stage::check_etag(&row.etag, if_match)?;
    let opinion = opinion.map(str::trim).filter(|o| !o.is_empty());
    if decision == Decision::Return && opinion.is_none() {
        return Err(ApiError::InvalidBody(vec![crate::error::FieldError::new(
            "/opinion",
            "required",
            text!("退回监控报告须填写审核意见", "an opinion is required to return a report"),
        )]));
    }
    let version = row.version + 1;
    let now = store::now();
    let new_etag = etag(&row.id, version, next, &row.document);
    let changes = ReportChanges {
        status: next.as_str().into(),
        document: row.document.clone(),
        result: row.result.clone(),
        light: row.light.clone(),
        budget: row.budget,
        executed: row.executed,
        error_count: row.error_count,
        warning_count: row.warning_count,
        opinion: opinion.map(str::to_owned).or(row.opinion.clone()),
        etag: new_etag.clone(),
        version,
        updated_at: now,
        submitted_at: row.submitted_at,
        decided_at: Some(now),
        decided_by: Some(caller.name.clone()),
    };
    conn.transaction::<_, ApiError, _>(|c| {
        write(c, &row, &changes)?;
        if decision == Decision::Accept {
            store::monitoring::append_snapshot(c, &row.id, "accepted", &row.document, &row.result, &new_etag, now)?;
        }
        audit(c, &row.id, caller, action.as_str(), Some(&row.etag), Some(&new_etag), json!({ "opinion": opinion }))
    })?;
    store::monitoring::report(conn, id)?.ok_or(ApiError::NotFound)
}

/// Flags a submitted or accepted report for rectification (finance).
pub fn flag(
    conn: &mut AnyConnection,
    caller: &Caller,
    report_id: &str,
    requirement: &str,
    due: &str,
) -> Result<RectificationRow> {
    let (row, status, a) = load_report(conn, caller, report_id)?;
    lifecycle::apply(a, Some(status), ReportAction::Rectify).map_err(lifecycle_error)?;
    crate::service::rectifications::raise(
        conn,
        caller,
        crate::service::rectifications::Source::Report(&row.id),
        &row.target_id,
        &row.department_code,
        None,
        requirement,
        due,
    )
}

/// A page of reports, the next cursor, and (status, count) under the same filter.
pub type ReportPage = (Vec<ReportRow>, Option<String>, Vec<(String, i64)>);

/// A page of reports (a department: its own) with counts per state under the same filter.
pub fn reports(
    conn: &mut AnyConnection,
    caller: &Caller,
    mut filter: ReportFilter,
    cursor: Option<&str>,
    limit: i64,
) -> Result<ReportPage> {
    if caller.role == Role::Assessor {
        return Err(ApiError::Forbidden(text!(
            "第三方评价机构不参与绩效运行监控",
            "assessors do not take part in monitoring"
        )));
    }
    if let Some(own) = scope(caller) {
        filter.departments = Some(match filter.departments {
            Some(asked) => asked.into_iter().filter(|d| own.contains(d)).collect(),
            None => own,
        });
    }
    let counts = store::monitoring::count_by_status(conn, &filter)?;
    let rows = store::monitoring::reports(conn, &filter, cursor, limit + 1)?;
    let (rows, next) = page(rows, limit, |r| r.id.clone());
    Ok((rows, next, counts))
}

// ---------------------------------------------------------------------------------------
// The bureau's reads

/// Report lights.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct LightTally {
    /// 红灯.
    pub red: i64,
    /// 黄灯.
    pub yellow: i64,
    /// 绿灯.
    pub green: i64,
}

/// One department on the board.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BoardDepartment {
    /// Code.
    pub department_code: String,
    /// Name.
    pub department_name: Option<String>,
    /// Approved project targets due.
    pub due: i64,
    /// Reports filed (submitted, accepted, or returned for fixing).
    pub reported: i64,
    /// Reports accepted.
    pub accepted: i64,
    /// 红灯 reports.
    pub red: i64,
    /// 黄灯 reports.
    pub yellow: i64,
    /// 绿灯 reports.
    pub green: i64,
    /// 全年预算数 of the reported targets (万元).
    #[schema(value_type = String)]
    pub budget: Decimal,
    /// 1–N月执行数 of the reported targets (万元).
    #[schema(value_type = String)]
    pub executed: Decimal,
    /// executed ÷ budget, 4 decimals (null without a reported budget).
    #[schema(value_type = Option<String>)]
    pub execution_rate: Option<Decimal>,
}

/// A department that has not reported every due target.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OverdueDepartment {
    /// Code.
    pub department_code: String,
    /// Name.
    pub department_name: Option<String>,
    /// Due targets whose report has not been filed (none, or a draft).
    pub missing: i64,
}

/// The bureau's board of a round.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Board {
    /// through_month ÷ 12, 4 decimals.
    #[schema(value_type = String)]
    pub time_progress: Decimal,
    /// Lights of the submitted and accepted reports.
    pub lights: LightTally,
    /// Per department, by code.
    pub departments: Vec<BoardDepartment>,
    /// Departments with due targets whose report has not been filed.
    pub overdue_departments: Vec<OverdueDepartment>,
}

/// The board of a round (finance).
pub fn board(conn: &mut AnyConnection, caller: &Caller, round_id: &str) -> Result<(RoundInfo, Board)> {
    require_finance(caller)?;
    let info = round(conn, caller, round_id)?;
    let reported = ReportFilter {
        round_id: Some(info.row.id.clone()),
        statuses: Some(vec!["submitted".into(), "accepted".into()]),
        ..Default::default()
    };
    let names = department_names(conn)?;
    let mut deps: BTreeMap<String, BoardDepartment> = BTreeMap::new();
    let blank = |code: &str| BoardDepartment {
        department_code: code.to_owned(),
        department_name: names.get(code).cloned(),
        due: 0,
        reported: 0,
        accepted: 0,
        red: 0,
        yellow: 0,
        green: 0,
        budget: Decimal::ZERO,
        executed: Decimal::ZERO,
        execution_rate: None,
    };
    for (code, n) in store::monitoring::due_by_department(conn, info.row.fiscal_year, None)? {
        deps.entry(code.clone()).or_insert_with(|| blank(&code)).due = n;
    }
    // Reported = submitted at least once (a returned report was filed in time and is being fixed).
    let filed = ReportFilter {
        statuses: Some(vec!["submitted".into(), "accepted".into(), "returned".into()]),
        ..reported.clone()
    };
    for (code, n) in store::monitoring::count_by_department(conn, &filed)? {
        deps.entry(code.clone()).or_insert_with(|| blank(&code)).reported = n;
    }
    let mut lights = LightTally::default();
    for (code, light, n) in store::monitoring::count_by_department_light(conn, &reported)? {
        let d = deps.entry(code.clone()).or_insert_with(|| blank(&code));
        match light.as_deref() {
            Some("red") => {
                d.red += n;
                lights.red += n;
            }
            Some("yellow") => {
                d.yellow += n;
                lights.yellow += n;
            }
            Some("green") => {
                d.green += n;
                lights.green += n;
            }
            _ => {}
        }
    }
    let accepted = ReportFilter { statuses: Some(vec!["accepted".into()]), ..reported.clone() };
    for (code, _, n) in store::monitoring::count_by_department_light(conn, &accepted)? {
        deps.entry(code.clone()).or_insert_with(|| blank(&code)).accepted += n;
    }
    for (code, budget, executed) in store::monitoring::execution_figures(conn, &reported)? {
        let d = deps.entry(code.clone()).or_insert_with(|| blank(&code));
        if let (Some(b), Some(x)) = (budget, executed) {
            d.budget += b.0;
            d.executed += x.0;
        }
    }
    for d in deps.values_mut() {
        d.execution_rate = (!d.budget.is_zero()).then(|| round4(d.executed / d.budget));
    }
    let overdue_departments = deps
        .values()
        .filter(|d| d.due > d.reported)
        .map(|d| OverdueDepartment {
            department_code: d.department_code.clone(),
            department_name: d.department_name.clone(),
            missing: d.due - d.reported,
        })
        .collect();
    let time_progress = round4(Decimal::from(info.row.through_month) / Decimal::from(12));
    Ok((info, Board { time_progress, lights, departments: deps.into_values().collect(), overdue_departments }))
}

/// A deviating row of a report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeviationRow {
    /// Indicator id.
    pub indicator_id: String,
    /// Indicator name.
    pub name: Option<String>,
    /// How its light is decided.
    pub rule: jixiao_rules::monitoring::MonitorRule,
    /// Ratio (time-proportional rows).
    #[schema(value_type = Option<String>)]
    pub ratio: Option<Decimal>,
    /// Red or yellow.
    pub light: Option<Light>,
    /// 1–N月实际完成值.
    #[schema(value_type = Object)]
    pub actual_to_date: Value,
    /// 完成目标可能性.
    #[schema(value_type = Object)]
    pub likelihood: Value,
    /// 偏差原因.
    #[schema(value_type = Object)]
    pub causes: Value,
    /// 纠偏措施.
    #[schema(value_type = Object)]
    pub measures: Value,
}

/// Budget execution of a deviating report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeviationExecution {
    /// Rate.
    #[schema(value_type = Option<String>)]
    pub rate: Option<Decimal>,
    /// Ratio to time progress.
    #[schema(value_type = Option<String>)]
    pub ratio: Option<Decimal>,
    /// Light.
    pub light: Option<Light>,
    /// 执行偏差原因.
    #[schema(value_type = Object)]
    pub reason: Value,
}

/// A report with a red or yellow light and its deviating rows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Deviation {
    /// Report id.
    pub report_id: String,
    /// Target id.
    pub target_id: String,
    /// Department code.
    pub department_code: String,
    /// Department name.
    pub department_name: Option<String>,
    /// Project name.
    pub project_name: Option<String>,
    /// Status of the report.
    pub status: ReportStatus,
    /// The report's light.
    pub light: Option<Light>,
    /// Budget execution.
    pub execution: DeviationExecution,
    /// The red and yellow rows.
    pub rows: Vec<DeviationRow>,
}

/// A page of deviating reports (submitted or accepted, red or yellow) of a round (finance).
pub fn deviations(
    conn: &mut AnyConnection,
    caller: &Caller,
    round_id: &str,
    cursor: Option<&str>,
    limit: i64,
) -> Result<(Vec<Deviation>, Option<String>)> {
    require_finance(caller)?;
    store::monitoring::round(conn, round_id)?.ok_or(ApiError::NotFound)?;
    let filter = ReportFilter {
        round_id: Some(round_id.to_owned()),
        statuses: Some(vec!["submitted".into(), "accepted".into()]),
        lights: Some(vec!["red".into(), "yellow".into()]),
        ..Default::default()
    };
    let rows = store::monitoring::reports(conn, &filter, cursor, limit + 1)?;
    let (rows, next) = page(rows, limit, |r| r.id.clone());
    let names = department_names(conn)?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let result: MonitorReport = serde_json::from_str(&row.result).map_err(ApiError::internal)?;
        let doc = parse_object(&row.document).map_err(ApiError::internal)?;
        let target = store::targets::get(conn, &row.target_id)?.ok_or_else(|| internal("report without target"))?;
        let tdoc = parse_object(&target.document).map_err(ApiError::internal)?;
        let ind_name = |id: &str| -> Option<String> {
            tdoc.get("indicators")?
                .as_array()?
                .iter()
                .find(|i| i.get("id").and_then(Value::as_str) == Some(id))?
                .get("name")?
                .as_str()
                .map(str::to_owned)
        };
        let report_row = |id: &str| -> Map<String, Value> {
            doc.get("indicators")
                .and_then(Value::as_array)
                .and_then(|rows| rows.iter().find(|r| r.get("indicator_id").and_then(Value::as_str) == Some(id)))
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let rows = result
            .indicators
            .iter()
            .filter(|r| r.light.is_some_and(Light::deviates))
            .map(|r| {
                let rr = report_row(&r.indicator_id);
                let get = |k: &str| rr.get(k).cloned().unwrap_or(Value::Null);
                DeviationRow {
                    name: ind_name(&r.indicator_id),
                    rule: r.rule,
                    ratio: r.ratio,
                    light: r.light,
                    actual_to_date: get("actual_to_date"),
                    likelihood: get("likelihood"),
                    causes: get("causes"),
                    measures: get("measures"),
                    indicator_id: r.indicator_id.clone(),
                }
            })
            .collect();
        items.push(Deviation {
            department_name: names.get(&row.department_code).cloned(),
            project_name: target.project_name.clone(),
            status: status_of(&row)?,
            light: parse_light(row.light.as_deref()),
            execution: DeviationExecution {
                rate: result.execution.rate,
                ratio: result.execution.ratio,
                light: result.execution.light,
                reason: doc.get("execution").and_then(|e| e.get("reason")).cloned().unwrap_or(Value::Null),
            },
            rows,
            report_id: row.id,
            target_id: row.target_id,
            department_code: row.department_code,
        });
    }
    Ok((items, next))
}

/// Monitoring coverage of a fiscal year (FORMATS §7).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Coverage {
    /// Fiscal year.
    pub fiscal_year: i32,
    /// Through month N (null: the whole year).
    pub through_month: Option<i32>,
    /// Departments with ≥ 1 approved project target in the year.
    pub units_with_project_spending: i64,
    /// Those of them with ≥ 1 accepted report (through month N).
    pub units_monitored: i64,
    /// Σ annual_total of approved project targets (万元).
    #[schema(value_type = String, example = "230047.41")]
    pub project_spending: Decimal,
    /// Σ of those with ≥ 1 accepted report (万元).
    #[schema(value_type = String, example = "230047.41")]
    pub monitored_spending: Decimal,
    /// monitored ÷ project spending, 4 decimals (null when there is no project spending).
    #[schema(value_type = Option<String>, example = "1.0000")]
    pub coverage: Option<Decimal>,
}

/// The coverage of a year (finance).
pub fn coverage(conn: &mut AnyConnection, caller: &Caller, year: i32, through_month: Option<i32>) -> Result<Coverage> {
    require_finance(caller)?;
    crate::service::stage::fiscal_year(year)?;
    if let Some(m) = through_month
        && !(1..=12).contains(&m)
    {
        return Err(ApiError::InvalidParameter(text!(
            "截至月份（through_month）须为 1–12，收到的是 {m}",
            "through_month must be 1–12, got {m}"
        )));
    }
    let approved = store::monitoring::approved_amounts(conn, year)?;
    let monitored: BTreeSet<String> =
        store::monitoring::monitored_targets(conn, year, through_month)?.into_iter().collect();
    let mut units = BTreeSet::new();
    let mut units_monitored = BTreeSet::new();
    let (mut spending, mut monitored_spending) = (Decimal::ZERO, Decimal::ZERO);
    for t in &approved {
        units.insert(t.department_code.as_str());
        let amount = t.annual_total.map(|m| m.0).unwrap_or_default();
        spending += amount;
        if monitored.contains(&t.id) {
            units_monitored.insert(t.department_code.as_str());
            monitored_spending += amount;
        }
    }
    let count = |s: &BTreeSet<&str>| i64::try_from(s.len()).unwrap_or(i64::MAX);
    Ok(Coverage {
        fiscal_year: year,
        through_month,
        units_with_project_spending: count(&units),
        units_monitored: count(&units_monitored),
        project_spending: spending,
        monitored_spending,
        coverage: (!spending.is_zero()).then(|| round4(monitored_spending / spending)),
    })
}
