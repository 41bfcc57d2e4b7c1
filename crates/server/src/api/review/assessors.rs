//! Third-party review (委托第三方审核): finance assigns submitted targets to an assessor
//! organisation with a due date; the assessor lists its assignments, reads the targets
//! and posts a structured opinion; finance reads the opinions before deciding. An
//! assessor never sees a target that was not assigned to its organisation (404).

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::api::{LocaleQuery, PROBLEM, locale};
use crate::auth::Caller;
use crate::body::JsonObject;
use crate::error::{ApiError, Problem};
use crate::service::review::{self as service, AssignmentDetail, AssignmentRequest, AssignmentView, OpinionView};
use crate::state::AppState;
use crate::text;

/// Assign one or many submitted targets to an assessor organisation (finance).
#[utoipa::path(
    tag = "third-party review",
    operation_id = "create_assignments",
    params(LocaleQuery),
    request_body(content = AssignmentRequest, description = "Targets, organisation, due date."),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The assignments (existing ones are returned unchanged).", body = Vec<AssignmentView>),
        (status = 400, description = "The body does not match the Assignment schema.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Only finance assigns.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "A target does not exist.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "A target is not submitted.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/assignments")]
pub async fn create_assignments(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<LocaleQuery>,
    body: JsonObject,
) -> Result<HttpResponse, ApiError> {
    let locale = locale(q.locale.as_deref())?;
    let body = Value::Object(body.0);
    let out = state.db.run(move |conn| -> Result<_, ApiError> { service::assign(conn, &caller, body, locale) }).await?;
    Ok(HttpResponse::Created().json(out))
}

/// One page of assignments.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssignmentPage {
    /// Assignments, oldest first.
    pub items: Vec<AssignmentView>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Paging of `GET /assignments`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssignmentParams {
    /// `next_cursor` of the previous page.
    #[param(pattern = "^(asg_[0-9a-f]{32})?$")]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// List assignments, a page at a time (oldest first): finance sees all, an assessor those
/// of its organisation.
#[utoipa::path(
    tag = "third-party review",
    operation_id = "list_assignments",
    params(AssignmentParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of assignments, oldest first.", body = AssignmentPage),
        (status = 400, description = "A bad cursor or limit.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Departments have no assignments.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/assignments")]
pub async fn list_assignments(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<AssignmentParams>,
) -> Result<web::Json<AssignmentPage>, ApiError> {
    let AssignmentParams { cursor, limit } = q.into_inner();
    let limit = crate::api::page_size(limit)?;
    let cursor = cursor.filter(|c| !c.is_empty());
    if cursor.as_deref().is_some_and(|c| !is_assignment_id(c)) {
        return Err(ApiError::InvalidParameter(text!(
            "翻页游标（cursor）无效，请从第一页重新查询",
            "cursor is not one this server issued"
        )));
    }
    let (items, next_cursor) = state
        .db
        .read(move |conn| -> Result<_, ApiError> { service::assignments(conn, &caller, cursor.as_deref(), limit) })
        .await?;
    Ok(web::Json(AssignmentPage { items, next_cursor }))
}

/// `asg_` and 32 lowercase hex digits: the ids this server gives assignments.
fn is_assignment_id(s: &str) -> bool {
    s.strip_prefix("asg_").is_some_and(|h| h.len() == 32 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

/// One assignment with the target's current document and violations.
#[utoipa::path(
    tag = "third-party review",
    operation_id = "get_assignment",
    params(("id" = String, Path, description = "Assignment id"), LocaleQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The assignment.", body = AssignmentDetail),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such assignment, or not the caller's organisation's.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/assignments/{id}")]
pub async fn get_assignment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    q: web::Query<LocaleQuery>,
) -> Result<web::Json<AssignmentDetail>, ApiError> {
    let locale = locale(q.locale.as_deref())?;
    let id = id.into_inner();
    let out =
        state.db.run(move |conn| -> Result<_, ApiError> { service::assignment(conn, &caller, &id, locale) }).await?;
    Ok(web::Json(out))
}

/// Post a third-party opinion on an assigned, submitted target (assessor).
///
/// Body: a score (0–100, decimal string) and remarks for each of 完整性 `completeness`,
/// 相关性 `relevance`, 适当性 `appropriateness`, 可行性 `feasibility`; `findings`;
/// `recommendation` `approve` or `revise` (revise needs at least one finding).
#[utoipa::path(
    tag = "third-party review",
    operation_id = "create_opinion",
    params(("id" = String, Path, description = "Target id"), LocaleQuery),
    request_body(content = jixiao_rules::review::OpinionInput, description = "The opinion."),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded.", body = OpinionView),
        (status = 400, description = "The body does not match the AssessorOpinion schema.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Only the assigned assessor posts opinions.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such target, or not assigned to the caller.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "The target is not submitted.", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Score out of range, blank remarks, revise without findings.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/targets/{id}/opinions")]
pub async fn create_opinion(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    q: web::Query<LocaleQuery>,
    body: JsonObject,
) -> Result<HttpResponse, ApiError> {
    let locale = locale(q.locale.as_deref())?;
    let id = id.into_inner();
    let body = Value::Object(body.0);
    let out =
        state.db.run(move |conn| -> Result<_, ApiError> { service::opinion(conn, &caller, &id, body, locale) }).await?;
    Ok(HttpResponse::Created().json(out))
}

/// Third-party opinions on a target: finance sees all, the assigned assessor its own.
#[utoipa::path(
    tag = "third-party review",
    operation_id = "list_opinions",
    params(("id" = String, Path, description = "Target id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Opinions, oldest first.", body = Vec<OpinionView>),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Departments do not read third-party opinions.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such target, or not visible.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/targets/{id}/opinions")]
pub async fn list_opinions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Vec<OpinionView>>, ApiError> {
    let id = id.into_inner();
    let out = state.db.run(move |conn| -> Result<_, ApiError> { service::opinions(conn, &caller, &id) }).await?;
    Ok(web::Json(out))
}
