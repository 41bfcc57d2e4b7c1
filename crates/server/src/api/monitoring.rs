//! Monitoring routes (绩效运行监控; contract in `crates/server/MONITORING-API.md`):
//! `POST /monitor` (stateless, like `/check` and `/score`), rounds, reports with their
//! life cycle, rectification flags, and the bureau's board, deviations and coverage.
//! Handlers are thin: extract, one call into `service::monitoring`, shape the view.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use jixiao_rules::monitoring::lifecycle::ReportStatus;
use jixiao_rules::monitoring::{Light, MonitorReport};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::api::{IssuedId, LocaleQuery, PROBLEM, RulesQuery, locale, paging};
use crate::auth::{Caller, MaybeCaller};
use crate::body::{JsonObject, Valid};
use crate::error::{ApiError, Problem};
use crate::service::monitoring::{
    self as svc, Board, Coverage, Decision, Deviation, DueTarget, RoundCounts, RoundInfo,
};
use crate::state::AppState;
use crate::store::monitoring::{RectificationRow, ReportFilter, ReportRow};
use crate::text;

/// Registers the monitoring routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(monitor_report)
        .service(list_rounds)
        .service(create_round)
        .service(get_round)
        .service(list_due_targets)
        .service(get_board)
        .service(list_deviations)
        .service(create_report)
        .service(list_reports)
        .service(get_report)
        .service(update_report)
        .service(submit_report)
        .service(decide_report)
        .service(create_rectification)
        .service(list_rectifications)
        .service(resolve_rectification)
        .service(get_coverage);
}

// ---------------------------------------------------------------------------------------
// Edges: ids, If-Match, paging

pub use crate::api::IfMatch;

use crate::domain::quoted;

/// `?cursor=&limit=`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// `next_cursor` of the previous page.
    #[param(pattern = "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$")]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// A page of items.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    /// Items.
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Views

/// A monitoring round (监控任务).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Round {
    /// Id.
    pub id: String,
    /// Fiscal year.
    pub fiscal_year: i32,
    /// Reports cover January through this month.
    pub through_month: i32,
    /// Due date (`YYYY-MM-DD`).
    pub deadline: String,
    /// Who opened it.
    pub opened_by: String,
    /// When.
    pub opened_at: DateTime<Utc>,
    /// The deadline has passed.
    pub overdue: bool,
    /// Reports per state (the caller's own for a department).
    pub counts: RoundCounts,
}

impl From<RoundInfo> for Round {
    fn from(r: RoundInfo) -> Round {
        Round {
            id: r.row.id,
            fiscal_year: r.row.fiscal_year,
            through_month: r.row.through_month,
            deadline: r.row.deadline,
            opened_by: r.row.opened_by,
            opened_at: r.row.opened_at.and_utc(),
            overdue: r.overdue,
            counts: r.counts,
        }
    }
}

/// A report without its documents.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportSummary {
    /// Id.
    pub id: String,
    /// Round.
    pub round_id: String,
    /// The approved target reported on.
    pub target_id: String,
    /// Department code.
    pub department_code: String,
    /// Department name.
    pub department_name: Option<String>,
    /// Project name.
    pub project_name: Option<String>,
    /// Fiscal year.
    pub fiscal_year: i32,
    /// Through month.
    pub through_month: i32,
    /// State.
    pub status: ReportStatus,
    /// Light at the last write (null while errors remain).
    pub light: Option<Light>,
    /// Errors at the last write.
    pub error_count: i32,
    /// Warnings at the last write.
    pub warning_count: i32,
    /// ETag, quoted.
    pub etag: String,
    /// Version.
    pub version: i64,
    /// Finance's opinion when returned.
    pub opinion: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last written.
    pub updated_at: DateTime<Utc>,
    /// Last submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Last decided.
    pub decided_at: Option<DateTime<Utc>>,
    /// Who decided.
    pub decided_by: Option<String>,
}

impl ReportSummary {
    fn from_row(r: ReportRow, department_name: Option<String>, project_name: Option<String>) -> Result<Self, ApiError> {
        Ok(ReportSummary {
            status: ReportStatus::parse(&r.status)
                .ok_or_else(|| ApiError::internal(std::io::Error::other("stored report status")))?,
            light: r.light.as_deref().and_then(|l| serde_json::from_value(Value::String(l.to_owned())).ok()),
            etag: quoted(&r.etag),
            id: r.id,
            round_id: r.round_id,
            target_id: r.target_id,
            department_code: r.department_code,
            department_name,
            project_name,
            fiscal_year: r.fiscal_year,
            through_month: r.through_month,
            error_count: r.error_count,
            warning_count: r.warning_count,
            version: r.version,
            opinion: r.opinion,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
            submitted_at: r.submitted_at.map(|t| t.and_utc()),
            decided_at: r.decided_at.map(|t| t.and_utc()),
            decided_by: r.decided_by,
        })
    }
}

