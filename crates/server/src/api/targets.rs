//! `/targets`: create drafts, list, read, replace (with `If-Match`) and delete drafts.
//! Authorization, checks, storage and audit happen in `service::targets`.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Utc};
use jixiao_rules::Violation;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use crate::api::{IssuedId, LocaleQuery, PROBLEM, RulesQuery, locale};
use crate::auth::Caller;
use crate::body::JsonObject;
use crate::domain::TargetStatus;
use crate::error::{ApiError, Problem};
use crate::service::targets as svc;
use crate::state::AppState;
use crate::store::targets::{TargetRow, TargetSummaryRow};

/// A stored target with its document and current violations.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Target {
    /// Id.
    #[schema(example = "019ac9a1-7e0c-7d2a-9f3e-3f1c2b8d4e5f")]
    pub id: String,
    /// 主管部门 code (fixed at creation).
    pub department_code: String,
    /// Fiscal year, when the document has a valid one.
    pub fiscal_year: Option<i32>,
    /// Status.
    pub status: TargetStatus,
    /// 涉密.
    pub classified: bool,
    /// Rule profile the document is checked with.
    pub profile: String,
    /// Project code.
    pub project_code: Option<String>,
    /// Project name.
    pub project_name: Option<String>,
    /// 年度资金总额 (万元), when valid.
    #[schema(value_type = Option<String>, example = "86.40")]
    pub annual_total: Option<Decimal>,
    /// No error-level violation.
    pub valid: bool,
    /// Number of errors.
    pub error_count: i32,
    /// Number of warnings.
    pub warning_count: i32,
    /// Starts at 1; +1 on every write.
    pub version: i64,
    /// The ETag (also in the `ETag` header), quoted.
    pub etag: String,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Last written (UTC).
    pub updated_at: DateTime<Utc>,
    /// Name of the token that created it.
    pub created_by: String,
    /// The canonical document as stored.
    #[schema(value_type = Object)]
    pub document: Map<String, Value>,
    /// Violations of the document under its profile, in the requested locale.
    pub violations: Vec<Violation>,
}

/// A target in a list (no document).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TargetSummary {
    /// Id.
    pub id: String,
    /// Department code.
    pub department_code: String,
    /// The department's name, when known.
    #[schema(example = "阿图什市民政局")]
    pub department_name: Option<String>,
    /// Fiscal year.
    pub fiscal_year: Option<i32>,
    /// Status.
    pub status: TargetStatus,
    /// 涉密.
    pub classified: bool,
    /// Profile.
    pub profile: String,
    /// Project code.
    pub project_code: Option<String>,
    /// Project name.
    pub project_name: Option<String>,
    /// Annual total (万元).
    #[schema(value_type = Option<String>, example = "86.40")]
    pub annual_total: Option<Decimal>,
    /// Valid at the last write.
    pub valid: bool,
    /// Errors at the last write.
    pub error_count: i32,
    /// Warnings at the last write.
    pub warning_count: i32,
    /// Version.
    pub version: i64,
    /// ETag, quoted.
    pub etag: String,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Last written (UTC).
    pub updated_at: DateTime<Utc>,
}

/// One page of targets.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TargetPage {
    /// Targets, newest first.
    pub items: Vec<TargetSummary>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Filters and paging of `GET /targets`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only this fiscal year.
    #[param(minimum = 2000, maximum = 2100)]
    pub fiscal_year: Option<i32>,
    /// Only this department code (a department token only ever sees its own).
    pub department: Option<String>,
    /// Only this status.
    pub status: Option<TargetStatus>,
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

use crate::domain::quoted;

fn status(s: &str) -> Result<TargetStatus, ApiError> {
    TargetStatus::parse(s).ok_or_else(|| ApiError::internal(std::io::Error::other(format!("stored status {s}"))))
}

impl Target {
    fn from_row(row: TargetRow, violations: Vec<Violation>) -> Result<Target, ApiError> {
        let document = jixiao_rules::parse_object(&row.document).map_err(ApiError::internal)?;
        Target::from_parts(row, document, violations)
    }

