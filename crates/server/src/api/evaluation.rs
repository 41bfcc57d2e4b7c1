//! Evaluation and results routes (绩效自评 → 复评 → 结果应用): a department's
//! self-evaluation of an approved target, finance's filing, return and re-evaluation, the
//! year's close (zero scores) and its summary with next year's budget recommendations.
//! Handlers are thin: extract, one call into `service::evaluation`, shape the view.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use jixiao_rules::evaluation::lifecycle::EvaluationStatus;
use jixiao_rules::scoring::{Grade, ScoreReport};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::api::monitoring::{IfMatch, Page, Rectification};
use crate::api::{IssuedId, LocaleQuery, PROBLEM, locale, paging};
use crate::auth::{Caller, MaybeCaller};
use crate::body::{JsonObject, Valid};
use crate::error::{ApiError, Problem};
use crate::service::evaluation::{self as svc, CloseOutcome, PublicResult, Summary};
use crate::state::AppState;
use crate::store::evaluation::EvaluationRow;
use crate::text;

/// Registers the evaluation routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_evaluation)
        .service(list_evaluations)
        .service(get_evaluation)
        .service(update_evaluation)
        .service(submit_evaluation)
        .service(decide_evaluation)
        .service(re_evaluate)
        .service(create_evaluation_rectification)
        .service(close_evaluation_year)
        .service(set_budget_decision)
        .service(get_evaluation_summary)
        .service(assign_evaluation)
        .service(set_evaluation_deadline)
        .service(get_evaluation_progress)
        .service(list_public_results);
}

fn year_of(path: web::Path<i32>) -> Result<i32, ApiError> {
    crate::service::stage::fiscal_year(path.into_inner())
}

/// A self-evaluation without its documents.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EvaluationSummary {
    /// Id.
    pub id: String,
    /// The approved target.
    pub target_id: String,
    /// Department code.
    pub department_code: String,
    /// Fiscal year.
    pub fiscal_year: i32,
    /// State.
    pub status: EvaluationStatus,
    /// The department's total at the last write (null while errors remain; 0 when zero-scored).
    #[schema(value_type = Option<String>)]
    pub total: Option<rust_decimal::Decimal>,
    /// Its grade.
    pub grade: Option<Grade>,
    /// Errors at the last write.
    pub error_count: i32,
    /// Finance's opinion when returned.
    pub opinion: Option<String>,
    /// Why it scored 0.
    pub zero_reason: Option<String>,
    /// ETag, quoted.
    pub etag: String,
    /// Version.
    pub version: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last written.
    pub updated_at: DateTime<Utc>,
    /// Last submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Filed, returned or zero-scored at.
    pub decided_at: Option<DateTime<Utc>>,
    /// By.
    pub decided_by: Option<String>,
}

impl EvaluationSummary {
    fn from_row(r: EvaluationRow) -> Result<Self, ApiError> {
        Ok(EvaluationSummary {
            status: EvaluationStatus::parse(&r.status)
                .ok_or_else(|| ApiError::internal(std::io::Error::other("stored evaluation status")))?,
            grade: r.grade.as_deref().and_then(|g| serde_json::from_value(Value::String(g.to_owned())).ok()),
            total: r.total.map(|m| m.0),
            etag: crate::domain::quoted(&r.etag),
            id: r.id,
            target_id: r.target_id,
            department_code: r.department_code,
            fiscal_year: r.fiscal_year,
            error_count: r.error_count,
            opinion: r.opinion,
            zero_reason: r.zero_reason,
            version: r.version,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
            submitted_at: r.submitted_at.map(|t| t.and_utc()),
            decided_at: r.decided_at.map(|t| t.and_utc()),
            decided_by: r.decided_by,
        })
    }
}

