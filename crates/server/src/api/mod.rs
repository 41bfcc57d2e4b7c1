//! The routes under `/api/v1`. [`configure`] registers every handler with
//! `.service(...)` so utoipa-actix-web collects its path and schemas into the OpenAPI
//! document (handlers added with `.route()` would be missing from it). Handlers are
//! thin: extract, call one service function, shape the response.

pub mod check;
pub mod departments;
pub mod evaluation;
pub mod evidence;
pub mod health;
pub mod monitoring;
pub mod profiles;
pub mod review;
pub mod score;
pub mod session;
pub mod sheets;
pub mod suggestions;
pub mod targets;
pub mod tokens;

use jixiao_rules::Locale;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiError;
use crate::text;

/// Registers every `/api/v1` route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::get_health)
        .service(health::get_liveness)
        .service(check::check_document)
        .service(score::score_evaluation)
        .service(profiles::list_profiles)
        .service(profiles::get_profile)
        .service(profiles::create_profile)
        .service(targets::create_target)
        .service(targets::list_targets)
        .service(targets::get_target)
        .service(targets::update_target)
        .service(targets::delete_target)
        .service(departments::list_departments)
        .service(suggestions::indicator_suggestions)
        .service(tokens::create_token)
        .service(tokens::list_tokens)
        .service(tokens::revoke_token);
    review::configure(cfg);
    monitoring::configure(cfg);
    evaluation::configure(cfg);
    evidence::configure(cfg);
    session::configure(cfg);
    sheets::configure(cfg);
}

/// `?profile=&locale=`: which rule profile to apply and the language of messages.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RulesQuery {
    /// Rule profile id (`artux-2018` by default, `national-2015`, `national-2021`).
    #[param(example = "artux-2018")]
    pub profile: Option<String>,
    /// Message locale: `zh-CN` (default) or `en`.
    #[param(example = "zh-CN", pattern = "^(zh-CN|en)?$")]
    pub locale: Option<String>,
}

/// `?locale=`: the language of violation messages.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocaleQuery {
    /// Message locale: `zh-CN` (default) or `en`.
    #[param(example = "zh-CN", pattern = "^(zh-CN|en)?$")]
    pub locale: Option<String>,
}

/// Parses `?locale=` (default zh-CN).
pub fn locale(s: Option<&str>) -> Result<Locale, ApiError> {
    match s {
        None => Ok(Locale::ZhCn),
        Some(l) => Locale::parse(l).ok_or_else(|| {
            ApiError::InvalidParameter(text!(
                "不支持的语言 `{l}`（可用 zh-CN 或 en）",
                "unknown locale `{l}` (use zh-CN or en)"
            ))
        }),
    }
}

/// Media type of error responses, for `#[utoipa::path]` attributes.
pub const PROBLEM: &str = "application/problem+json";

/// The `{id}` of a route about one thing this server issued — a target, a monitoring report,
/// a self-evaluation, an evidence file: a UUID, else 404 before the handler runs, so no other
/// text reaches the database. The typed edge of every such route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedId(pub String);

impl IssuedId {
    /// Takes `id` if it is a UUID, else 404.
    pub fn parse(id: String) -> Result<IssuedId, ApiError> {
        if uuid::Uuid::parse_str(&id).is_ok() { Ok(IssuedId(id)) } else { Err(ApiError::NotFound) }
    }
}

impl actix_web::FromRequest for IssuedId {
    type Error = ApiError;
    type Future = std::future::Ready<Result<IssuedId, ApiError>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(IssuedId::parse(req.match_info().get("id").unwrap_or_default().to_owned()))
    }
}

/// `?fiscal_year=` checked (`crate::service::stage::fiscal_year`) when given.
pub fn fiscal_year(y: Option<i32>) -> Result<Option<i32>, ApiError> {
    y.map(crate::service::stage::fiscal_year).transpose()
}

/// `?limit=` checked: 1–200, default 50 (the page size of every list).
pub fn page_size(limit: Option<u32>) -> Result<i64, ApiError> {
    match limit {
        None => Ok(50),
        Some(n @ 1..=200) => Ok(i64::from(n)),
        Some(n) => Err(ApiError::InvalidParameter(text!(
            "每页条数（limit）须为 1–200，收到的是 {n}",
            "limit must be 1–200, got {n}"
        ))),
    }
}

/// `?cursor=&limit=` checked: a cursor this server issued, a limit of 1–200 (default 50).
pub fn paging(cursor: Option<String>, limit: Option<u32>) -> Result<(Option<String>, i64), ApiError> {
    // An empty `cursor=` (a form's empty field) is the first page.
    let cursor = cursor.filter(|c| !c.is_empty());
    let limit = page_size(limit)?;
    if cursor.as_deref().is_some_and(|c| uuid::Uuid::parse_str(c).is_err()) {
        return Err(ApiError::InvalidParameter(text!(
            "翻页游标（cursor）无效，请从第一页重新查询",
            "cursor is not one this server issued"
        )));
    }
    Ok((cursor, limit))
}

/// `?q=` checked: at most 100 characters; blank is no search.
pub fn search(q: Option<String>) -> Result<Option<String>, ApiError> {
    match q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty()) {
        Some(q) if q.chars().count() > 100 => Err(ApiError::InvalidParameter(crate::text!(
            "搜索内容（q）最多 100 个字符",
            "q (the search text) has at most 100 characters"
        ))),
        other => Ok(other),
    }
}

/// `?sort=&order=`: the key and its direction (each key's natural direction by default).
pub fn sorting(
    sort: Option<crate::store::sort::Sort>,
    order: Option<crate::store::sort::Order>,
) -> (crate::store::sort::Sort, crate::store::sort::Order) {
    let sort = sort.unwrap_or_default();
    (sort, order.unwrap_or(sort.default_order()))
}

/// The entity tags of `If-Match` (`None` when the header is absent): the one parser of the
/// header for every route (`*` and an empty header are 428; weak, malformed or non-ASCII
/// tags never match, so the write gets 412 with the current ETag).
pub fn if_match(req: &actix_web::HttpRequest) -> Result<Option<Vec<String>>, ApiError> {
    match req.headers().get(actix_web::http::header::IF_MATCH) {
        None => Ok(None),
        Some(v) => match v.to_str() {
            Ok(s) => crate::service::targets::parse_if_match(s).map(Some),
            Err(_) => Ok(Some(Vec::new())),
        },
    }
}

/// `If-Match` with the strong ETags it lists, required (428 without it): the extractor of
/// the stages' writes.
#[derive(Debug, Clone)]
pub struct IfMatch(pub Vec<String>);

impl actix_web::FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<IfMatch, ApiError>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(if_match(req).and_then(|t| t.map(IfMatch).ok_or(ApiError::PreconditionRequired)))
    }
}

/// A JSON body with its `ETag` (already quoted) and `Cache-Control: no-store`.
pub fn with_etag(
    mut builder: actix_web::HttpResponseBuilder,
    etag: &str,
    body: &impl serde::Serialize,
) -> actix_web::HttpResponse {
    if let Ok(v) = actix_web::http::header::HeaderValue::from_str(etag) {
        builder.insert_header((actix_web::http::header::ETAG, v));
    }
    builder.insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"));
    builder.json(body)
}