/// A report with its document, the approved target, the previous report and the result.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Report {
    /// The summary fields.
    #[serde(flatten)]
    pub summary: ReportSummary,
    /// The §6 report document.
    #[schema(value_type = Object)]
    pub document: Map<String, Value>,
    /// The approved target document it is checked against.
    #[schema(value_type = Object)]
    pub target: Map<String, Value>,
    /// The year's previous accepted report, if any.
    #[schema(value_type = Option<Object>)]
    pub previous: Option<Map<String, Value>>,
    /// The `monitor` output in the requested locale.
    pub result: MonitorReport,
    /// Rectification flags.
    pub rectifications: Vec<Rectification>,
}

/// A rectification task (需要整改), raised on a monitoring report or a self-evaluation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Rectification {
    /// Id.
    pub id: String,
    /// The monitoring report it was raised on.
    pub report_id: Option<String>,
    /// The self-evaluation it was raised on.
    pub evaluation_id: Option<String>,
    /// The target.
    pub target_id: String,
    /// The department that must act.
    pub department_code: String,
    /// The problem found (tasks raised on a self-evaluation).
    pub problem: Option<String>,
    /// What must be done.
    pub requirement: String,
    /// By when.
    pub due: String,
    /// `open` or `done`.
    pub status: String,
    /// What was done.
    pub result: Option<String>,
    /// Raised by.
    pub raised_by: String,
    /// Raised at.
    pub raised_at: DateTime<Utc>,
    /// Result recorded by.
    pub resolved_by: Option<String>,
    /// Result recorded at.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Open past its due date.
    pub overdue: bool,
}

impl From<RectificationRow> for Rectification {
    fn from(r: RectificationRow) -> Rectification {
        let overdue = r.status == "open"
            && jixiao_rules::values::Date::parse(&r.due)
                .is_some_and(|d| d.to_string() < chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string());
        Rectification {
            overdue,
            id: r.id,
            report_id: r.report_id,
            evaluation_id: r.evaluation_id,
            target_id: r.target_id,
            department_code: r.department_code,
            problem: r.problem,
            requirement: r.requirement,
            due: r.due,
            status: r.status,
            result: r.result,
            raised_by: r.raised_by,
            raised_at: r.raised_at.and_utc(),
            resolved_by: r.resolved_by,
            resolved_at: r.resolved_at.map(|t| t.and_utc()),
        }
    }
}

impl Report {
    fn from_detail(d: svc::ReportDetail) -> Result<Report, ApiError> {
        let document = jixiao_rules::parse_object(&d.row.document).map_err(ApiError::internal)?;
        Ok(Report {
            summary: ReportSummary::from_row(d.row, d.department_name, d.project_name)?,
            document,
            target: d.target,
            previous: d.previous,
            result: d.result,
            rectifications: d.rectifications.into_iter().map(Rectification::from).collect(),
        })
    }
}

fn report_response(builder: actix_web::HttpResponseBuilder, report: &Report) -> HttpResponse {
    crate::api::with_etag(builder, &report.summary.etag, report)
}

fn view(d: svc::ReportDetail) -> Result<Report, ApiError> {
    Report::from_detail(d)
}

// ---------------------------------------------------------------------------------------
// Bodies

/// Body of `POST /monitor`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MonitorRequest {
    /// The approved target document (FORMATS §1).
    #[schema(value_type = Object)]
    pub target: Map<String, Value>,
    /// The monitoring report (FORMATS §6).
    #[schema(value_type = Object)]
    pub report: Map<String, Value>,
    /// The department's previous report of the year, if any.
    #[schema(value_type = Option<Object>)]
    #[serde(default)]
    pub previous: Option<Map<String, Value>>,
}

