//! The one error type of the API, [`ApiError`], rendered as RFC 9457
//! `application/problem+json` with a stable `type` per variant. Actix's own rejections
//! (JSON, query, path, payload) are converted into it by the handlers installed in
//! `startup`, and a catch-all middleware turns any other error response into a problem
//! too. Internal causes are logged, never sent to the client.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use jixiao_rules::{Locale, Violation};
use serde::Serialize;
use utoipa::ToSchema;

/// Prefix of every problem `type` URI; the suffix is the stable slug of the variant.
pub const PROBLEM_TYPE_PREFIX: &str = "urn:jixiao:problem:";
/// The media type of error bodies.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document, with jixiao's extension members. `title`, `detail` and
/// `errors[].message` are in the request's language: `?locale=zh-CN|en`, else the
/// `Accept-Language` header (q-values honoured; `zh*` → zh-CN, `en*` → en), else English;
/// the `Content-Language` header names it. `violations` keep the language of the route's
/// `?locale=` (zh-CN by default), exactly as `POST /check` returns them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// Stable URI naming the kind of problem, e.g. `urn:jixiao:problem:not-found`.
    #[serde(rename = "type")]
    #[schema(example = "urn:jixiao:problem:not-found")]
    pub problem_type: String,
    /// Short human-readable summary of the kind of problem (in the request's language).
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request, in the request's language (never an internal cause).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Shape errors of a request body checked against its JSON Schema (400).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldProblem>>,
    /// Rule violations of a target document (422), identical to what the form shows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub violations: Option<Vec<Violation>>,
    /// The current ETag of the resource (412).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_etag: Option<String>,
}

/// One JSON Schema error of a request body, as the problem body carries it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = FieldError)]
pub struct FieldProblem {
    /// JSON Pointer to the offending value in the request body ("" is the whole body).
    #[schema(example = "/role")]
    pub path: String,
    /// The JSON Schema keyword that failed (`required`, `type`, `enum`, …).
    pub keyword: String,
    /// What is wrong, naming the field, in the problem's language.
    pub message: String,
}

/// One error of a request body (a JSON Schema keyword that failed, or a rule of the use
/// case about one field), with its message in both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// JSON Pointer to the offending value in the request body ("" is the whole body).
    pub path: String,
    /// The JSON Schema keyword that failed (`required`, `type`, `enum`, …).
    pub keyword: String,
    /// What is wrong, naming the field.
    pub message: Text,
}

impl FieldError {
    /// An error of the field at `path` (a JSON Pointer).
    pub fn new(path: impl Into<String>, keyword: impl Into<String>, message: Text) -> FieldError {
        FieldError { path: path.into(), keyword: keyword.into(), message }
    }

    fn render(&self, locale: Locale) -> FieldProblem {
        FieldProblem {
            path: self.path.clone(),
            keyword: self.keyword.clone(),
            message: self.message.get(locale).into(),
        }
    }
}

/// A text for people, in both languages the API speaks: the one catalogue of problem
/// titles and details. Build it with [`text!`](crate::text) at the call site; the problem
/// renders the request's language (`startup::localize_problems`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text {
    /// 简体中文.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Text {
    /// Both renderings.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text { zh: zh.into(), en: en.into() }
    }

    /// Both renderings of a catalogue that renders per locale (e.g. the rules' messages).
    pub fn of(render: impl Fn(Locale) -> String) -> Text {
        Text { zh: render(Locale::ZhCn), en: render(Locale::En) }
    }

    /// The rendering in `locale`.
    pub fn get(&self, locale: Locale) -> &str {
        match locale {
            Locale::ZhCn => &self.zh,
            Locale::En => &self.en,
        }
    }
}

/// English (for logs).
impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

/// A [`Text`] from a Chinese and an English format string:
/// `text!("{year} 年度的自评已关闭", "the self-evaluations of {year} are closed")`.
/// Inline captures (`{year}`) may differ between the two; trailing arguments are passed
/// to both (so both must use all of them, and they are evaluated twice).
#[macro_export]
macro_rules! text {
    ($zh:literal, $en:literal $(,)?) => {
        $crate::error::Text::new(::std::format!($zh), ::std::format!($en))
    };
    ($zh:literal, $en:literal, $($arg:tt)+) => {
        $crate::error::Text::new(::std::format!($zh, $($arg)+), ::std::format!($en, $($arg)+))
    };
}

