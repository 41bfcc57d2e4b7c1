//! Public disclosure (非涉密、全公开): approved, non-classified targets in force, with
//! their indicators; no login (an `Authorization` header is ignored). Drafts, submitted,
//! returned and classified targets never appear; during an adjustment the approved
//! version in force is shown.

use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::PROBLEM;
use crate::error::{ApiError, Problem};
use crate::service::review::{self as service, PublicListing};
use crate::state::AppState;

/// Filters of the public list.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicParams {
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

/// List approved, non-classified performance targets (no login).
#[utoipa::path(
    tag = "public",
    operation_id = "list_public_targets",
    params(PublicParams),
    responses(
        (status = 200, description = "Published targets.", body = PublicListing),
        (status = 400, description = "Invalid filter.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/public/targets")]
pub async fn list_public_targets(
    state: web::Data<AppState>,
    q: web::Query<PublicParams>,
) -> Result<web::Json<PublicListing>, ApiError> {
    let q = q.into_inner();
    let out = state
        .db
        .read(move |conn| -> Result<_, ApiError> {
            let (cursor, limit) = crate::api::paging(q.cursor, q.limit)?;
            let text = crate::api::search(q.q)?;
            let sort = (q.sort.is_some() || q.order.is_some()).then(|| crate::api::sorting(q.sort, q.order));
            service::public_listing(
                conn,
                &crate::store::review::PublicQuery {
                    fiscal_year: crate::api::fiscal_year(q.fiscal_year)?,
                    department: q.department.as_deref(),
                    q: text.as_deref(),
                    sort,
                    cursor: cursor.as_deref(),
                    limit,
                },
            )
        })
        .await?;
    Ok(web::Json(out))
}
