//! `/profiles`: the rule profiles (审核规则) with their indicator frameworks — the
//! built-in ones and those a region uploads (`POST /profiles`, admin; the file is
//! checked against the profile JSON Schema first, FORMATS.md: profiles are data).

use std::sync::OnceLock;

use actix_web::{HttpResponse, get, post, web};
use jixiao_rules::profile::{Labels, PROFILE_SCHEMA};
use jixiao_rules::{DEFAULT_PROFILE, Profile, Registry};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::api::PROBLEM;
use crate::auth::{Caller, Role};
use crate::body::{JsonObject, validate_with};
use crate::error::{ApiError, FieldError, Problem};
use crate::state::AppState;
use crate::store;
use crate::store::profiles::ProfileRow;
use crate::text;

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

/// Why a profile file does not parse, in both languages.
fn profile_error_text(e: &jixiao_rules::ProfileError) -> crate::error::Text {
    use jixiao_rules::ProfileError as P;
    let zh = match e {
        P::Shape(err) => format!("规则配置文件的结构不正确（第 {} 行第 {} 列）", err.line(), err.column()),
        P::UnknownFramework(f) => format!("规则配置引用了未知的指标体系 `{f}`"),
        P::Invalid(_) => "规则配置中有超出允许范围的取值（如占比大于 1）".to_owned(),
    };
    crate::error::Text::new(zh, e.to_string())
}

fn profile_validator() -> Result<&'static jsonschema::Validator, ApiError> {
    static V: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    V.get_or_init(|| {
        let schema: Value = serde_json::from_str(PROFILE_SCHEMA).ok()?;
        jsonschema::validator_for(&schema).ok()
    })
    .as_ref()
    .ok_or_else(|| ApiError::internal(std::io::Error::other("the profile schema does not compile")))
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
    caller.require(&[Role::Admin])?;
    let value = Value::Object(body.0);
    validate_with(profile_validator()?, &value)?;
    let text = value.to_string();
    let profile = Registry::builtin()
        .parse_profile_json(&text)
        .map_err(|e| ApiError::InvalidBody(vec![FieldError::new("", "profile", profile_error_text(&e))]))?;
    if Registry::builtin().profile(&profile.id).is_some() {
        let id = &profile.id;
        return Err(ApiError::Conflict(text!("`{id}` 是内置规则配置，不能覆盖", "`{id}` is a built-in profile")));
    }
    let row = ProfileRow {
        id: profile.id.clone(),
        document: text,
        created_at: store::now(),
        created_by: caller.name.clone(),
    };
    let inserted =
        state.db.run(move |conn| -> Result<bool, ApiError> { Ok(store::profiles::insert(conn, &row)?) }).await?;
    if !inserted {
        let id = &profile.id;
        return Err(ApiError::Conflict(text!("规则配置 `{id}` 已存在", "a profile `{id}` exists already")));
    }
    tracing::info!(profile = %profile.id, by = %caller.name, "profile added");
    state.profiles.add(profile.clone());
    Ok(HttpResponse::Created().insert_header(("Location", format!("/api/v1/profiles/{}", profile.id))).json(profile))
}