/// Every error the API returns. Each one that carries words carries a [`Text`] (both
/// languages); [`ApiError::problem_in`] renders one of them.
#[derive(Debug)]
pub enum ApiError {
    /// The body is not well-formed JSON (400 `malformed-json`).
    MalformedJson(Text),
    /// The body is not declared as JSON (400 `content-type`).
    ContentType,
    /// The body is JSON but not an object (400 `not-an-object`).
    NotAnObject(Text),
    /// The body does not match its JSON Schema (400 `invalid-body`).
    InvalidBody(Vec<FieldError>),
    /// A query or path parameter is invalid (400 `invalid-parameter`).
    InvalidParameter(Text),
    /// A header is malformed (400 `invalid-header`).
    InvalidHeader(Text),
    /// The profile named by `?profile=` does not exist (400 `unknown-profile`).
    UnknownProfile(String),
    /// Missing, malformed, unknown or revoked bearer token (401 `unauthorized`).
    Unauthorized(Text),
    /// A write authenticated by the session cookie without the session's `X-CSRF-Token` (403
    /// `csrf`); nothing was done.
    Csrf,
    /// Authenticated, but the role or department may not do this (403 `forbidden`).
    Forbidden(Text),
    /// No such resource, or one the caller may not see (404 `not-found`).
    NotFound,
    /// The path exists but not with this method (405 `method-not-allowed`).
    MethodNotAllowed(Vec<String>),
    /// The request conflicts with the resource's state (409 `conflict`).
    Conflict(Text),
    /// A concurrent write won a race on a unique key or a serialization check (409
    /// `conflict`); an idempotent use case retries once and finds the winner's row.
    RaceLost,
    /// `If-Match` is required (428 `precondition-required`).
    PreconditionRequired,
    /// `If-Match` does not match the current ETag (412 `precondition-failed`).
    PreconditionFailed {
        /// The current ETag, so the client can reload.
        current_etag: String,
    },
    /// The body is larger than the configured limit (413 `payload-too-large`).
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// An uploaded file is empty or badly named (400 `invalid-file`).
    InvalidFile(Text),
    /// An uploaded file is of a type not accepted here, or its content does not match its
    /// name (415 `unsupported-file`).
    UnsupportedFile(Text),
    /// An uploaded spreadsheet that is one but cannot be read: password protected, a zip
    /// bomb, damaged, or without the form (422 `unreadable-file`). Nothing is stored.
    UnreadableFile(Text),
    /// Review input refused by a rule of `jixiao_rules::review` (422 `review-<code>`), with
    /// the field it is about.
    Refused {
        /// The rule's code (`OPINION_REQUIRED`, …), also the problem type's suffix.
        code: &'static str,
        /// JSON Pointer of the field, if the rule is about one.
        pointer: Option<String>,
        /// The rule's message (`ReviewError::message`) in both locales.
        message: Text,
    },
    /// The document has rule violations that block this action (422 `violations`).
    Violations {
        /// What was refused.
        detail: Text,
        /// The violations, exactly as `POST /check` returns them (in the `?locale=` of
        /// the request, zh-CN by default, like `/check`).
        violations: Vec<Violation>,
    },
    /// Too many failed authentication attempts from this address (429 `too-many-requests`).
    TooManyRequests {
        /// Seconds until the address may try again.
        retry_after: u64,
    },
    /// The server is overloaded or the database is unreachable (503 `unavailable`).
    Unavailable(Box<dyn std::error::Error + Send + Sync>),
    /// Anything else; the cause is logged only (500 `internal`).
    Internal(Box<dyn std::error::Error + Send + Sync>),
    /// Any other HTTP error status produced by the framework (generic problem).
    Status(StatusCode),
}

/// The detail in English (for logs; causes are not part of it).
impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.detail() {
            Some(t) => f.write_str(&t.en),
            None => f.write_str(self.status_code().canonical_reason().unwrap_or("error")),
        }
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ApiError::Unavailable(e) | ApiError::Internal(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}