/// Body of `POST /monitoring/rounds`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRound {
    /// Fiscal year (2000–2100).
    #[schema(minimum = 2000, maximum = 2100, example = 2019)]
    pub fiscal_year: i32,
    /// Reports cover January through this month (1–12).
    #[schema(minimum = 1, maximum = 12, example = 6)]
    pub through_month: i32,
    /// Due date `YYYY-MM-DD`.
    #[schema(format = Date, pattern = r"^\d{4}-\d{2}-\d{2}$", example = "2019-07-10")]
    pub deadline: String,
}

/// Body of `POST /monitoring/reports`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReport {
    /// The round.
    #[schema(min_length = 1, max_length = 64)]
    pub round_id: String,
    /// The approved target to report on.
    #[schema(min_length = 1, max_length = 64)]
    pub target_id: String,
}

/// Finance's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// 审核通过.
    Accept,
    /// 退回.
    Return,
}

/// Body of `POST /monitoring/reports/{id}/decision`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// `accept` or `return`.
    #[schema(inline)]
    pub decision: DecisionKind,
    /// 审核意见 (required to return).
    #[schema(max_length = 2000)]
    #[serde(default)]
    pub opinion: Option<String>,
}

/// Body of `POST /monitoring/reports/{id}/rectifications`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRectification {
    /// 整改要求.
    #[schema(min_length = 1, max_length = 2000)]
    pub requirement: String,
    /// 整改期限 `YYYY-MM-DD`.
    #[schema(format = Date, pattern = r"^\d{4}-\d{2}-\d{2}$")]
    pub due: String,
}

/// Body of `POST /monitoring/rectifications/{id}/result`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RectificationResult {
    /// 整改结果.
    #[schema(min_length = 1, max_length = 2000)]
    pub result: String,
}

// ---------------------------------------------------------------------------------------
// Handlers

