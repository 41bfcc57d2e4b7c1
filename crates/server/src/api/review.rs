//! Routes of the review cycle (issue 5): submission, finance review (同上报、同审核、同批复),
//! adjustment, third-party assignments and opinions (委托第三方审核), history, the review
//! dossier and the public listing (非涉密、全公开). The state machine, who-may-do-what and
//! the 88号 rules are in `jixiao_rules::review`; `service` loads, applies and stores them
//! in one transaction with an audit row; handlers here only extract and respond.
//!
//! Errors: 401/403/404/409/412/428 and rule violations (422) use the server's
//! [`ApiError`]; a review decision or opinion refused by the 88号 rules (opinion missing
//! on return, grade 中/差 approved, …) is a 422 problem whose `type` names the rule, with
//! one `errors` entry pointing into the request body.

mod assessors;
mod public;
pub(crate) mod service;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use jixiao_rules::Violation;
use jixiao_rules::review::Change;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::api::{LocaleQuery, PROBLEM, locale};
use crate::auth::Caller;
use crate::body::JsonObject;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

pub use assessors::{AssignmentDetail, AssignmentRequest, AssignmentView, OpinionView};
pub use public::{PublicListing, PublicParams, PublicTarget};

/// Registers the review routes under `/api/v1`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_review_targets)
        .service(submit_target)
        .service(review_target)
        .service(adjust_target)
        .service(get_dossier)
        .service(get_history)
        .service(list_versions)
        .service(get_changes)
        .service(list_reviews)
        .service(assessors::create_assignments)
        .service(assessors::list_assignments)
        .service(assessors::get_assignment)
        .service(assessors::create_opinion)
        .service(assessors::list_opinions)
        .service(public::list_public_targets);
}

// ---------------------------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------------------------

/// A target as the review routes show it: its status and review state.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewTarget {
    /// Id.
    pub id: String,
    /// 主管部门 code.
    pub department_code: String,
    /// The department's name, when known.
    #[schema(example = "阿图什市民政局")]
    pub department_name: Option<String>,
    /// Fiscal year.
    pub fiscal_year: Option<i32>,
    /// Project name.
    pub project_name: Option<String>,
    /// 年度资金总额 requested (万元).
    #[schema(value_type = Option<String>, example = "86.40")]
    pub annual_total: Option<String>,
    /// Rule profile.
    pub profile: String,
    /// `draft` / `submitted` / `returned` / `approved`.
    pub status: jixiao_rules::review::Status,
    /// The review version under work (1 + number of adjustments).
    pub revision: i32,
    /// The approved version in force, if any (it stays in force during an adjustment).
    pub in_force_revision: Option<i32>,
    /// Whether the current version is an adjustment (调整) not yet approved.
    pub adjustment: bool,
    /// Graded 差: not entering the budget.
    pub budget_excluded: bool,
    /// 涉密.
    pub classified: bool,
    /// No error-level violation at the last write.
    pub valid: bool,
    /// Errors at the last write.
    pub error_count: i32,
    /// ETag, quoted (send it in If-Match).
    pub etag: String,
    /// Last written (UTC).
    pub updated_at: DateTime<Utc>,
    /// The latest review decision, if any.
    pub last_review: Option<ReviewView>,
}

/// A review decision of finance.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewView {
    /// Id.
    pub id: String,
    /// Target id.
    pub target_id: String,
    /// The version decided on.
    pub revision: i32,
    /// `approve` / `return`.
    pub decision: jixiao_rules::review::Decision,
    /// 优 / 良 / 中 / 差.
    pub grade: jixiao_rules::review::ReviewGrade,
    /// Notes per criterion (`completeness`, `relevance`, `appropriateness`, `feasibility`).
    #[schema(value_type = Object)]
    pub criteria: Map<String, Value>,
    /// 审核意见.
    pub opinion: Option<String>,
    /// 批复金额 (万元), on approval.
    #[schema(value_type = Option<String>, example = "86.40")]
    pub approved_amount: Option<String>,
    /// `included` (enters the budget), `resubmit` or `excluded` (差: does not enter the budget).
    pub outcome: String,
    /// Reviewer (token name).
    pub reviewer: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
}