impl ApiError {
    /// Wraps any error as an internal error (its cause is logged, not returned).
    pub fn internal(e: impl std::error::Error + Send + Sync + 'static) -> ApiError {
        ApiError::Internal(Box::new(e))
    }

    /// The stable slug of this error's problem type.
    pub fn slug(&self) -> &'static str {
        match self {
            ApiError::MalformedJson(_) => "malformed-json",
            ApiError::ContentType => "content-type",
            ApiError::NotAnObject(_) => "not-an-object",
            ApiError::InvalidBody(_) => "invalid-body",
            ApiError::InvalidParameter(_) => "invalid-parameter",
            ApiError::InvalidHeader(_) => "invalid-header",
            ApiError::UnknownProfile(_) => "unknown-profile",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::Csrf => "csrf",
            ApiError::NotFound => "not-found",
            ApiError::MethodNotAllowed(_) => "method-not-allowed",
            ApiError::Conflict(_) | ApiError::RaceLost => "conflict",
            ApiError::PreconditionRequired => "precondition-required",
            ApiError::PreconditionFailed { .. } => "precondition-failed",
            ApiError::PayloadTooLarge { .. } => "payload-too-large",
            ApiError::InvalidFile(_) => "invalid-file",
            ApiError::UnsupportedFile(_) => "unsupported-file",
            ApiError::UnreadableFile(_) => "unreadable-file",
            ApiError::Violations { .. } => "violations",
            ApiError::Refused { .. } => "review-refused",
            ApiError::TooManyRequests { .. } => "too-many-requests",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
            ApiError::Status(s) => status_slug(*s),
        }
    }

    /// What went wrong, in both languages (`None` for a bare framework status).
    pub fn detail(&self) -> Option<Text> {
        Some(match self {
            ApiError::MalformedJson(t)
            | ApiError::NotAnObject(t)
            | ApiError::InvalidParameter(t)
            | ApiError::InvalidHeader(t)
            | ApiError::Unauthorized(t)
            | ApiError::Forbidden(t)
            | ApiError::Conflict(t)
            | ApiError::InvalidFile(t)
            | ApiError::UnsupportedFile(t)
            | ApiError::UnreadableFile(t)
            | ApiError::Violations { detail: t, .. }
            | ApiError::Refused { message: t, .. } => t.clone(),
            ApiError::ContentType => text!(
                "请求体须以 Content-Type: application/json 发送",
                "the request body must be sent with Content-Type: application/json"
            ),
            ApiError::InvalidBody(_) => {
                text!("请求体不符合接口要求，请按各字段的提示修改", "the request body does not match its schema")
            }
            ApiError::UnknownProfile(id) => text!("未知的规则配置 `{id}`", "unknown profile `{id}`"),
            ApiError::NotFound => text!("未找到该资源，或您无权查看", "no such resource"),
            ApiError::MethodNotAllowed(allow) => {
                let allow = allow.join(", ");
                text!("该地址不支持此请求方法，可用的方法：{allow}", "method not allowed; allowed: {allow}")
            }
            ApiError::RaceLost => text!(
                "该记录刚被他人同时修改，请重新加载后再试",
                "the resource was changed concurrently; reload it and try again"
            ),
            ApiError::PreconditionRequired => text!(
                "此请求须带 If-Match 请求头，填写您上次读取时的 ETag",
                "this request needs an If-Match header carrying the ETag you last read"
            ),
            ApiError::PreconditionFailed { .. } => text!(
                "您读取之后该记录已被他人修改，请重新加载后再提交",
                "the resource was changed by someone else since you read it"
            ),
            ApiError::PayloadTooLarge { limit } => {
                text!("请求体超过 {limit} 字节的上限", "the request body is larger than the limit of {limit} bytes")
            }
            ApiError::TooManyRequests { retry_after } => text!(
                "身份验证失败次数过多，请 {retry_after} 秒后再试",
                "too many failed authentication attempts; try again in {retry_after} s"
            ),
            ApiError::Csrf => text!(
                "此操作须带本次登录的防跨站令牌（X-CSRF-Token），请刷新页面后重试",
                "this write needs the X-CSRF-Token header of your session; reload the page and try again"
            ),
            ApiError::Unavailable(_) => text!("服务暂时不可用，请稍后再试", "the service is temporarily unavailable"),
            ApiError::Internal(_) => text!("服务器内部错误，请稍后再试或联系系统管理员", "internal server error"),
            ApiError::Status(_) => return None,
        })
    }

    /// The RFC 9457 body of this error in English (what clients that ask for no language
    /// get).
    pub fn problem(&self) -> Problem {
        self.problem_in(Locale::En)
    }

    /// The RFC 9457 body of this error in `locale`.
    pub fn problem_in(&self, locale: Locale) -> Problem {
        let status = self.status_code();
        let detail = self.detail().map(|t| t.get(locale).to_owned());
        if let ApiError::Refused { code, pointer, message } = self {
            return Problem {
                problem_type: format!("{PROBLEM_TYPE_PREFIX}review-{}", code.replace('_', "-")),
                title: title(self.slug(), status).get(locale).to_owned(),
                status: status.as_u16(),
                detail,
                errors: Some(vec![FieldProblem {
                    path: pointer.clone().unwrap_or_default(),
                    keyword: (*code).into(),
                    message: message.get(locale).to_owned(),
                }]),
                violations: None,
                current_etag: None,
            };
        }
        Problem {
            problem_type: format!("{PROBLEM_TYPE_PREFIX}{}", self.slug()),
            title: title(self.slug(), status).get(locale).to_owned(),
            status: status.as_u16(),
            detail,
            errors: match self {
                ApiError::InvalidBody(e) => Some(e.iter().map(|e| e.render(locale)).collect()),
                _ => None,
            },
            violations: match self {
                ApiError::Violations { violations, .. } => Some(violations.clone()),
                _ => None,
            },
            current_etag: match self {
                ApiError::PreconditionFailed { current_etag } => Some(current_etag.clone()),
                _ => None,
            },
        }
    }

    /// The problem body in `locale`, serialized.
    pub fn problem_json(&self, locale: Locale) -> Vec<u8> {
        serde_json::to_vec(&self.problem_in(locale)).unwrap_or_else(|_| b"{}".to_vec())
    }
}

