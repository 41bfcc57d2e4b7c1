//! Routes of the review cycle (issue 5): submission, finance review (同上报、同审核、同批复),
//! adjustment, third-party assignments and opinions (委托第三方审核), history, the review
//! dossier and the public listing (非涉密、全公开). The state machine, who-may-do-what and
//! the 88号 rules are in `jixiao_rules::review`; the use cases (`service/review/`) load, apply and store them
//! in one transaction with an audit row; handlers here only extract and respond.
//!
//! Errors: 401/403/404/409/412/428 and rule violations (422) use the server's
//! [`ApiError`]; a review decision or opinion refused by the 88号 rules (opinion missing
//! on return, grade 中/差 approved, …) is a 422 problem whose `type` names the rule, with
//! one `errors` entry pointing into the request body.

mod assessors;
mod public;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde_json::Value;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::api::{IssuedId, LocaleQuery, PROBLEM, locale};
use crate::auth::Caller;
use crate::body::JsonObject;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

use crate::service::review as service;
pub use crate::service::review::views::*;
pub use public::PublicParams;

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
    id: IssuedId,
    q: web::Query<LocaleQuery>,
) -> Result<HttpResponse, ApiError> {
    let locale = locale(q.locale.as_deref())?;
    let tags = crate::api::if_match(&req)?;
    let IssuedId(id) = id;
    let target = state
        .db
        .run(move |conn| -> Result<_, ApiError> { service::submit(conn, &caller, &id, tags.as_deref(), locale) })
        .await?;
    Ok(crate::api::with_etag(HttpResponse::Ok(), &target.etag, &target))
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
    id: IssuedId,
    q: web::Query<LocaleQuery>,
    body: JsonObject,
) -> Result<HttpResponse, ApiError> {
    let locale = locale(q.locale.as_deref())?;
    let IssuedId(id) = id;
    let body = Value::Object(body.0);
    let result =
        state.db.run(move |conn| -> Result<_, ApiError> { service::review(conn, &caller, &id, body, locale) }).await?;
    Ok(crate::api::with_etag(HttpResponse::Ok(), &result.target.etag, &result))
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
    id: IssuedId,
    q: web::Query<LocaleQuery>,
) -> Result<HttpResponse, ApiError> {
    let locale = locale(q.locale.as_deref())?;
    let tags = crate::api::if_match(&req)?;
    let IssuedId(id) = id;
    let target = state
        .db
        .run(move |conn| -> Result<_, ApiError> { service::adjust(conn, &caller, &id, tags.as_deref(), locale) })
        .await?;
    Ok(crate::api::with_etag(HttpResponse::Ok(), &target.etag, &target))
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
    id: IssuedId,
    q: web::Query<LocaleQuery>,
) -> Result<web::Json<Dossier>, ApiError> {
    let locale = locale(q.locale.as_deref())?;
    let IssuedId(id) = id;
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
    id: IssuedId,
) -> Result<web::Json<Vec<AuditView>>, ApiError> {
    let IssuedId(id) = id;
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
    id: IssuedId,
) -> Result<web::Json<Vec<VersionView>>, ApiError> {
    let IssuedId(id) = id;
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
    id: IssuedId,
) -> Result<web::Json<Option<ChangesView>>, ApiError> {
    let IssuedId(id) = id;
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
    id: IssuedId,
) -> Result<web::Json<Vec<ReviewView>>, ApiError> {
    let IssuedId(id) = id;
    let out = state.db.run(move |conn| -> Result<_, ApiError> { service::reviews(conn, &caller, &id) }).await?;
    Ok(web::Json(out))
}