/// Counts of the caller's visible targets per status.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct TargetStatusCounts {
    /// 草稿.
    pub draft: u64,
    /// 已提交.
    pub submitted: u64,
    /// 已退回.
    pub returned: u64,
    /// 已批复.
    pub approved: u64,
}

/// The review queue / a department's targets by status.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewListing {
    /// Counts per status (before the status filter), counted in SQL over every matching target.
    pub counts: TargetStatusCounts,
    /// One page of targets (after the status filter), most recently changed first.
    pub items: Vec<ReviewTarget>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Filters of the review listing.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewListParams {
    /// Only this status.
    pub status: Option<jixiao_rules::review::Status>,
    /// Only this fiscal year.
    #[param(minimum = 2000, maximum = 2100)]
    pub fiscal_year: Option<i32>,
    /// Only this department code.
    pub department: Option<String>,
    /// Search text: matches the project name or code and the department's name or code (at
    /// most 100 characters; empty = no search).
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// Sort key (`SESSIONS-API.md`): `changed`, `name`, `department`, `amount`, `status`,
    /// `fiscal_year`.
    #[param(inline)]
    pub sort: Option<crate::store::sort::Sort>,
    /// Direction: `asc` or `desc` (default: last change first, the other keys ascending).
    #[param(inline)]
    pub order: Option<crate::store::sort::Order>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$")]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// An audit row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditView {
    /// Sequence number.
    pub id: i64,
    /// Who (token name).
    pub actor: String,
    /// Their role.
    pub role: String,
    /// `create`, `update`, `delete`, `submit`, `review`, `adjust`, `assign`, `opinion`.
    pub action: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// ETag before.
    pub old_etag: Option<String>,
    /// ETag after.
    pub new_etag: Option<String>,
    /// Details of the action.
    #[schema(value_type = Object)]
    pub detail: Value,
}

/// A snapshot of the document at a submission or an approval.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionView {
    /// Sequence number.
    pub id: i64,
    /// Review version.
    pub revision: i32,
    /// `submitted` or `approved`.
    pub kind: String,
    /// ETag of the target at that moment.
    pub etag: String,
    /// 批复金额 (approved snapshots).
    #[schema(value_type = Option<String>)]
    pub approved_amount: Option<String>,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// The document.
    #[schema(value_type = Object)]
    pub document: Map<String, Value>,
}

/// What changed since the last return.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangesView {
    /// The version that was returned.
    pub since_revision: i32,
    /// When it was returned (UTC).
    pub since: DateTime<Utc>,
    /// JSON Pointer changes from the returned document to the current one.
    pub changes: Vec<Change>,
}

/// Everything about one target that the caller may see, for the review pages.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dossier {
    /// The target.
    pub target: ReviewTarget,
    /// The current document.
    #[schema(value_type = Object)]
    pub document: Map<String, Value>,
    /// Its violations (server check, requested locale).
    pub violations: Vec<Violation>,
    /// Changes since the last return, if it was ever returned.
    pub changes: Option<ChangesView>,
    /// Review decisions, oldest first (department, finance, admin).
    pub reviews: Vec<ReviewView>,
    /// Third-party opinions, oldest first (finance and admin: all; an assessor: its own).
    pub opinions: Vec<OpinionView>,
    /// Assignments (finance and admin: all; an assessor: its own).
    pub assignments: Vec<AssignmentView>,
    /// Audit trail, oldest first (department, finance, admin).
    pub history: Vec<AuditView>,
}

/// The result of a review decision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewResult {
    /// The decision as stored.
    pub review: ReviewView,
    /// The target after it.
    pub target: ReviewTarget,
}

fn with_etag(
    target: &ReviewTarget,
    mut builder: actix_web::HttpResponseBuilder,
    body: &impl Serialize,
) -> HttpResponse {
    if let Ok(v) = HeaderValue::from_str(&target.etag) {
        builder.insert_header((header::ETAG, v));
    }
    builder.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    builder.json(body)
}