fn status_slug(s: StatusCode) -> &'static str {
    match s.as_u16() {
        400 => "bad-request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not-found",
        405 => "method-not-allowed",
        406 => "not-acceptable",
        408 => "request-timeout",
        411 => "length-required",
        413 => "payload-too-large",
        414 => "uri-too-long",
        415 => "unsupported-media-type",
        431 => "headers-too-large",
        503 => "unavailable",
        s if s >= 500 => "internal",
        _ => "http-error",
    }
}

/// The title of a problem type, in both languages.
fn title(slug: &str, status: StatusCode) -> Text {
    let (zh, en) = match slug {
        "malformed-json" => ("请求体不是有效的 JSON", "Malformed JSON"),
        "content-type" => ("请求内容类型不正确", "Wrong content type"),
        "not-an-object" => ("请求体不是 JSON 对象", "Body is not a JSON object"),
        "invalid-body" => ("请求体不符合接口要求", "Request body does not match its schema"),
        "invalid-parameter" => ("参数无效", "Invalid parameter"),
        "invalid-header" => ("请求头无效", "Invalid header"),
        "unknown-profile" => ("未知的规则配置", "Unknown rule profile"),
        "violations" => ("填报内容未通过规则校验", "The document has rule violations"),
        "conflict" => ("操作与当前状态不符", "Conflict with the resource's state"),
        "invalid-file" => ("文件无效", "Invalid file"),
        "unsupported-file" => ("不接受此类文件", "File type not accepted"),
        "unreadable-file" => ("无法读取该电子表格", "Spreadsheet cannot be read"),
        "csrf" => ("缺少或不符的防跨站令牌", "Missing or wrong CSRF token"),
        "review-refused" => ("审核内容不符合审核规则", "The review input is refused by the review rules"),
        _ => {
            let en = status.canonical_reason().map(str::to_owned).unwrap_or_else(|| slug.to_owned());
            return Text::new(status_title_zh(status), en);
        }
    };
    Text::new(zh, en)
}