/// A re-evaluation (复评) beside the department's own score.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReEvaluation {
    /// Sequence number.
    pub id: i64,
    /// Total.
    #[schema(value_type = String)]
    pub total: rust_decimal::Decimal,
    /// Grade.
    pub grade: Option<Grade>,
    /// 复评意见.
    pub reason: String,
    /// Who.
    pub author: String,
    /// `finance`, or `assessor` for a third-party assessor finance assigned.
    pub author_role: String,
    /// The assessor organisation, for an assessor's re-evaluation.
    pub organisation: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
    /// The document as re-scored (overrides with reasons).
    #[schema(value_type = Object)]
    pub document: Value,
    /// The score output, row by row (formula score beside each override).
    #[schema(value_type = Object)]
    pub result: Value,
}

/// A self-evaluation with its document, target, score and re-evaluations.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Evaluation {
    /// The summary fields.
    #[serde(flatten)]
    pub summary: EvaluationSummary,
    /// Project name.
    pub project_name: Option<String>,
    /// The rule profile the target was declared under: every score of this evaluation (the
    /// department's, the re-evaluations, a live preview) uses it.
    pub profile: String,
    /// The §4 evaluation document with the report text (`report`: 基本情况, 绩效目标完成情况, 偏差及原因, 问题和改进措施).
    #[schema(value_type = Object)]
    pub document: Map<String, Value>,
    /// The approved target document.
    #[schema(value_type = Object)]
    pub target: Map<String, Value>,
    /// The department's score now, in the requested locale (null when zero-scored).
    pub result: Option<ScoreReport>,
    /// Finance's re-evaluations, oldest first; the last one is final.
    pub re_evaluations: Vec<ReEvaluation>,
    /// The final total: the last re-evaluation, else the department's filed total (or 0).
    #[schema(value_type = Option<String>)]
    pub final_total: Option<rust_decimal::Decimal>,
    /// The final grade.
    pub final_grade: Option<Grade>,
    /// Rectification tasks raised on it (整改).
    pub rectifications: Vec<Rectification>,
    /// Evidence files (佐证材料), without their bytes.
    pub evidence: Vec<crate::api::evidence::Evidence>,
    /// Third-party assessors it is assigned to for re-evaluation (复评).
    pub assignments: Vec<EvaluationAssignment>,
}

/// An assignment of a filed self-evaluation to a third-party assessor (复评).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EvaluationAssignment {
    /// Id.
    pub id: String,
    /// The assessor organisation.
    pub organisation: String,
    /// Who assigned.
    pub assigned_by: String,
    /// When.
    pub at: DateTime<Utc>,
}

impl From<crate::store::evaluation::EvaluationAssignmentRow> for EvaluationAssignment {
    fn from(a: crate::store::evaluation::EvaluationAssignmentRow) -> Self {
        EvaluationAssignment { id: a.id, organisation: a.organisation, assigned_by: a.assigned_by, at: a.at.and_utc() }
    }
}

fn view(d: svc::EvaluationDetail) -> Result<Evaluation, ApiError> {
    let document = jixiao_rules::parse_object(&d.row.document).unwrap_or_default();
    let summary = EvaluationSummary::from_row(d.row)?;
    let re_evaluations: Vec<ReEvaluation> = d
        .re_evaluations
        .into_iter()
        .map(|r| ReEvaluation {
            id: r.id,
            total: r.total.0,
            grade: serde_json::from_value(Value::String(r.grade)).ok(),
            reason: r.reason,
            author: r.author,
            author_role: r.author_role,
            organisation: r.organisation,
            at: r.at.and_utc(),
            document: serde_json::from_str(&r.document).unwrap_or(Value::Null),
            result: serde_json::from_str(&r.result).unwrap_or(Value::Null),
        })
        .collect();
    let is_final = matches!(summary.status, EvaluationStatus::Filed | EvaluationStatus::ZeroScored);
    let (final_total, final_grade) = match re_evaluations.last() {
        Some(r) => (Some(r.total), r.grade),
        None if is_final => (summary.total, summary.grade),
        None => (None, None),
    };
    Ok(Evaluation {
        summary,
        project_name: d.project_name,
        profile: d.profile,
        document,
        target: d.target,
        result: d.result,
        re_evaluations,
        final_total,
        final_grade,
        rectifications: d.rectifications.into_iter().map(Rectification::from).collect(),
        evidence: d.evidence.into_iter().map(Into::into).collect(),
        assignments: d.assignments.into_iter().map(Into::into).collect(),
    })
}

