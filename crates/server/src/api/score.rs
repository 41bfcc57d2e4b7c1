//! `POST /score`: stateless self-evaluation scoring; the same output as `jixiao score`.

use actix_web::{post, web};
use jixiao_rules::ScoreReport;
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::api::{PROBLEM, RulesQuery, locale};
use crate::auth::MaybeCaller;
use crate::body::Valid;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

/// Body of `POST /score`: the approved target and the evaluation (FORMATS.md §4).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreRequest {
    /// The approved target document (FORMATS.md §1).
    #[schema(value_type = Object)]
    pub target: Map<String, Value>,
    /// The evaluation: `{execution, results}` (FORMATS.md §4).
    #[schema(value_type = Object)]
    pub evaluation: Map<String, Value>,
}

/// Score a self-evaluation (绩效自评) against its approved target.
///
/// Stateless and public (a token, if sent, must be valid: 401 otherwise). The envelope `{target, evaluation}` is checked against its
/// JSON Schema (400 with instance paths); the contents are checked by the rules and
/// reported as violations, with `total` and `grade` null while any error remains.
#[utoipa::path(
    tag = "rules",
    operation_id = "score_evaluation",
    params(RulesQuery),
    request_body = ScoreRequest,
    responses(
        (status = 200, description = "The score (violations included).", body = ScoreReport),
        (status = 400, description = "Malformed JSON, wrong envelope shape, unknown profile or locale.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "A token was sent but is unknown or revoked.", body = Problem, content_type = PROBLEM),
        (status = 413, description = "Body over the configured limit.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/score")]
pub async fn score_evaluation(
    state: web::Data<AppState>,
    _caller: MaybeCaller,
    q: web::Query<RulesQuery>,
    body: Valid<ScoreRequest>,
) -> Result<web::Json<ScoreReport>, ApiError> {
    let profile = crate::service::profiles::resolve_async(&state, q.profile.as_deref()).await?;
    let locale = locale(q.locale.as_deref())?;
    Ok(web::Json(jixiao_rules::score(&body.0.target, &body.0.evaluation, &profile, locale)))
}
