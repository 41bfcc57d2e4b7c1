//! `GET /indicator-suggestions`: the department's own indicators (for the bureau: any
//! department's, or all) from approved targets of
//! earlier years, for the form's suggestions while an indicator name is typed (the
//! common-indicator library is offered offline by the WASM module). The use case is
//! `service::suggestions`.

use actix_web::{get, web};
use jixiao_rules::PastIndicator;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::PROBLEM;
use crate::auth::Caller;
use crate::error::{ApiError, Problem};
use crate::service::suggestions::{self as svc, SuggestionQuery};
use crate::state::AppState;

/// Query of `GET /indicator-suggestions`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestionParams {
    /// What the user typed (at most 100 characters; empty = the most recent indicators).
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// Only indicators under this level 1 (e.g. `output`).
    #[param(max_length = 40)]
    pub level1: Option<String>,
    /// Only indicators under this level 2 (e.g. `quantity`).
    #[param(max_length = 40)]
    pub level2: Option<String>,
    /// Only targets of fiscal years before this one (the year being declared).
    #[param(minimum = 2000, maximum = 2100)]
    pub fiscal_year: Option<i32>,
    /// The department (finance and admin; without it, every department's; a department
    /// token always gets its own).
    pub department: Option<String>,
    /// 1–50 (default 10).
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<u32>,
}

/// The suggestions.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorSuggestions {
    /// Best first; each name once (its most recent use).
    pub items: Vec<PastIndicator>,
}

/// The department's past indicators matching `q`.
#[utoipa::path(
    tag = "targets",
    operation_id = "indicator_suggestions",
    params(SuggestionParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Indicators of the department's approved targets of earlier years, best first.", body = IndicatorSuggestions),
        (status = 400, description = "A parameter is invalid.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "An assessor, or another department's indicators.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/indicator-suggestions")]
pub async fn indicator_suggestions(
    state: web::Data<AppState>,
    caller: Caller,
    p: web::Query<SuggestionParams>,
) -> Result<web::Json<IndicatorSuggestions>, ApiError> {
    let p = p.into_inner();
    let limit = match p.limit {
        None => 10,
        Some(n @ 1..=50) => n as usize,
        Some(n) => {
            return Err(ApiError::InvalidParameter(crate::text!(
                "建议条数（limit）须为 1–50，收到的是 {n}",
                "limit must be 1–50, got {n}"
            )));
        }
    };
    let blank = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    for (name, v) in [("level1", &p.level1), ("level2", &p.level2)] {
        if v.as_deref().is_some_and(|v| v.chars().count() > 40) {
            return Err(ApiError::InvalidParameter(crate::text!(
                "{name} 最多 40 个字符",
                "{name} has at most 40 characters"
            )));
        }
    }
    let query = SuggestionQuery {
        q: crate::api::search(p.q)?.unwrap_or_default(),
        level1: blank(p.level1),
        level2: blank(p.level2),
        before_year: crate::api::fiscal_year(p.fiscal_year)?,
        department: blank(p.department),
        limit,
    };
    let items = state.db.read(move |conn| svc::past_indicators(conn, &caller, &query)).await?;
    Ok(web::Json(IndicatorSuggestions { items }))
}