/// The Chinese title of a bare HTTP status (the English one is its reason phrase).
fn status_title_zh(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "请求有误",
        401 => "未登录或身份验证失败",
        403 => "无权操作",
        404 => "未找到",
        405 => "不支持该请求方法",
        406 => "无法提供所要求的格式",
        408 => "请求超时",
        409 => "操作与当前状态不符",
        411 => "缺少 Content-Length 请求头",
        412 => "记录已被他人修改",
        413 => "请求体过大",
        414 => "网址过长",
        415 => "不支持的内容类型",
        428 => "缺少 If-Match 请求头",
        429 => "请求过于频繁",
        431 => "请求头过大",
        503 => "服务暂时不可用",
        s if s >= 500 => "服务器内部错误",
        _ => "请求未能完成",
    }
}

/// The language of a request's problem: `?locale=zh-CN|en` if present (and valid), else
/// the best of `Accept-Language` (q-values honoured; any `zh*` is zh-CN, any `en*` is en),
/// else English (API clients that ask for nothing keep the English problems).
pub fn negotiate(query: &str, accept_language: Option<&str>) -> Locale {
    let from_query = query.split('&').filter_map(|pair| pair.split_once('=')).find_map(|(k, v)| {
        (k == "locale").then(|| Locale::parse(&v.replace("%2D", "-").replace("%2d", "-"))).flatten()
    });
    if let Some(l) = from_query {
        return l;
    }
    let mut best: Option<(f32, Locale)> = None;
    for range in accept_language.unwrap_or_default().split(',') {
        let mut parts = range.split(';');
        let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let locale = if tag == "zh" || tag.starts_with("zh-") {
            Locale::ZhCn
        } else if tag == "en" || tag.starts_with("en-") {
            Locale::En
        } else {
            continue;
        };
        if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, locale));
        }
    }
    best.map_or(Locale::En, |(_, l)| l)
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::MalformedJson(_)
            | ApiError::ContentType
            | ApiError::NotAnObject(_)
            | ApiError::InvalidBody(_)
            | ApiError::InvalidParameter(_)
            | ApiError::InvalidHeader(_)
            | ApiError::UnknownProfile(_)
            | ApiError::InvalidFile(_) => StatusCode::BAD_REQUEST,
            ApiError::UnsupportedFile(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::Csrf => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) | ApiError::RaceLost => StatusCode::CONFLICT,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Violations { .. } | ApiError::Refused { .. } | ApiError::UnreadableFile(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Status(s) => *s,
        }
    }

    /// The problem in English; `startup::localize_problems` renders it again in the
    /// request's language.
    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(cause) | ApiError::Unavailable(cause) => {
                tracing::error!(error = %cause, source = ?cause.source(), "request failed");
            }
            _ => {}
        }
        let mut builder = HttpResponse::build(self.status_code());
        builder.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        builder.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
        match self {
            ApiError::MethodNotAllowed(allow) => {
                if let Ok(v) = HeaderValue::from_str(&allow.join(", ")) {
                    builder.insert_header((header::ALLOW, v));
                }
            }
            ApiError::Unauthorized(_) => {
                builder.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"jixiao\"")));
            }
            ApiError::PreconditionFailed { current_etag } => {
                if let Ok(v) = HeaderValue::from_str(current_etag) {
                    builder.insert_header((header::ETAG, v));
                }
            }
            ApiError::TooManyRequests { retry_after } => {
                builder.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            _ => {}
        }
        builder.body(self.problem_json(Locale::En))
    }
}

impl From<crate::db::DbError> for ApiError {
    fn from(e: crate::db::DbError) -> ApiError {
        match e {
            crate::db::DbError::Pool(_) | crate::db::DbError::Connect { .. } => ApiError::Unavailable(Box::new(e)),
            crate::db::DbError::Query(q) => ApiError::from(q),
            other => ApiError::internal(other),
        }
    }
}

impl ApiError {
    /// 412: the write named a state that is no longer current; `current_etag` is the stored
    /// tag (unquoted), sent back in its header form so the client can reload.
    pub fn stale(current_etag: &str) -> ApiError {
        ApiError::PreconditionFailed { current_etag: crate::domain::quoted(current_etag) }
    }

