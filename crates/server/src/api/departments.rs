//! `GET /departments`: the departments (主管部门) known to the server — from the demo
//! data or recorded when their first target was filed — for filters and forms.

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::PROBLEM;
use crate::auth::Caller;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

/// A department.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Department {
    /// Code.
    #[schema(example = "101")]
    pub code: String,
    /// Name.
    #[schema(example = "阿图什市民政局")]
    pub name: String,
}

/// List the departments by code (any signed-in caller).
#[utoipa::path(
    tag = "targets",
    operation_id = "list_departments",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every known department, by code.", body = Vec<Department>),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/departments")]
pub async fn list_departments(
    state: web::Data<AppState>,
    _caller: Caller,
) -> Result<web::Json<Vec<Department>>, ApiError> {
    let rows = state.db.run(|conn| crate::service::departments::list(conn)).await?;
    Ok(web::Json(rows.into_iter().map(|d| Department { code: d.code, name: d.name }).collect()))
}