/// Check a monitoring report (绩效运行监控) against its approved target.
///
/// Stateless and public, like `POST /check` and `POST /score`: the same output as
/// `jixiao monitor` and the WASM module (FORMATS §6: lights, ratios, `MON_*` violations).
#[utoipa::path(
    tag = "rules",
    operation_id = "monitor_report",
    params(RulesQuery),
    request_body = MonitorRequest,
    responses(
        (status = 200, description = "Lights and violations.", body = MonitorReport),
        (status = 400, description = "Malformed JSON, wrong envelope, unknown profile or locale.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "A token was sent but is unknown or revoked.", body = Problem, content_type = PROBLEM),
        (status = 413, description = "Body over the configured limit.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/monitor")]
pub async fn monitor_report(
    state: web::Data<AppState>,
    _caller: MaybeCaller,
    q: web::Query<RulesQuery>,
    body: Valid<MonitorRequest>,
) -> Result<web::Json<MonitorReport>, ApiError> {
    let profile = crate::service::profiles::resolve_async(&state, q.profile.as_deref()).await?;
    let locale = locale(q.locale.as_deref())?;
    let b = body.0;
    Ok(web::Json(jixiao_rules::monitor(&b.target, &b.report, &profile, b.previous.as_ref(), locale)))
}

/// `?fiscal_year=` and paging.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RoundsQuery {
    /// Only this fiscal year.
    #[param(minimum = 2000, maximum = 2100)]
    pub fiscal_year: Option<i32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$")]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// List monitoring rounds, newest first.
#[utoipa::path(
    tag = "monitoring",
    operation_id = "list_rounds",
    params(RoundsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of rounds.", body = Page<Round>),
        (status = 400, description = "Invalid paging.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/monitoring/rounds")]
pub async fn list_rounds(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<RoundsQuery>,
) -> Result<web::Json<Page<Round>>, ApiError> {
    let q = q.into_inner();
    let (cursor, limit) = paging(q.cursor, q.limit)?;
    let (items, next_cursor) = state
        .db
        .run(move |c| svc::rounds(c, &caller, crate::api::fiscal_year(q.fiscal_year)?, cursor.as_deref(), limit))
        .await?;
    Ok(web::Json(Page { items: items.into_iter().map(Round::from).collect(), next_cursor }))
}

/// Open a monitoring round (finance): the year's approved project targets become due.
#[utoipa::path(
    tag = "monitoring",
    operation_id = "create_round",
    request_body = NewRound,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Opened.", body = Round),
        (status = 400, description = "Invalid body.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not finance.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "The round of that year and month exists.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/monitoring/rounds")]
pub async fn create_round(
    state: web::Data<AppState>,
    caller: Caller,
    body: Valid<NewRound>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let info = state.db.run(move |c| svc::open_round(c, &caller, b.fiscal_year, b.through_month, &b.deadline)).await?;
    let round = Round::from(info);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/monitoring/rounds/{}", round.id)))
        .json(round))
}

/// Get a round with its counts.
#[utoipa::path(
    tag = "monitoring",
    operation_id = "get_round",
    params(("id" = String, Path, description = "Round id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The round.", body = Round),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such round.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/monitoring/rounds/{id}")]
pub async fn get_round(state: web::Data<AppState>, caller: Caller, id: IssuedId) -> Result<web::Json<Round>, ApiError> {
    let IssuedId(id) = id;
    let info = state.db.run(move |c| svc::round(c, &caller, &id)).await?;
    Ok(web::Json(Round::from(info)))
}

/// The approved project targets due in a round, with their reports (a department: its own).
#[utoipa::path(
    tag = "monitoring",
    operation_id = "list_due_targets",
    params(("id" = String, Path, description = "Round id"), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of due targets, by target id.", body = Page<DueTarget>),
        (status = 400, description = "Invalid paging.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Assessors do not take part in monitoring.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such round.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/monitoring/rounds/{id}/due")]
pub async fn list_due_targets(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
    q: web::Query<PageQuery>,
) -> Result<web::Json<Page<DueTarget>>, ApiError> {
    let IssuedId(id) = id;
    let q = q.into_inner();
    let (cursor, limit) = paging(q.cursor, q.limit)?;
    let (items, next_cursor) = state.db.run(move |c| svc::due(c, &caller, &id, cursor.as_deref(), limit)).await?;
    Ok(web::Json(Page { items, next_cursor }))
}

/// The board of a round.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BoardView {
    /// The round.
    pub round: Round,
    /// The figures.
    #[serde(flatten)]
    pub board: Board,
}

/// The bureau's board of a round (finance): lights by department, execution, overdue departments.
#[utoipa::path(
    tag = "monitoring",
    operation_id = "get_board",
    params(("id" = String, Path, description = "Round id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The board.", body = BoardView),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not finance.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such round.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/monitoring/rounds/{id}/board")]
pub async fn get_board(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
) -> Result<web::Json<BoardView>, ApiError> {
    let IssuedId(id) = id;
    let (info, board) = state.db.run(move |c| svc::board(c, &caller, &id)).await?;
    Ok(web::Json(BoardView { round: Round::from(info), board }))
}

/// The reports of a round with a red or yellow light, with their deviating rows, causes and measures (finance).
#[utoipa::path(
    tag = "monitoring",
    operation_id = "list_deviations",
    params(("id" = String, Path, description = "Round id"), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of deviating reports, newest first.", body = Page<Deviation>),
        (status = 400, description = "Invalid paging.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not finance.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such round.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/monitoring/rounds/{id}/deviations")]
pub async fn list_deviations(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
    q: web::Query<PageQuery>,
) -> Result<web::Json<Page<Deviation>>, ApiError> {
    let IssuedId(id) = id;
    let q = q.into_inner();
    let (cursor, limit) = paging(q.cursor, q.limit)?;
    let (items, next_cursor) =
        state.db.run(move |c| svc::deviations(c, &caller, &id, cursor.as_deref(), limit)).await?;
    Ok(web::Json(Page { items, next_cursor }))
}

/// Create the report of an approved target in a round (a department): a draft prefilled
/// from the approved target (period, budget, one row per indicator).
#[utoipa::path(
    tag = "monitoring",
    operation_id = "create_report",
    params(LocaleQuery),
    request_body = NewReport,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; `ETag` set.", body = Report),
        (status = 400, description = "Invalid body.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not a department.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such round or target (or not the caller's).", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Not an approved project target of the round's year, or already reported.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/monitoring/reports")]
pub async fn create_report(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<LocaleQuery>,
    body: Valid<NewReport>,
) -> Result<HttpResponse, ApiError> {
    let locale = locale(q.locale.as_deref())?;
    let b = body.0;
    if uuid::Uuid::parse_str(&b.round_id).is_err() || uuid::Uuid::parse_str(&b.target_id).is_err() {
        return Err(ApiError::NotFound);
    }
    let st = state.clone();
    let report = state
        .db
        .run(move |c| {
            let row = svc::create_report(c, &caller, &b.round_id, &b.target_id, &st.profiles)?;
            view(svc::detail(c, row, locale, &st.profiles)?)
        })
        .await?;
    let mut builder = HttpResponse::Created();
    builder.insert_header((header::LOCATION, format!("/api/v1/monitoring/reports/{}", report.summary.id)));
    Ok(report_response(builder, &report))
}

/// Filters of `GET /monitoring/reports`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportsQuery {
    /// Only this round.
    #[param(pattern = "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$")]
    pub round_id: Option<String>,
    /// Only this department (a department token only ever sees its own).
    pub department: Option<String>,
    /// Only this state.
    #[param(inline)]
    pub status: Option<ReportStatus>,
    /// Only this light.
    #[param(inline)]
    pub light: Option<Light>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$")]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// Reports per state under the filter.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ReportStatusCounts {
    /// 草稿.
    pub draft: i64,
    /// 已报送.
    pub submitted: i64,
    /// 已退回.
    pub returned: i64,
    /// 已审核.
    pub accepted: i64,
}

/// A page of reports with counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportPage {
    /// Reports, newest first.
    pub items: Vec<ReportSummary>,
    /// Next page.
    pub next_cursor: Option<String>,
    /// Per state (under the same filter, all pages).
    pub counts: ReportStatusCounts,
}

/// List reports (a department: its own), with counts per state.
#[utoipa::path(
    tag = "monitoring",
    operation_id = "list_reports",
    params(ReportsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of reports.", body = ReportPage),
        (status = 400, description = "Invalid filter or paging.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Assessors do not take part in monitoring.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/monitoring/reports")]
pub async fn list_reports(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<ReportsQuery>,
) -> Result<web::Json<ReportPage>, ApiError> {
    let mut q = q.into_inner();
    // An empty `round_id=` (a form's empty field) is every round.
    q.round_id = q.round_id.filter(|r| !r.is_empty());
    let (cursor, limit) = paging(q.cursor, q.limit)?;
    if let Some(r) = &q.round_id
        && uuid::Uuid::parse_str(r).is_err()
    {
        return Err(ApiError::InvalidParameter(text!("round_id 不是有效的监控轮次编号", "round_id is not a round id")));
    }
    if q.department.as_deref().is_some_and(|d| d.contains('\0') || d.len() > 64) {
        return Err(ApiError::InvalidParameter(text!(
            "department 不是有效的部门代码",
            "department is not a department code"
        )));
    }
    let filter = ReportFilter {
        round_id: q.round_id,
        departments: q.department.map(|d| vec![d]),
        status: q.status.map(|s| s.as_str().to_owned()),
        statuses: None,
        lights: q.light.and_then(|l| serde_json::to_value(l).ok()).and_then(|v| v.as_str().map(|s| vec![s.to_owned()])),
    };
    let (rows, next_cursor, counts) = state
        .db
        .run(move |c| -> Result<_, ApiError> {
            let (rows, next, counts) = svc::reports(c, &caller, filter, cursor.as_deref(), limit)?;
            let names: std::collections::HashMap<String, String> =
                crate::store::departments::list(c)?.into_iter().map(|d| (d.code, d.name)).collect();
            let ids: Vec<String> = rows.iter().map(|r| r.target_id.clone()).collect();
            let projects = crate::store::targets::project_names(c, &ids)?;
            let items = rows
                .into_iter()
                .map(|r| {
                    let dn = names.get(&r.department_code).cloned();
                    let pn = projects.get(&r.target_id).cloned().flatten();
                    ReportSummary::from_row(r, dn, pn)
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok((items, next, counts))
        })
        .await?;
    let mut c = ReportStatusCounts::default();
    for (s, n) in counts {
        match s.as_str() {
            "draft" => c.draft = n,
            "submitted" => c.submitted = n,
            "returned" => c.returned = n,
            "accepted" => c.accepted = n,
            _ => {}
        }
    }
    Ok(web::Json(ReportPage { items: rows, next_cursor, counts: c }))
}

/// Get a report with its document, the approved target, the previous report and the lights.
#[utoipa::path(
    tag = "monitoring",
    operation_id = "get_report",
    params(("id" = String, Path, description = "Report id"), LocaleQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report; `ETag` set.", body = Report,
         headers(("ETag" = String, description = "Entity tag; send it back in If-Match"))),
        (status = 400, description = "Unknown locale.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such report, or not the caller's.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/monitoring/reports/{id}")]
pub async fn get_report(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
    q: web::Query<LocaleQuery>,
) -> Result<HttpResponse, ApiError> {
    let IssuedId(id) = id;
    let locale = locale(q.locale.as_deref())?;
    let st = state.clone();
    let report = state.db.run(move |c| view(svc::get_report(c, &caller, &id, locale, &st.profiles)?)).await?;
    Ok(report_response(HttpResponse::Ok(), &report))
}

/// Replace the document of a draft or returned report (its department; `If-Match`).
///
/// The document is checked and stored with its result, like a target draft: it may still
/// have errors until it is submitted.
#[utoipa::path(
    tag = "monitoring",
    operation_id = "update_report",
    params(("id" = String, Path, description = "Report id"), LocaleQuery,
           ("If-Match" = String, Header, description = "The ETag last read, quoted")),
    request_body(content = Object, description = "The full §6 report document."),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Replaced; new `ETag`.", body = Report),
        (status = 400, description = "Malformed JSON or header, not an object.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Finance or an administrator may not edit reports.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such report, or not the caller's.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Submitted or accepted: immutable.", body = Problem, content_type = PROBLEM),
        (status = 412, description = "Stale ETag.", body = Problem, content_type = PROBLEM),
        (status = 413, description = "Body over the configured limit.", body = Problem, content_type = PROBLEM),
        (status = 428, description = "If-Match missing.", body = Problem, content_type = PROBLEM),
    )
)]
#[put("/monitoring/reports/{id}")]
pub async fn update_report(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
    q: web::Query<LocaleQuery>,
    if_match: IfMatch,
    body: JsonObject,
) -> Result<HttpResponse, ApiError> {
    let IssuedId(id) = id;
    let locale = locale(q.locale.as_deref())?;
    let st = state.clone();
    let report = state
        .db
        .run(move |c| {
            let row = svc::update_report(c, &caller, &id, &if_match.0, &body.0, &st.profiles)?;
            view(svc::detail(c, row, locale, &st.profiles)?)
        })
        .await?;
    Ok(report_response(HttpResponse::Ok(), &report))
}