    /// The view of a row whose document the caller already holds as a map (the one it just
    /// wrote), so it is not parsed again.
    fn from_parts(
        row: TargetRow,
        document: Map<String, Value>,
        violations: Vec<Violation>,
    ) -> Result<Target, ApiError> {
        let TargetRow { head: row, created_by, .. } = row;
        Ok(Target {
            status: status(&row.status)?,
            etag: quoted(&row.etag),
            id: row.id,
            department_code: row.department_code,
            fiscal_year: row.fiscal_year,
            classified: row.classified,
            profile: row.profile,
            project_code: row.project_code,
            project_name: row.project_name,
            annual_total: row.annual_total.map(|m| m.0),
            valid: row.valid,
            error_count: row.error_count,
            warning_count: row.warning_count,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
            created_by,
            document,
            violations,
        })
    }
}

impl TargetSummary {
    fn from_row(row: TargetSummaryRow) -> Result<TargetSummary, ApiError> {
        Ok(TargetSummary {
            status: status(&row.status)?,
            etag: quoted(&row.etag),
            id: row.id,
            department_code: row.department_code,
            department_name: None,
            fiscal_year: row.fiscal_year,
            classified: row.classified,
            profile: row.profile,
            project_code: row.project_code,
            project_name: row.project_name,
            annual_total: row.annual_total.map(|m| m.0),
            valid: row.valid,
            error_count: row.error_count,
            warning_count: row.warning_count,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        })
    }
}

/// Renders a target with its ETag header.
fn target_response(mut builder: actix_web::HttpResponseBuilder, target: &Target) -> HttpResponse {
    if let Ok(v) = HeaderValue::from_str(&target.etag) {
        builder.insert_header((header::ETAG, v));
    }
    builder.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    builder.json(target)
}

/// Create a draft target from a canonical document.
///
/// The document is checked on the server with the profile (`?profile=`, default
/// `artux-2018`) and stored with its violations: a draft may still have errors. A
/// department token creates drafts of its own department only.
#[utoipa::path(
    tag = "targets",
    operation_id = "create_target",
    params(RulesQuery),
    request_body(content = crate::openapi::TargetDocumentSchema, description = "A canonical target document."),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; `Location` and `ETag` headers are set.", body = Target,
         headers(("Location" = String, description = "URL of the new target"), ("ETag" = String, description = "Entity tag"))),
        (status = 400, description = "Malformed JSON, not an object, wrong content type, unknown profile.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not this caller's department, or a role that does not create targets.", body = Problem, content_type = PROBLEM),
        (status = 413, description = "Body over the configured limit.", body = Problem, content_type = PROBLEM),
        (status = 422, description = "The document has no department code, so it cannot be filed.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/targets")]
pub async fn create_target(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<RulesQuery>,
    body: JsonObject,
) -> Result<HttpResponse, ApiError> {
    let profile = crate::service::profiles::resolve_async(&state, q.profile.as_deref()).await?;
    let locale = locale(q.locale.as_deref())?;
    let st = state.clone();
    let target = state
        .db
        .run(move |conn| -> Result<Target, ApiError> {
            let (row, stored) = svc::create_checked(conn, &caller, &body.0, &profile)?;
            // The stored (zh-CN) violations as they are; another locale is rendered again.
            let violations = if locale == jixiao_rules::Locale::ZhCn {
                stored
            } else {
                svc::violations_in(&row, locale, &st.profiles)?
            };
            Target::from_parts(row, body.0, violations)
        })
        .await?;
    let mut builder = HttpResponse::Created();
    builder.insert_header((header::LOCATION, format!("/api/v1/targets/{}", target.id)));
    Ok(target_response(builder, &target))
}

/// List the targets the caller may see, newest first, with cursor paging.
#[utoipa::path(
    tag = "targets",
    operation_id = "list_targets",
    params(ListParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of targets.", body = TargetPage),
        (status = 400, description = "Invalid filter or cursor.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/targets")]
