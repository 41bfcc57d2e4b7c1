//! `/tokens`: token administration for the `admin` role (the same operations as
//! `jixiao token create|list|revoke`). Secrets are returned once, at creation.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::PROBLEM;
use crate::auth::{Caller, Role};
use crate::body::Valid;
use crate::error::{ApiError, Problem};
use crate::service;
use crate::state::AppState;
use crate::store::tokens::TokenRow;

/// Body of `POST /tokens`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenRequest {
    /// Role of the new token.
    #[schema(inline)]
    pub role: Role,
    /// Who holds it (recorded in the audit trail).
    #[schema(min_length = 1, max_length = 100, example = "阿图什市民政局 财务科")]
    pub name: String,
    /// Department code; required for (and only for) `department`.
    #[schema(min_length = 1, max_length = 50, example = "101")]
    pub department: Option<String>,
    /// Organisation; required for (and only for) `assessor`.
    #[schema(min_length = 1, max_length = 200)]
    pub org: Option<String>,
}

/// A token as listed (never its secret).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenInfo {
    /// Token id (`tok_…`).
    pub id: String,
    /// Holder.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Department code.
    pub department: Option<String>,
    /// Organisation.
    pub org: Option<String>,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Revoked (UTC), if revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A new token: `secret` is shown only in this response.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedToken {
    /// The token itself; send as `Authorization: Bearer <secret>`.
    pub secret: String,
    /// Its stored description.
    pub token: TokenInfo,
}

fn info(row: TokenRow) -> Result<TokenInfo, ApiError> {
    let role = Role::parse(&row.role)
        .ok_or_else(|| ApiError::internal(std::io::Error::other(format!("stored role {}", row.role))))?;
    Ok(TokenInfo {
        id: row.id,
        name: row.name,
        role,
        department: row.department_code,
        org: row.org,
        created_at: row.created_at.and_utc(),
        revoked_at: row.revoked_at.map(|t| t.and_utc()),
    })
}

/// Create a token (admin only).
#[utoipa::path(
    tag = "admin",
    operation_id = "create_token",
    request_body = CreateTokenRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; the secret is in this response only.", body = CreatedToken),
        (status = 400, description = "Body does not match its schema, or the scope does not fit the role.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not an admin.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/tokens")]
pub async fn create_token(
    state: web::Data<AppState>,
    caller: Caller,
    body: Valid<CreateTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let new = state
        .db
        .run(move |conn| {
            service::tokens::create(conn, &caller, &b.name, b.role, b.department.as_deref(), b.org.as_deref())
        })
        .await?;
    Ok(HttpResponse::Created().json(CreatedToken { secret: new.secret, token: info(new.row)? }))
}

/// List tokens (admin only; never their secrets).
#[utoipa::path(
    tag = "admin",
    operation_id = "list_tokens",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every token, oldest first.", body = Vec<TokenInfo>),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not an admin.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/tokens")]
pub async fn list_tokens(state: web::Data<AppState>, caller: Caller) -> Result<web::Json<Vec<TokenInfo>>, ApiError> {
    let rows = state.db.run(move |conn| service::tokens::list(conn, &caller)).await?;
    Ok(web::Json(rows.into_iter().map(info).collect::<Result<_, _>>()?))
}

/// Revoke a token (admin only).
#[utoipa::path(
    tag = "admin",
    operation_id = "revoke_token",
    params(("id" = String, Path, description = "Token id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked."),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not an admin.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No active token with this id.", body = Problem, content_type = PROBLEM),
    )
)]
#[delete("/tokens/{id}")]
pub async fn revoke_token(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    state.db.run(move |conn| service::tokens::revoke(conn, &caller, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