    /// Maps a refusal of the review rules to the API's errors (the rules' message in both
    /// locales). `violations` is the check of the document (sent with a refused submission).
    pub fn from_review(e: jixiao_rules::review::ReviewError, violations: Vec<Violation>) -> ApiError {
        use jixiao_rules::review::{ErrorClass, ReviewError};
        let message = Text::of(|l| e.message(l));
        match e.class() {
            ErrorClass::Unauthenticated => ApiError::Unauthorized(message),
            ErrorClass::NotFound => ApiError::NotFound,
            ErrorClass::Forbidden => ApiError::Forbidden(message),
            ErrorClass::Conflict => ApiError::Conflict(message),
            ErrorClass::Unprocessable if e == ReviewError::Violations => {
                ApiError::Violations { detail: message, violations }
            }
            ErrorClass::Unprocessable => ApiError::Refused { code: e.code(), pointer: e.pointer(), message },
        }
    }

    /// A body that is not JSON (serde_json's position, in both languages).
    pub fn malformed_json(err: &serde_json::Error) -> ApiError {
        let (line, column) = (err.line(), err.column());
        let zh = if err.is_eof() {
            format!("请求体不是有效的 JSON：内容在第 {line} 行第 {column} 列意外结束")
        } else {
            format!("请求体不是有效的 JSON：第 {line} 行第 {column} 列有语法错误")
        };
        ApiError::MalformedJson(Text::new(zh, format!("the request body is not valid JSON: {err}")))
    }
}