// ---------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------

/// The review listing: finance and admin see every target, a department its own; with
/// counts per status (the bureau's queue, the department's 草稿/已提交/已退回/已批复 tabs).
#[utoipa::path(
    tag = "review",
    operation_id = "list_review_targets",
    params(ReviewListParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Counts and targets with their review state.", body = ReviewListing),
        (status = 400, description = "Invalid filter.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Assessors use /assignments.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/review/targets")]
pub async fn list_review_targets(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<ReviewListParams>,
) -> Result<web::Json<ReviewListing>, ApiError> {
    let q = q.into_inner();
    let out = state.db.read(move |conn| -> Result<_, ApiError> { service::review_listing(conn, &caller, &q) }).await?;
    Ok(web::Json(out))
}

/// Submit a draft or returned target for review (同上报).
///
/// The document is checked again on the server; any error-level violation refuses the
/// submission with 422 and the same `violations` list the form shows. A submitted target
/// is read-only for the department until it is returned. `If-Match` is optional; when
/// sent it must name the current ETag.
#[utoipa::path(
    tag = "review",
    operation_id = "submit_target",
    params(("id" = String, Path, description = "Target id"), LocaleQuery,
           ("If-Match" = Option<String>, Header, description = "The ETag the department last read")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Submitted.", body = ReviewTarget),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Only the target's department submits.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such target, or not the caller's.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Not a draft or returned target.", body = Problem, content_type = PROBLEM),
        (status = 412, description = "Stale If-Match.", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Error-level violations (listed in `violations`).", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/targets/{id}/submit")]
pub async fn submit_target(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
    q: web::Query<LocaleQuery>,
) -> Result<HttpResponse, ApiError> {
    let locale = locale(q.locale.as_deref())?;
    let tags = crate::api::if_match(&req)?;
    let id = id.into_inner();
    let target = state
        .db
        .run(move |conn| -> Result<_, ApiError> { service::submit(conn, &caller, &id, tags.as_deref(), locale) })
        .await?;
    Ok(with_etag(&target, HttpResponse::Ok(), &target))
}

/// Record finance's review decision (同审核、同批复).
///
/// Body: `decision` (`approve`/`return`), `grade` (88号: `excellent` 优, `good` 良,
/// `fair` 中, `poor` 差), optional notes per criterion, `opinion` (required when
/// returning) and `approved_amount` (万元, required on approval, at most the requested
/// annual total). Fair and poor must be returned; poor is marked as not entering the
/// budget. Shape errors → 400 (JSON Schema `ReviewDecision`); rule refusals → 422.
#[utoipa::path(
    tag = "review",
    operation_id = "review_target",
    params(("id" = String, Path, description = "Target id"), LocaleQuery),
    request_body(content = jixiao_rules::review::ReviewInput, description = "The decision."),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded.", body = ReviewResult),
        (status = 400, description = "The body does not match the ReviewDecision schema.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Only finance reviews.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such target, or not visible.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "The target is not submitted.", body = Problem, content_type = PROBLEM),
        (status = 412, description = "The target changed while it was being decided (a concurrent decision won); reload it.", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Refused by the 88号 rules (opinion missing, grade requires return, amount).", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/targets/{id}/review")]
pub async fn review_target(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    q: web::Query<LocaleQuery>,
    body: JsonObject,
) -> Result<HttpResponse, ApiError> {
    let locale = locale(q.locale.as_deref())?;
    let id = id.into_inner();
    let body = Value::Object(body.0);
    let result =
        state.db.run(move |conn| -> Result<_, ApiError> { service::review(conn, &caller, &id, body, locale) }).await?;
    Ok(with_etag(&result.target, HttpResponse::Ok(), &result))
}