pub async fn list_targets(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<ListParams>,
) -> Result<web::Json<TargetPage>, ApiError> {
    let q = q.into_inner();
    // The one paging contract of every list (an empty `cursor=` is the first page).
    let (cursor, limit) = crate::api::paging(q.cursor, q.limit)?;
    let query = svc::ListQuery {
        fiscal_year: crate::api::fiscal_year(q.fiscal_year)?,
        department: q.department,
        status: q.status,
        q: crate::api::search(q.q)?,
        sort: (q.sort.is_some() || q.order.is_some()).then(|| crate::api::sorting(q.sort, q.order)),
        cursor,
        limit,
    };
    let (rows, next_cursor, names) = state
        .db
        .read(move |conn| -> Result<_, ApiError> {
            let (rows, next) = svc::list(conn, &caller, &query)?;
            let names =
                crate::store::departments::names_of(conn, rows.iter().map(|r| r.department_code.clone()).collect())?;
            Ok((rows, next, names))
        })
        .await?;
    let items = rows
        .into_iter()
        .map(|r| {
            let name = names.get(&r.department_code).cloned();
            TargetSummary::from_row(r).map(|mut t| {
                t.department_name = name;
                t
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(web::Json(TargetPage { items, next_cursor }))
}

/// Get one target with its document and current violations.
#[utoipa::path(
    tag = "targets",
    operation_id = "get_target",
    params(("id" = String, Path, description = "Target id"), LocaleQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The target; `ETag` header set.", body = Target,
         headers(("ETag" = String, description = "Entity tag; send it back in If-Match"))),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such target, or not one the caller may see.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/targets/{id}")]
pub async fn get_target(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
    q: web::Query<LocaleQuery>,
) -> Result<HttpResponse, ApiError> {
    let IssuedId(id) = id;
    let locale = locale(q.locale.as_deref())?;
    let st = state.clone();
    let target = state
        .db
        .run(move |conn| -> Result<Target, ApiError> {
            let row = svc::get_visible(conn, &caller, &id)?;
            let violations = svc::violations_in(&row, locale, &st.profiles)?;
            Target::from_row(row, violations)
        })
        .await?;
    Ok(target_response(HttpResponse::Ok(), &target))
}

/// Replace the document of a draft or returned target.
///
/// Requires `If-Match` with the ETag last read (428 without it, 412 when someone else
/// changed the target since). The new document is checked and stored with its
/// violations, like a new draft; its department cannot change.
#[utoipa::path(
    tag = "targets",
    operation_id = "update_target",
    params(("id" = String, Path, description = "Target id"), RulesQuery,
           ("If-Match" = String, Header, description = "The ETag last read, quoted")),
    request_body(content = crate::openapi::TargetDocumentSchema, description = "The full new document."),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Replaced; new `ETag` header.", body = Target,
         headers(("ETag" = String, description = "New entity tag"))),
        (status = 400, description = "Malformed JSON or header, not an object, unknown profile.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "The caller may read but not change this target.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such target, or not one the caller may see.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "The target is not a draft or returned, or the department would change.", body = Problem, content_type = PROBLEM),
        (status = 412, description = "Stale ETag; `current_etag` names the current one.", body = Problem, content_type = PROBLEM),
        (status = 413, description = "Body over the configured limit.", body = Problem, content_type = PROBLEM),
        (status = 428, description = "If-Match missing.", body = Problem, content_type = PROBLEM),
    )
)]
#[put("/targets/{id}")]
pub async fn update_target(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
    q: web::Query<RulesQuery>,
    body: JsonObject,
) -> Result<HttpResponse, ApiError> {
    let IssuedId(id) = id;
    let tags = crate::api::if_match(&req)?.ok_or(ApiError::PreconditionRequired)?;
    let locale = locale(q.locale.as_deref())?;
    let q = q.into_inner();
    if let Some(p) = q.profile.as_deref() {
        crate::service::profiles::resolve_async(&state, Some(p)).await?;
    }
    let st = state.clone();
    let target = state
        .db
        .run(move |conn| -> Result<Target, ApiError> {
            let row = svc::update(conn, &caller, &id, &tags, &body.0, q.profile.as_deref(), &st.profiles)?;
            let violations = svc::violations_in(&row, locale, &st.profiles)?;
            Target::from_row(row, violations)
        })
        .await?;
    Ok(target_response(HttpResponse::Ok(), &target))
}

/// Delete a draft.
///
/// Only drafts can be deleted (409 otherwise). `If-Match` is optional; when sent it
/// must name the current ETag.
#[utoipa::path(
    tag = "targets",
    operation_id = "delete_target",
    params(("id" = String, Path, description = "Target id"),
           ("If-Match" = Option<String>, Header, description = "The ETag last read, quoted (optional)")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "The caller may read but not delete this target.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such target, or not one the caller may see.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Not a draft.", body = Problem, content_type = PROBLEM),
        (status = 412, description = "Stale ETag.", body = Problem, content_type = PROBLEM),
    )
)]
#[delete("/targets/{id}")]
pub async fn delete_target(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
) -> Result<HttpResponse, ApiError> {
    let IssuedId(id) = id;
    let tags = crate::api::if_match(&req)?;
    state.db.run(move |conn| -> Result<(), ApiError> { svc::delete(conn, &caller, &id, tags.as_deref()) }).await?;
    Ok(HttpResponse::NoContent().finish())
}