impl From<diesel::result::Error> for ApiError {
    /// A unique-key or serialization failure means a concurrent write won the race: 409
    /// (the client reloads and retries). Anything else is internal.
    fn from(e: diesel::result::Error) -> ApiError {
        use diesel::result::{DatabaseErrorKind as K, Error as E};
        match &e {
            E::DatabaseError(K::UniqueViolation | K::SerializationFailure, _) => {
                tracing::info!(error = %e, "concurrent write lost the race");
                ApiError::RaceLost
            }
            _ => ApiError::internal(e),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> ApiError {
        ApiError::Unavailable(Box::new(e))
    }
}

impl From<actix_web::error::JsonPayloadError> for ApiError {
    fn from(e: actix_web::error::JsonPayloadError) -> ApiError {
        use actix_web::error::JsonPayloadError as J;
        match e {
            J::OverflowKnownLength { limit, .. } | J::Overflow { limit } => ApiError::PayloadTooLarge { limit },
            J::ContentType => ApiError::ContentType,
            J::Deserialize(err) if err.is_data() => {
                let (line, column) = (err.line(), err.column());
                ApiError::NotAnObject(text!(
                    "请求体的结构不正确（第 {line} 行第 {column} 列）",
                    "the request body has the wrong shape: {err}"
                ))
            }
            J::Deserialize(err) => ApiError::malformed_json(&err),
            J::Payload(actix_web::error::PayloadError::Overflow) => ApiError::PayloadTooLarge { limit: 0 },
            J::Payload(p) => ApiError::InvalidHeader(text!(
                "无法读取请求体，请检查 Content-Length 与 Content-Encoding",
                "the request body could not be read: {p}"
            )),
            J::Serialize(err) => ApiError::internal(err),
            other => {
                ApiError::MalformedJson(text!("请求体不是有效的 JSON", "the request body is not valid JSON: {other}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_renders_a_problem_with_its_status() {
        let cases = [
            (ApiError::NotFound, 404, "urn:jixiao:problem:not-found"),
            (ApiError::ContentType, 400, "urn:jixiao:problem:content-type"),
            (ApiError::PreconditionRequired, 428, "urn:jixiao:problem:precondition-required"),
            (ApiError::PayloadTooLarge { limit: 10 }, 413, "urn:jixiao:problem:payload-too-large"),
            (ApiError::Status(StatusCode::UNSUPPORTED_MEDIA_TYPE), 415, "urn:jixiao:problem:unsupported-media-type"),
        ];
        for (err, status, ty) in cases {
            let p = err.problem();
            assert_eq!(p.status, status);
            assert_eq!(p.problem_type, ty);
            assert_eq!(err.error_response().status().as_u16(), status);
        }
    }

    /// Three English words in a row: what a Chinese problem must never contain.
    fn english_sentence(s: &str) -> bool {
        regex::Regex::new("[A-Za-z]+[ ,][A-Za-z]+ [A-Za-z]+").is_ok_and(|r| r.is_match(s))
    }

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    /// One of every variant (the match below stops compiling when a variant is added, so
    /// it is added here too).
    fn every_variant() -> Vec<ApiError> {
        let t = || text!("该绩效目标已提交，不能再修改", "the target is submitted and can no longer be changed");
        let field =
            FieldError::new("/opinion", "required", text!("缺少必填字段“审核意见”（opinion）", "opinion is required"));
        let all = vec![
            ApiError::MalformedJson(t()),
            ApiError::ContentType,
            ApiError::NotAnObject(t()),
            ApiError::InvalidBody(vec![field]),
            ApiError::InvalidParameter(t()),
            ApiError::InvalidHeader(t()),
            ApiError::UnknownProfile("x-2020".into()),
            ApiError::Unauthorized(t()),
            ApiError::Forbidden(t()),
            ApiError::Csrf,
            ApiError::NotFound,
            ApiError::MethodNotAllowed(vec!["GET".into(), "HEAD".into()]),
            ApiError::Conflict(t()),
            ApiError::RaceLost,
            ApiError::PreconditionRequired,
            ApiError::PreconditionFailed { current_etag: "\"abc\"".into() },
            ApiError::PayloadTooLarge { limit: 1024 },
            ApiError::InvalidFile(t()),
            ApiError::UnsupportedFile(t()),
            ApiError::UnreadableFile(t()),
            ApiError::from_review(jixiao_rules::review::ReviewError::OpinionRequired, Vec::new()),
            ApiError::Violations { detail: t(), violations: Vec::new() },
            ApiError::TooManyRequests { retry_after: 30 },
            ApiError::Unavailable(Box::new(std::io::Error::other("pool"))),
            ApiError::internal(std::io::Error::other("cause")),
            ApiError::Status(StatusCode::BAD_REQUEST),
            ApiError::Status(StatusCode::NOT_FOUND),
            ApiError::Status(StatusCode::METHOD_NOT_ALLOWED),
            ApiError::Status(StatusCode::NOT_ACCEPTABLE),
            ApiError::Status(StatusCode::URI_TOO_LONG),
            ApiError::Status(StatusCode::UNSUPPORTED_MEDIA_TYPE),
            ApiError::Status(StatusCode::IM_A_TEAPOT),
            ApiError::Status(StatusCode::INTERNAL_SERVER_ERROR),
            ApiError::Status(StatusCode::SERVICE_UNAVAILABLE),
        ];
        for e in &all {
            match e {
                ApiError::MalformedJson(_)
                | ApiError::ContentType
                | ApiError::NotAnObject(_)
                | ApiError::InvalidBody(_)
                | ApiError::InvalidParameter(_)
                | ApiError::InvalidHeader(_)
                | ApiError::UnknownProfile(_)
                | ApiError::Unauthorized(_)
                | ApiError::Forbidden(_)
                | ApiError::Csrf
                | ApiError::NotFound
                | ApiError::MethodNotAllowed(_)
                | ApiError::Conflict(_)
                | ApiError::RaceLost
                | ApiError::PreconditionRequired
                | ApiError::PreconditionFailed { .. }
                | ApiError::PayloadTooLarge { .. }
                | ApiError::InvalidFile(_)
                | ApiError::UnsupportedFile(_)
                | ApiError::UnreadableFile(_)
                | ApiError::Refused { .. }
                | ApiError::Violations { .. }
                | ApiError::TooManyRequests { .. }
                | ApiError::Unavailable(_)
                | ApiError::Internal(_)
                | ApiError::Status(_) => {}
            }
        }
        all
    }

    #[test]
    fn every_variant_has_both_renderings() {
        for e in every_variant() {
            let zh = e.problem_in(Locale::ZhCn);
            let en = e.problem_in(Locale::En);
            let messages = |p: &Problem| p.errors.iter().flatten().map(|f| f.message.clone()).collect::<Vec<_>>();
            let zh_texts = [vec![zh.title.clone()], zh.detail.clone().into_iter().collect(), messages(&zh)].concat();
            for t in &zh_texts {
                assert!(has_cjk(t) && !english_sentence(t), "{e:?}: {t}");
            }
            let en_texts = [vec![en.title.clone()], en.detail.clone().into_iter().collect(), messages(&en)].concat();
            for t in &en_texts {
                assert!(!has_cjk(t) && t.chars().any(|c| c.is_ascii_alphabetic()), "{e:?}: {t}");
            }
            assert_eq!(zh.problem_type, en.problem_type);
            assert_eq!(zh.status, en.status);
            assert_eq!(e.problem().title, en.title, "English is the default");
        }
    }

    /// Every `text!` in the server's source: the first literal is Chinese (no English
    /// sentence in it), the second English.
    #[test]
    fn every_call_site_text_is_chinese_then_english() {
        fn literal(s: &str) -> Option<(String, &str)> {
            let s = s.trim_start();
            let rest = s.strip_prefix('"')?;
            let mut out = String::new();
            let mut chars = rest.char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => return Some((out, &rest[i + 1..])),
                    c => out.push(c),
                }
            }
            None
        }
        fn visit(dir: &std::path::Path, found: &mut usize) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    visit(&path, found);
                    continue;
                }
                if path.extension().is_none_or(|x| x != "rs") {
                    continue;
                }
                let source = std::fs::read_to_string(&path).unwrap_or_default();
                for (at, _) in source.match_indices("text!(") {
                    let Some((zh, rest)) = literal(&source[at + 6..]) else { continue };
                    let Some((en, _)) = rest.trim_start().strip_prefix(',').and_then(literal) else { continue };
                    *found += 1;
                    let place = format!("{}:{at}", path.display());
                    assert!(has_cjk(&zh) && !english_sentence(&zh), "{place}: {zh}");
                    assert!(!has_cjk(&en), "{place}: {en}");
                }
            }
        }
        let mut found = 0;
        visit(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
        assert!(found > 80, "only {found} text! call sites found");
    }

    #[test]
    fn the_locale_is_the_query_then_accept_language_then_english() {
        let cases = [
            ("", None, Locale::En),
            ("", Some("zh-CN"), Locale::ZhCn),
            ("", Some("zh-TW"), Locale::ZhCn),
            ("", Some("en-US,zh;q=0.9"), Locale::En),
            ("", Some("fr, zh-Hans;q=0.5, en;q=0.4"), Locale::ZhCn),
            ("", Some("zh;q=0, en"), Locale::En),
            ("", Some("en;q=0.2, zh-CN;q=0.8"), Locale::ZhCn),
            ("", Some("*"), Locale::En),
            ("", Some("de"), Locale::En),
            ("locale=en", Some("zh-CN"), Locale::En),
            ("locale=zh-CN", None, Locale::ZhCn),
            ("limit=5&locale=zh-cn", Some("en"), Locale::ZhCn),
            ("locale=fr", Some("zh"), Locale::ZhCn),
            ("xlocale=en", Some("zh"), Locale::ZhCn),
        ];
        for (query, header, want) in cases {
            assert_eq!(negotiate(query, header), want, "{query} / {header:?}");
        }
    }

    #[test]
    fn lost_races_are_conflicts() {
        use diesel::result::{DatabaseErrorKind, Error};
        let e = Error::DatabaseError(DatabaseErrorKind::UniqueViolation, Box::new("dup key".to_owned()));
        assert_eq!(ApiError::from(e).status_code(), StatusCode::CONFLICT);
        let e = Error::DatabaseError(DatabaseErrorKind::SerializationFailure, Box::new("retry".to_owned()));
        assert_eq!(ApiError::from(e).status_code(), StatusCode::CONFLICT);
        assert_eq!(ApiError::from(Error::NotFound).status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn internal_errors_do_not_leak_their_cause() {
        let err = ApiError::internal(std::io::Error::other("secret table name"));
        let p = err.problem();
        let body = serde_json::to_string(&p).unwrap_or_default();
        assert!(!body.contains("secret"), "{body}");
        assert_eq!(p.status, 500);
    }
}