fn respond(builder: actix_web::HttpResponseBuilder, e: &Evaluation) -> HttpResponse {
    crate::api::with_etag(builder, &e.summary.etag, e)
}

/// Body of `POST /evaluations`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvaluation {
    /// The approved target to self-evaluate.
    #[schema(min_length = 1, max_length = 64)]
    pub target_id: String,
}

/// Finance's decision on a submitted self-evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FilingDecision {
    /// 备案.
    File,
    /// 退回.
    Return,
}

/// Body of `POST /evaluations/{id}/decision`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationDecision {
    /// `file` or `return`.
    #[schema(inline)]
    pub decision: FilingDecision,
    /// Opinion (required to return).
    #[schema(max_length = 2000)]
    #[serde(default)]
    pub opinion: Option<String>,
}

/// Body of `POST /evaluations/{id}/re-evaluations`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReEvaluation {
    /// The evaluation document as finance scores it (FORMATS §4, with `override`s and reasons, §4.1).
    #[schema(value_type = Object)]
    pub evaluation: Map<String, Value>,
    /// 复评意见.
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// Body of `POST /evaluations/{id}/rectifications`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvaluationRectification {
    /// 存在问题.
    #[schema(min_length = 1, max_length = 2000)]
    pub problem: String,
    /// 整改要求.
    #[schema(min_length = 1, max_length = 2000)]
    pub requirement: String,
    /// 整改期限 `YYYY-MM-DD`.
    #[schema(format = Date, pattern = r"^\d{4}-\d{2}-\d{2}$")]
    pub due: String,
}

/// `?fiscal_year=&status=` and paging.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvaluationsQuery {
    /// Only this fiscal year.
    #[param(minimum = 2000, maximum = 2100)]
    pub fiscal_year: Option<i32>,
    /// Only this state.
    #[param(inline)]
    pub status: Option<EvaluationStatus>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$")]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// Create the self-evaluation (单位自评) of an approved target (its department): a draft
/// prefilled from the approved target and the year's last accepted monitoring report.
#[utoipa::path(
    tag = "evaluation",
    operation_id = "create_evaluation",
    params(LocaleQuery),
    request_body = NewEvaluation,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; `ETag` set.", body = Evaluation),
        (status = 400, description = "Invalid body.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not a department.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such target, or not the caller's.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Not an approved project target, the year is closed, or it exists.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/evaluations")]
pub async fn create_evaluation(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<LocaleQuery>,
    body: Valid<NewEvaluation>,
) -> Result<HttpResponse, ApiError> {
    let locale = locale(q.locale.as_deref())?;
    let target_id = body.0.target_id;
    if uuid::Uuid::parse_str(&target_id).is_err() {
        return Err(ApiError::NotFound);
    }
    let st = state.clone();
    let e = state
        .db
        .run(move |c| {
            let row = svc::create(c, &caller, &target_id, &st.profiles)?;
            view(svc::detail(c, row, locale, &st.profiles)?)
        })
        .await?;
    let mut b = HttpResponse::Created();
    b.insert_header((header::LOCATION, format!("/api/v1/evaluations/{}", e.summary.id)));
    Ok(respond(b, &e))
}

/// List self-evaluations, newest first (a department: its own).
#[utoipa::path(
    tag = "evaluation",
    operation_id = "list_evaluations",
    params(EvaluationsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of self-evaluations.", body = Page<EvaluationSummary>),
        (status = 400, description = "Invalid filter or paging.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Assessors.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/evaluations")]
pub async fn list_evaluations(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<EvaluationsQuery>,
) -> Result<web::Json<Page<EvaluationSummary>>, ApiError> {
    let q = q.into_inner();
    let (cursor, limit) = paging(q.cursor, q.limit)?;
    let status = q.status.map(|s| s.as_str());
    let (rows, next_cursor) = state
        .db
        .run(move |c| svc::list(c, &caller, crate::api::fiscal_year(q.fiscal_year)?, status, cursor.as_deref(), limit))
        .await?;
    let items = rows.into_iter().map(EvaluationSummary::from_row).collect::<Result<Vec<_>, _>>()?;
    Ok(web::Json(Page { items, next_cursor }))
}