/// Start an adjustment (调整) of an approved target: a new version, editable as a draft
/// and reviewed again, while the approved version stays in force (and public).
#[utoipa::path(
    tag = "review",
    operation_id = "adjust_target",
    params(("id" = String, Path, description = "Target id"), LocaleQuery,
           ("If-Match" = Option<String>, Header, description = "The ETag the department last read")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The new version, as a draft.", body = ReviewTarget),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Only the target's department adjusts.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such target, or not the caller's.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Not approved.", body = Problem, content_type = PROBLEM),
        (status = 412, description = "Stale If-Match.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/targets/{id}/adjust")]
pub async fn adjust_target(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
    q: web::Query<LocaleQuery>,
) -> Result<HttpResponse, ApiError> {
    let locale = locale(q.locale.as_deref())?;
    let tags = crate::api::if_match(&req)?;
    let id = id.into_inner();
    let target = state
        .db
        .run(move |conn| -> Result<_, ApiError> { service::adjust(conn, &caller, &id, tags.as_deref(), locale) })
        .await?;
    Ok(with_etag(&target, HttpResponse::Ok(), &target))
}

/// The review dossier of one target: state, document, violations, changes since the last
/// return, decisions, third-party opinions, assignments and audit trail, each as far as
/// the caller may see it.
#[utoipa::path(
    tag = "review",
    operation_id = "get_dossier",
    params(("id" = String, Path, description = "Target id"), LocaleQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The dossier.", body = Dossier),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such target, or not visible.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/targets/{id}/dossier")]
pub async fn get_dossier(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    q: web::Query<LocaleQuery>,
) -> Result<web::Json<Dossier>, ApiError> {
    let locale = locale(q.locale.as_deref())?;
    let id = id.into_inner();
    let out = state.db.run(move |conn| -> Result<_, ApiError> { service::dossier(conn, &caller, &id, locale) }).await?;
    Ok(web::Json(out))
}

/// The audit trail of a target (every create, edit, submit, review, assignment, opinion,
/// adjustment), oldest first. Append-only.
#[utoipa::path(
    tag = "review",
    operation_id = "get_history",
    params(("id" = String, Path, description = "Target id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Audit rows.", body = Vec<AuditView>),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Assessors do not read the audit trail.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such target, or not visible.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/targets/{id}/history")]
pub async fn get_history(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Vec<AuditView>>, ApiError> {
    let id = id.into_inner();
    let out = state.db.run(move |conn| -> Result<_, ApiError> { service::history(conn, &caller, &id) }).await?;
    Ok(web::Json(out))
}

/// The snapshots of a target at each submission and approval, oldest first.
#[utoipa::path(
    tag = "review",
    operation_id = "list_versions",
    params(("id" = String, Path, description = "Target id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Snapshots.", body = Vec<VersionView>),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Assessors read the current document through their assignment.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such target, or not visible.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/targets/{id}/versions")]
pub async fn list_versions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Vec<VersionView>>, ApiError> {
    let id = id.into_inner();
    let out = state.db.run(move |conn| -> Result<_, ApiError> { service::versions(conn, &caller, &id) }).await?;
    Ok(web::Json(out))
}

/// What changed in the document since it was last returned (JSON Pointers with old and
/// new values); `null` when it was never returned.
#[utoipa::path(
    tag = "review",
    operation_id = "get_changes",
    params(("id" = String, Path, description = "Target id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changes since the last return, or null.", body = Option<ChangesView>),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such target, or not visible.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/targets/{id}/changes")]
pub async fn get_changes(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Option<ChangesView>>, ApiError> {
    let id = id.into_inner();
    let out = state.db.run(move |conn| -> Result<_, ApiError> { service::changes(conn, &caller, &id) }).await?;
    Ok(web::Json(out))
}

/// Finance's review decisions on a target, oldest first.
#[utoipa::path(
    tag = "review",
    operation_id = "list_reviews",
    params(("id" = String, Path, description = "Target id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Decisions.", body = Vec<ReviewView>),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such target, or not visible.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/targets/{id}/reviews")]
pub async fn list_reviews(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Vec<ReviewView>>, ApiError> {
    let id = id.into_inner();
    let out = state.db.run(move |conn| -> Result<_, ApiError> { service::reviews(conn, &caller, &id) }).await?;
    Ok(web::Json(out))
}
