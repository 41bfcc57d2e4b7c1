//! `GET /profiles`, `GET /profiles/{id}`: the rule profiles (审核规则) and their
//! indicator frameworks.

use actix_web::{get, web};
use jixiao_rules::profile::Labels;
use jixiao_rules::{DEFAULT_PROFILE, Profile, Registry};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::PROBLEM;
use crate::error::{ApiError, Problem};

/// A profile in the list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfileSummary {
    /// Profile id.
    #[schema(example = "artux-2018")]
    pub id: String,
    /// Name in zh-CN and en.
    pub name: Labels,
    /// Framework id (`cn-2015`, `cn-2021`).
    pub framework: String,
    /// Whether this is the default profile.
    pub default: bool,
}

/// List the rule profiles.
#[utoipa::path(
    tag = "rules",
    operation_id = "list_profiles",
    responses((status = 200, description = "Every built-in profile.", body = Vec<ProfileSummary>))
)]
#[get("/profiles")]
pub async fn list_profiles() -> web::Json<Vec<ProfileSummary>> {
    let list = Registry::builtin()
        .profiles()
        .iter()
        .map(|p| ProfileSummary {
            id: p.id.clone(),
            name: p.name.clone(),
            framework: p.framework.id.clone(),
            default: p.id == DEFAULT_PROFILE,
        })
        .collect();
    web::Json(list)
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
pub async fn get_profile(id: web::Path<String>) -> Result<web::Json<Profile>, ApiError> {
    Registry::builtin().profile(&id).cloned().map(web::Json).ok_or(ApiError::NotFound)
}