/// Get a self-evaluation with its score, row by row, and finance's re-evaluations beside it.
#[utoipa::path(
    tag = "evaluation",
    operation_id = "get_evaluation",
    params(("id" = String, Path, description = "Evaluation id"), LocaleQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The self-evaluation; `ETag` set.", body = Evaluation),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such evaluation, or not the caller's.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/evaluations/{id}")]
pub async fn get_evaluation(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
    q: web::Query<LocaleQuery>,
) -> Result<HttpResponse, ApiError> {
    let IssuedId(id) = id;
    let locale = locale(q.locale.as_deref())?;
    let st = state.clone();
    let e = state
        .db
        .run(move |c| {
            let row = svc::get(c, &caller, &id)?;
            view(svc::detail(c, row, locale, &st.profiles)?)
        })
        .await?;
    Ok(respond(HttpResponse::Ok(), &e))
}

/// Replace the document of a draft or returned self-evaluation (its department; `If-Match`).
#[utoipa::path(
    tag = "evaluation",
    operation_id = "update_evaluation",
    params(("id" = String, Path, description = "Evaluation id"), LocaleQuery,
           ("If-Match" = String, Header, description = "The ETag last read, quoted")),
    request_body(content = Object, description = "The full evaluation document (FORMATS §4) with `report`."),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Replaced; new `ETag`.", body = Evaluation),
        (status = 400, description = "Malformed JSON or header.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not the department.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such evaluation, or not the caller's.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Submitted, filed or zero-scored.", body = Problem, content_type = PROBLEM),
        (status = 412, description = "Stale ETag.", body = Problem, content_type = PROBLEM),
        (status = 413, description = "Body over the configured limit.", body = Problem, content_type = PROBLEM),
        (status = 428, description = "If-Match missing.", body = Problem, content_type = PROBLEM),
    )
)]
#[put("/evaluations/{id}")]
pub async fn update_evaluation(
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
    let e = state
        .db
        .run(move |c| {
            let row = svc::update(c, &caller, &id, &if_match.0, &body.0, &st.profiles)?;
            view(svc::detail(c, row, locale, &st.profiles)?)
        })
        .await?;
    Ok(respond(HttpResponse::Ok(), &e))
}

/// Submit a self-evaluation to finance (its department; `If-Match`): 422 while errors remain.
#[utoipa::path(
    tag = "evaluation",
    operation_id = "submit_evaluation",
    params(("id" = String, Path, description = "Evaluation id"), LocaleQuery,
           ("If-Match" = String, Header, description = "The ETag last read, quoted")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Submitted.", body = Evaluation),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not the department.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such evaluation, or not the caller's.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Not a draft or returned, or the year is closed.", body = Problem, content_type = PROBLEM),
        (status = 412, description = "Stale ETag.", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Errors remain; `violations` lists them.", body = Problem, content_type = PROBLEM),
        (status = 428, description = "If-Match missing.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/evaluations/{id}/submit")]
pub async fn submit_evaluation(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
    q: web::Query<LocaleQuery>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let IssuedId(id) = id;
    let locale = locale(q.locale.as_deref())?;
    let st = state.clone();
    let e = state
        .db
        .run(move |c| {
            let row = svc::submit(c, &caller, &id, &if_match.0, locale, &st.profiles)?;
            view(svc::detail(c, row, locale, &st.profiles)?)
        })
        .await?;
    Ok(respond(HttpResponse::Ok(), &e))
}

/// File (备案) or return a submitted self-evaluation (finance; `If-Match`).
#[utoipa::path(
    tag = "evaluation",
    operation_id = "decide_evaluation",
    params(("id" = String, Path, description = "Evaluation id"), LocaleQuery,
           ("If-Match" = String, Header, description = "The ETag last read, quoted")),
    request_body = EvaluationDecision,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Decided.", body = Evaluation),
        (status = 400, description = "Invalid body (an opinion is required to return).", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not finance.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such evaluation.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Not submitted.", body = Problem, content_type = PROBLEM),
        (status = 412, description = "Stale ETag.", body = Problem, content_type = PROBLEM),
        (status = 428, description = "If-Match missing.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/evaluations/{id}/decision")]