/// Submit a report to finance (its department; `If-Match`): 422 with the violations while errors remain.
#[utoipa::path(
    tag = "monitoring",
    operation_id = "submit_report",
    params(("id" = String, Path, description = "Report id"), LocaleQuery,
           ("If-Match" = String, Header, description = "The ETag last read, quoted")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Submitted; a snapshot is kept.", body = Report),
        (status = 400, description = "Malformed header or unknown locale.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not the department.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such report, or not the caller's.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Already submitted or accepted.", body = Problem, content_type = PROBLEM),
        (status = 412, description = "Stale ETag.", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Errors remain; `violations` lists them as the form shows them.", body = Problem, content_type = PROBLEM),
        (status = 428, description = "If-Match missing.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/monitoring/reports/{id}/submit")]
pub async fn submit_report(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
    q: web::Query<LocaleQuery>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let IssuedId(id) = id;
    let locale = locale(q.locale.as_deref())?;
    let st = state.clone();
    let report = state
        .db
        .run(move |c| {
            let row = svc::submit_report(c, &caller, &id, &if_match.0, locale, &st.profiles)?;
            view(svc::detail(c, row, locale, &st.profiles)?)
        })
        .await?;
    Ok(report_response(HttpResponse::Ok(), &report))
}

/// Accept or return a submitted report (finance; `If-Match`; an opinion to return).
#[utoipa::path(
    tag = "monitoring",
    operation_id = "decide_report",
    params(("id" = String, Path, description = "Report id"), LocaleQuery,
           ("If-Match" = String, Header, description = "The ETag last read, quoted")),
    request_body = DecisionBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Decided.", body = Report),
        (status = 400, description = "Invalid body (an opinion is required to return).", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not finance.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such report.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Not submitted.", body = Problem, content_type = PROBLEM),
        (status = 412, description = "Stale ETag.", body = Problem, content_type = PROBLEM),
        (status = 428, description = "If-Match missing.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/monitoring/reports/{id}/decision")]
pub async fn decide_report(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
    q: web::Query<LocaleQuery>,
    if_match: IfMatch,
    body: Valid<DecisionBody>,
) -> Result<HttpResponse, ApiError> {
    let IssuedId(id) = id;
    let locale = locale(q.locale.as_deref())?;
    let b = body.0;
    let decision = match b.decision {
        DecisionKind::Accept => Decision::Accept,
        DecisionKind::Return => Decision::Return,
    };
    let st = state.clone();
    let report = state
        .db
        .run(move |c| {
            let row = svc::decide(c, &caller, &id, &if_match.0, decision, b.opinion.as_deref())?;
            view(svc::detail(c, row, locale, &st.profiles)?)
        })
        .await?;
    Ok(report_response(HttpResponse::Ok(), &report))
}

/// Flag a submitted or accepted report for rectification (需要整改; finance).
#[utoipa::path(
    tag = "monitoring",
    operation_id = "create_rectification",
    params(("id" = String, Path, description = "Report id")),
    request_body = NewRectification,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Flagged.", body = Rectification),
        (status = 400, description = "Invalid body.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not finance.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such report.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "A draft or returned report cannot be flagged.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/monitoring/reports/{id}/rectifications")]
pub async fn create_rectification(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
    body: Valid<NewRectification>,
) -> Result<HttpResponse, ApiError> {
    let IssuedId(id) = id;
    let b = body.0;
    let row = state.db.run(move |c| svc::flag(c, &caller, &id, &b.requirement, &b.due)).await?;
    Ok(HttpResponse::Created().json(Rectification::from(row)))
}

/// `?status=&overdue=` and paging.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RectificationsQuery {
    /// `open` or `done`.
    #[param(pattern = "^(open|done)$")]
    pub status: Option<String>,
    /// Only open tasks past their deadline (the overdue list).
    pub overdue: Option<bool>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$")]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// List rectification tasks — raised on monitoring reports and on self-evaluations — newest
/// first (a department: its own); `overdue=true` for the open ones past their deadline.
#[utoipa::path(
    tag = "monitoring",
    operation_id = "list_rectifications",
    params(RectificationsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of flags.", body = Page<Rectification>),
        (status = 400, description = "Invalid filter or paging.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Assessors do not take part in monitoring.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/monitoring/rectifications")]
pub async fn list_rectifications(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<RectificationsQuery>,
) -> Result<web::Json<Page<Rectification>>, ApiError> {
    let q = q.into_inner();
    let (cursor, limit) = paging(q.cursor, q.limit)?;
    if let Some(s) = q.status.as_deref()
        && !matches!(s, "open" | "done")
    {
        return Err(ApiError::InvalidParameter(text!(
            "status 须为 open（整改中）或 done（已整改），收到的是 `{s}`",
            "status must be open or done, got `{s}`"
        )));
    }
    let (rows, next_cursor) = state
        .db
        .run(move |c| {
            let overdue = q.overdue.unwrap_or(false);
            crate::service::rectifications::list(c, &caller, q.status.as_deref(), overdue, cursor.as_deref(), limit)
        })
        .await?;
    Ok(web::Json(Page { items: rows.into_iter().map(Rectification::from).collect(), next_cursor }))
}

/// Record the result of an open rectification (finance).
#[utoipa::path(
    tag = "monitoring",
    operation_id = "resolve_rectification",
    params(("id" = String, Path, description = "Rectification id")),
    request_body = RectificationResult,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded; the flag is done.", body = Rectification),
        (status = 400, description = "Invalid body.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not finance.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such flag.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Already done.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/monitoring/rectifications/{id}/result")]
pub async fn resolve_rectification(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
    body: Valid<RectificationResult>,
) -> Result<web::Json<Rectification>, ApiError> {
    let IssuedId(id) = id;
    let b = body.0;
    let row = state.db.run(move |c| crate::service::rectifications::resolve(c, &caller, &id, &b.result)).await?;
    Ok(web::Json(Rectification::from(row)))
}

/// `?fiscal_year=&through_month=`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// Fiscal year.
    #[param(minimum = 2000, maximum = 2100)]
    pub fiscal_year: i32,
    /// Count accepted reports through this month only (1–12).
    #[param(minimum = 1, maximum = 12)]
    pub through_month: Option<i32>,
}

/// Monitoring coverage of a fiscal year (FORMATS §7; finance): units and spending monitored.
#[utoipa::path(
    tag = "monitoring",
    operation_id = "get_coverage",
    params(CoverageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The coverage.", body = Coverage),
        (status = 400, description = "Invalid year or month.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not finance.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/monitoring/coverage")]
pub async fn get_coverage(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<CoverageQuery>,
) -> Result<web::Json<Coverage>, ApiError> {
    let q = q.into_inner();
    let cov = state.db.run(move |c| svc::coverage(c, &caller, q.fiscal_year, q.through_month)).await?;
    Ok(web::Json(cov))
}
