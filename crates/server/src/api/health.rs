//! `GET /health`: readiness (the database answers) for load balancers, run scripts and
//! monitoring; `GET /health/live`: liveness, the process answers without touching the
//! database (a liveness probe must not restart servers because the database is slow).
//! Public; they reveal nothing but the backend kind.

use actix_web::{HttpResponse, get, web};
use diesel::connection::SimpleConnection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::PROBLEM;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

/// The server is up and its database answers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` (otherwise the answer is a 503 problem).
    #[schema(example = "ok")]
    pub status: String,
    /// `sqlite` or `postgres`.
    #[schema(example = "sqlite")]
    pub database: String,
    /// Server version.
    #[schema(example = "0.1.0")]
    pub version: String,
}

/// Check that the server and its database are up.
#[utoipa::path(
    tag = "ops",
    operation_id = "get_health",
    responses(
        (status = 200, description = "Up; the database answered.", body = Health),
        (status = 503, description = "The database does not answer.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/health")]
pub async fn get_health(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state
        .db
        .run(move |conn| -> Result<(), ApiError> {
            conn.batch_execute("SELECT 1").map_err(|e| ApiError::Unavailable(Box::new(e)))
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(Health {
        status: "ok".into(),
        database: state.db.url().backend_name().into(),
        version: env!("CARGO_PKG_VERSION").into(),
    }))
}

/// The process is up (nothing else is checked).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Liveness {
    /// Always `ok`.
    #[schema(example = "ok")]
    pub status: String,
    /// Server version.
    #[schema(example = "0.1.0")]
    pub version: String,
}

/// Liveness: the server process answers; the database is not touched.
#[utoipa::path(
    tag = "ops",
    operation_id = "get_liveness",
    responses((status = 200, description = "The process is up.", body = Liveness))
)]
#[get("/health/live")]
pub async fn get_liveness() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(Liveness { status: "ok".into(), version: env!("CARGO_PKG_VERSION").into() })
}