pub async fn decide_evaluation(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
    q: web::Query<LocaleQuery>,
    if_match: IfMatch,
    body: Valid<EvaluationDecision>,
) -> Result<HttpResponse, ApiError> {
    let IssuedId(id) = id;
    let locale = locale(q.locale.as_deref())?;
    let b = body.0;
    let st = state.clone();
    let e = state
        .db
        .run(move |c| {
            let row =
                svc::decide(c, &caller, &id, &if_match.0, b.decision == FilingDecision::File, b.opinion.as_deref())?;
            view(svc::detail(c, row, locale, &st.profiles)?)
        })
        .await?;
    Ok(respond(HttpResponse::Ok(), &e))
}

/// Re-evaluate (复评) a filed self-evaluation (finance, or a third-party assessor finance
/// assigned it to): scored under the target's profile,
/// with overrides and their reasons; the latest re-evaluation is the final score.
#[utoipa::path(
    tag = "evaluation",
    operation_id = "re_evaluate",
    params(("id" = String, Path, description = "Evaluation id"), LocaleQuery),
    request_body = NewReEvaluation,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded; the evaluation with its re-evaluations.", body = Evaluation),
        (status = 400, description = "Invalid body (a reason is required).", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Neither finance nor an assessor it is assigned to.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such evaluation (or not assigned to this assessor).", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Not filed.", body = Problem, content_type = PROBLEM),
        (status = 422, description = "The re-evaluation has errors.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/evaluations/{id}/re-evaluations")]
pub async fn re_evaluate(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
    q: web::Query<LocaleQuery>,
    body: Valid<NewReEvaluation>,
) -> Result<HttpResponse, ApiError> {
    let IssuedId(id) = id;
    let locale = locale(q.locale.as_deref())?;
    let b = body.0;
    let st = state.clone();
    let e = state
        .db
        .run(move |c| {
            let row = svc::re_evaluate(c, &caller, &id, &b.evaluation, &b.reason, locale, &st.profiles)?;
            view(svc::detail(c, row, locale, &st.profiles)?)
        })
        .await?;
    Ok(respond(HttpResponse::Created(), &e))
}

/// Raise a rectification task (整改: problem, requirement, deadline) on a filed or zero-scored
/// self-evaluation (finance); it is listed with the monitoring flags in `GET /monitoring/rectifications`.
#[utoipa::path(
    tag = "evaluation",
    operation_id = "create_evaluation_rectification",
    params(("id" = String, Path, description = "Evaluation id")),
    request_body = NewEvaluationRectification,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Raised.", body = Rectification),
        (status = 400, description = "Invalid body.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not finance.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such evaluation.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Not filed or zero-scored.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/evaluations/{id}/rectifications")]
pub async fn create_evaluation_rectification(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
    body: Valid<NewEvaluationRectification>,
) -> Result<HttpResponse, ApiError> {
    let IssuedId(id) = id;
    let b = body.0;
    let row = state.db.run(move |c| svc::rectify(c, &caller, &id, &b.problem, &b.requirement, &b.due)).await?;
    Ok(HttpResponse::Created().json(Rectification::from(row)))
}

