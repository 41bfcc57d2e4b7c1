//! `POST /check`: stateless check of a target document; the same output as
//! `jixiao check` (always 200 with `{valid, violations}` for a JSON object body).

use actix_web::{post, web};
use jixiao_rules::CheckReport;

use crate::api::{PROBLEM, RulesQuery, locale};
use crate::auth::MaybeCaller;
use crate::body::JsonObject;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

/// Check a target document (绩效目标审核) against a rule profile.
///
/// Stateless and public (a token, if sent, must be valid: 401 otherwise). The body is a canonical target document (FORMATS.md §1); any
/// JSON object is accepted and every problem in it comes back as a violation, exactly
/// as `jixiao check` prints it. Errors block submission, warnings do not.
#[utoipa::path(
    tag = "rules",
    operation_id = "check_document",
    params(RulesQuery),
    request_body(content = crate::openapi::TargetDocumentSchema, description = "A canonical target document (any JSON object is checked)."),
    responses(
        (status = 200, description = "The check result (also when the document has errors).", body = CheckReport),
        (status = 400, description = "Malformed JSON, not an object, wrong content type, unknown profile or locale.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "A token was sent but is unknown or revoked.", body = Problem, content_type = PROBLEM),
        (status = 413, description = "Body over the configured limit.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/check")]
pub async fn check_document(
    state: web::Data<AppState>,
    _caller: MaybeCaller,
    q: web::Query<RulesQuery>,
    body: JsonObject,
) -> Result<web::Json<CheckReport>, ApiError> {
    let profile = crate::service::profiles::resolve_async(&state, q.profile.as_deref()).await?;
    let locale = locale(q.locale.as_deref())?;
    Ok(web::Json(jixiao_rules::check(&body.0, &profile, locale)))
}
