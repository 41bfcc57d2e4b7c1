//! `/profiles`: the rule profiles (审核规则) with their indicator frameworks — the
//! built-in ones and those a region uploads (`POST /profiles`, admin; the file is
//! checked against the profile JSON Schema first, FORMATS.md: profiles are data).

use actix_web::{HttpResponse, get, post, web};
use jixiao_rules::profile::Labels;
use jixiao_rules::{DEFAULT_PROFILE, Profile, Registry};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::api::PROBLEM;
use crate::auth::Caller;
use crate::body::JsonObject;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

/// A profile in the list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfileSummary {
    /// Profile id.
    #[schema(example = "artux-2018")]
    pub id: String,
    /// Name in zh-CN and en.
    pub name: Labels,
    /// Framework id (`cn-2015`, `cn-2021`, or a region's own).
    pub framework: String,
    /// Whether this is the default profile.
    pub default: bool,
    /// Built into the server (false: uploaded by an admin).
    pub builtin: bool,
}

fn summary(p: &Profile, builtin: bool) -> ProfileSummary {
    ProfileSummary {
        id: p.id.clone(),
        name: p.name.clone(),
        framework: p.framework.id.clone(),
        default: p.id == DEFAULT_PROFILE,
        builtin,
    }
}

/// List the rule profiles.
#[utoipa::path(
    tag = "rules",
    operation_id = "list_profiles",
    responses((status = 200, description = "Built-in profiles, then uploaded ones.", body = Vec<ProfileSummary>))
)]
#[get("/profiles")]
pub async fn list_profiles(state: web::Data<AppState>) -> Result<web::Json<Vec<ProfileSummary>>, ApiError> {
    let mut list: Vec<ProfileSummary> = Registry::builtin().profiles().iter().map(|p| summary(p, true)).collect();
    // `custom()` reads the profiles table (uploads through other servers): off the worker.
    let custom = web::block(move || state.profiles.custom()).await?;
    list.extend(custom.iter().map(|p| summary(p, false)));
    Ok(web::Json(list))
}

/// Get one rule profile with its framework, review thresholds and scoring parameters.
#[utoipa::path(
    tag = "rules",
    operation_id = "get_profile",
    params(("id" = String, Path, description = "Profile id", example = "artux-2018")),
    responses(
        (status = 200, description = "The profile.", body = Profile),
        (status = 404, description = "No such profile.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/profiles/{id}")]
pub async fn get_profile(state: web::Data<AppState>, id: web::Path<String>) -> Result<web::Json<Profile>, ApiError> {
    match crate::service::profiles::resolve_async(&state, Some(&id)).await {
        Ok(p) => Ok(web::Json((*p).clone())),
        Err(ApiError::UnknownProfile(_)) => Err(ApiError::NotFound),
        Err(e) => Err(e),
    }
}

/// Add a region's rule profile (admin).
///
/// The body is a profile file (`crates/rules/data/profile.schema.json`, published here as
/// `ProfileFile`): checked against that JSON Schema (400 with instance paths), then
/// parsed (an unknown framework or an out-of-range value is also 400). Built-in ids and
/// existing ids are 409. Available at once to `?profile=` on every route.
#[utoipa::path(
    tag = "admin",
    operation_id = "create_profile",
    request_body(content = crate::openapi::ProfileFileSchema, description = "A profile file."),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added; `Location` names it.", body = Profile,
         headers(("Location" = String, description = "URL of the profile"))),
        (status = 400, description = "Not a valid profile file.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not an admin.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "The id is built in or exists already.", body = Problem, content_type = PROBLEM),
        (status = 413, description = "Body over the configured limit.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/profiles")]
pub async fn create_profile(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonObject,
) -> Result<HttpResponse, ApiError> {
    let value = Value::Object(body.0);
    let st = state.clone();
    let profile =
        state.db.run(move |conn| crate::service::profiles::upload(conn, &caller, &value, &st.profiles)).await?;
    Ok(HttpResponse::Created().insert_header(("Location", format!("/api/v1/profiles/{}", profile.id))).json(profile))
}