/// Body of `PUT /evaluation-years/{year}/recommendations/{target_id}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetDecision {
    /// Next year's amount finance sets (万元, at most 2 decimals).
    #[schema(example = "80.00", max_length = 20)]
    pub amount: String,
    /// Why it differs from the recommendation.
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// Set finance's own amount for next year's budget of an evaluated target, with a reason
/// (结果应用); the recommendation of FORMATS §7 stays beside it in the summary.
#[utoipa::path(
    tag = "evaluation",
    operation_id = "set_budget_decision",
    params(("year" = i32, Path, minimum = 2000, maximum = 2100, description = "Fiscal year"), ("target_id" = String, Path, description = "Target id")),
    request_body = BudgetDecision,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Set (or replaced)."),
        (status = 400, description = "Invalid amount or reason.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not finance.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No evaluation of that target in that year.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "The target has no final score yet.", body = Problem, content_type = PROBLEM),
    )
)]
#[put("/evaluation-years/{year}/recommendations/{target_id}")]
pub async fn set_budget_decision(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i32, String)>,
    body: Valid<BudgetDecision>,
) -> Result<HttpResponse, ApiError> {
    let (year, target_id) = path.into_inner();
    let year = crate::service::stage::fiscal_year(year)?;
    if uuid::Uuid::parse_str(&target_id).is_err() {
        return Err(ApiError::NotFound);
    }
    let b = body.0;
    state.db.run(move |c| svc::decide_budget(c, &caller, year, &target_id, &b.amount, &b.reason)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Close a year's self-evaluations (finance): every approved target without a filed
/// self-evaluation scores 0 (差, 未按要求开展绩效自评). Idempotent: a second call changes nothing.
/// Refused while the year's deadline, when set, has not passed.
#[utoipa::path(
    tag = "evaluation",
    operation_id = "close_evaluation_year",
    params(("year" = i32, Path, minimum = 2000, maximum = 2100, description = "Fiscal year")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Closed now, or already closed.", body = CloseOutcome),
        (status = 400, description = "Invalid year.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not finance.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "The deadline has not passed.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/evaluation-years/{year}/close")]
pub async fn close_evaluation_year(
    state: web::Data<AppState>,
    caller: Caller,
    year: web::Path<i32>,
) -> Result<web::Json<CloseOutcome>, ApiError> {
    let year = year_of(year)?;
    Ok(web::Json(state.db.run(move |c| svc::close_year(c, &caller, year)).await?))
}

/// The year's evaluation summary (FORMATS §7; finance): evaluated count, grades, the zero-score
/// list, next year's recommended budgets, and the monitoring coverage.
#[utoipa::path(
    tag = "evaluation",
    operation_id = "get_evaluation_summary",
    params(("year" = i32, Path, minimum = 2000, maximum = 2100, description = "Fiscal year")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The summary.", body = Summary),
        (status = 400, description = "Invalid year.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not finance.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/evaluation-years/{year}/summary")]
pub async fn get_evaluation_summary(
    state: web::Data<AppState>,
    caller: Caller,
    year: web::Path<i32>,
) -> Result<web::Json<Summary>, ApiError> {
    let year = year_of(year)?;
    let st = state.clone();
    Ok(web::Json(state.db.run(move |c| svc::summary(c, &caller, year, &st.profiles)).await?))
}

/// `?fiscal_year=` and paging of the published results.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicResultsQuery {
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

/// Published evaluation results (非涉密、全公开; no token needed): the final score and grade of
/// every non-classified target with a filed or zero self-evaluation, paged. No document,
/// report text or evidence is published.
#[utoipa::path(
    tag = "public",
    operation_id = "list_public_results",
    params(PublicResultsQuery),
    responses(
        (status = 200, description = "A page of results, by target.", body = Page<PublicResult>),
        (status = 400, description = "Invalid filter or paging.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "A token was sent but is unknown or revoked.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/public/results")]
pub async fn list_public_results(
    state: web::Data<AppState>,
    _caller: MaybeCaller,
    q: web::Query<PublicResultsQuery>,
) -> Result<web::Json<Page<PublicResult>>, ApiError> {
    let q = q.into_inner();
    let (cursor, limit) = paging(q.cursor, q.limit)?;
    let (items, next_cursor) = state
        .db
        .read(move |c| svc::public_results(c, crate::api::fiscal_year(q.fiscal_year)?, cursor.as_deref(), limit))
        .await?;
    Ok(web::Json(Page { items, next_cursor }))
}

/// Body of `POST /evaluations/{id}/assignments`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvaluationAssignment {
    /// The third-party assessor organisation (as on its tokens).
    #[schema(min_length = 1, max_length = 100)]
    pub organisation: String,
}

/// Assign a filed self-evaluation to a third-party assessor for re-evaluation (finance): the
/// assessor then reads it, its evidence, and may record a re-evaluation.
#[utoipa::path(
    tag = "evaluation",
    operation_id = "assign_evaluation",
    params(("id" = String, Path, description = "Evaluation id")),
    request_body = NewEvaluationAssignment,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Assigned.", body = EvaluationAssignment),
        (status = 400, description = "Invalid body.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not finance.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such evaluation.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Not filed, or already assigned to that organisation.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/evaluations/{id}/assignments")]
pub async fn assign_evaluation(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
    body: Valid<NewEvaluationAssignment>,
) -> Result<HttpResponse, ApiError> {
    let IssuedId(id) = id;
    let org = body.0.organisation;
    let a = state.db.run(move |c| svc::assign(c, &caller, &id, &org)).await?;
    Ok(HttpResponse::Created().json(EvaluationAssignment::from(a)))
}

/// Body of `PUT /evaluation-years/{year}/deadline`, and its answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationDeadline {
    /// The self-evaluation deadline, `YYYY-MM-DD`.
    #[schema(format = Date, pattern = r"^\d{4}-\d{2}-\d{2}$", example = "2018-12-20")]
    pub deadline: String,
}

/// Set (or move) a year's self-evaluation deadline (finance). The year cannot be closed
/// before it has passed; a closed year's deadline no longer changes.
#[utoipa::path(
    tag = "evaluation",
    operation_id = "set_evaluation_deadline",
    params(("year" = i32, Path, minimum = 2000, maximum = 2100, description = "Fiscal year")),
    request_body = EvaluationDeadline,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Set.", body = EvaluationDeadline),
        (status = 400, description = "Invalid year or date.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not finance.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "The year is closed.", body = Problem, content_type = PROBLEM),
    )
)]
#[put("/evaluation-years/{year}/deadline")]
pub async fn set_evaluation_deadline(
    state: web::Data<AppState>,
    caller: Caller,
    year: web::Path<i32>,
    body: Valid<EvaluationDeadline>,
) -> Result<web::Json<EvaluationDeadline>, ApiError> {
    let year = year_of(year)?;
    let d = body.0.deadline;
    let deadline = state.db.run(move |c| svc::set_deadline(c, &caller, year, &d)).await?;
    Ok(web::Json(EvaluationDeadline { deadline }))
}

/// `?as_of=` of the dynamic assessment material.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressQuery {
    /// The date (`YYYY-MM-DD`, default today): the figures at its end, 24:00 China Standard Time.
    #[param(example = "2018-06-30", format = Date)]
    pub as_of: Option<String>,
}

/// The dynamic assessment material (动态评估材料) of a year as of a date (finance): review,
/// monitoring and self-evaluation progress at the end of that day, replayed from the audit
/// trail rather than read from today's state (the end-of-June and end-of-September reports).
#[utoipa::path(
    tag = "evaluation",
    operation_id = "get_evaluation_progress",
    params(("year" = i32, Path, minimum = 2000, maximum = 2100, description = "Fiscal year"), ProgressQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The figures as of the date.", body = crate::service::progress::Progress),
        (status = 400, description = "Invalid year or date.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not finance.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/evaluation-years/{year}/progress")]
pub async fn get_evaluation_progress(
    state: web::Data<AppState>,
    caller: Caller,
    year: web::Path<i32>,
    q: web::Query<ProgressQuery>,
) -> Result<web::Json<crate::service::progress::Progress>, ApiError> {
    let year = year_of(year)?;
    let as_of = match q.into_inner().as_of {
        None => (chrono::Utc::now() + chrono::TimeDelta::hours(8)).date_naive(),
        Some(d) => chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| {
            ApiError::InvalidParameter(text!(
                "截至日期（as_of）须为 YYYY-MM-DD 格式的日期，收到的是 `{d}`",
                "as_of must be a date YYYY-MM-DD, got `{d}`"
            ))
        })?,
    };
    Ok(web::Json(state.db.run(move |c| crate::service::progress::as_of(c, &caller, year, as_of)).await?))
}
