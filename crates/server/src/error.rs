//! The one error type of the API, [`ApiError`], rendered as RFC 9457
//! `application/problem+json` with a stable `type` per variant. Actix's own rejections
//! (JSON, query, path, payload) are converted into it by the handlers installed in
//! `startup`, and a catch-all middleware turns any other error response into a problem
//! too. Internal causes are logged, never sent to the client.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use jixiao_rules::Violation;
use serde::Serialize;
use utoipa::ToSchema;

/// Prefix of every problem `type` URI; the suffix is the stable slug of the variant.
pub const PROBLEM_TYPE_PREFIX: &str = "urn:jixiao:problem:";
/// The media type of error bodies.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document, with jixiao's extension members.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// Stable URI naming the kind of problem, e.g. `urn:jixiao:problem:not-found`.
    #[serde(rename = "type")]
    #[schema(example = "urn:jixiao:problem:not-found")]
    pub problem_type: String,
    /// Short human-readable summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request (never an internal cause).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Shape errors of a request body checked against its JSON Schema (400).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// Rule violations of a target document (422), identical to what the form shows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub violations: Option<Vec<Violation>>,
    /// The current ETag of the resource (412).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_etag: Option<String>,
}

/// One JSON Schema error of a request body.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FieldError {
    /// JSON Pointer to the offending value in the request body ("" is the whole body).
    #[schema(example = "/role")]
    pub path: String,
    /// The JSON Schema keyword that failed (`required`, `type`, `enum`, …).
    pub keyword: String,
    /// Human-readable message.
    pub message: String,
}

/// Every error the API returns.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not well-formed JSON (400 `malformed-json`).
    #[error("the request body is not valid JSON: {0}")]
    MalformedJson(String),
    /// The body is not declared as JSON (400 `content-type`).
    #[error("the request body must be sent with Content-Type: application/json")]
    ContentType,
    /// The body is JSON but not an object (400 `not-an-object`).
    #[error("{0}")]
    NotAnObject(String),
    /// The body does not match its JSON Schema (400 `invalid-body`).
    #[error("the request body does not match its schema")]
    InvalidBody(Vec<FieldError>),
    /// A query or path parameter is invalid (400 `invalid-parameter`).
    #[error("{0}")]
    InvalidParameter(String),
    /// A header is malformed (400 `invalid-header`).
    #[error("{0}")]
    InvalidHeader(String),
    /// The profile named by `?profile=` does not exist (400 `unknown-profile`).
    #[error("unknown profile `{0}`")]
    UnknownProfile(String),
    /// Missing, malformed, unknown or revoked bearer token (401 `unauthorized`).
    #[error("{0}")]
    Unauthorized(&'static str),
    /// A write authenticated by the session cookie without the session's `X-CSRF-Token` (403
    /// `csrf`); nothing was done.
    #[error("this write needs the X-CSRF-Token header of your session; reload the page and try again")]
    Csrf,
    /// Authenticated, but the role or department may not do this (403 `forbidden`).
    #[error("{0}")]
    Forbidden(String),
    /// No such resource, or one the caller may not see (404 `not-found`).
    #[error("no such resource")]
    NotFound,
    /// The path exists but not with this method (405 `method-not-allowed`).
    #[error("method not allowed; allowed: {}", .0.join(", "))]
    MethodNotAllowed(Vec<String>),
    /// The request conflicts with the resource's state (409 `conflict`).
    #[error("{0}")]
    Conflict(String),
    /// A concurrent write won a race on a unique key or a serialization check (409
    /// `conflict`); an idempotent use case retries once and finds the winner's row.
    #[error("the resource was changed concurrently; reload it and try again")]
    RaceLost,
    /// `If-Match` is required (428 `precondition-required`).
    #[error("this request needs an If-Match header carrying the ETag you last read")]
    PreconditionRequired,
    /// `If-Match` does not match the current ETag (412 `precondition-failed`).
    #[error("the resource was changed by someone else since you read it")]
    PreconditionFailed {
        /// The current ETag, so the client can reload.
        current_etag: String,
    },
    /// The body is larger than the configured limit (413 `payload-too-large`).
    #[error("the request body is larger than the limit of {limit} bytes")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// An uploaded file is empty or badly named (400 `invalid-file`).
    #[error("{0}")]
    InvalidFile(String),
    /// An uploaded file is of a type not accepted here, or its content does not match its
    /// name (415 `unsupported-file`).
    #[error("{0}")]
    UnsupportedFile(String),
    /// Review input refused by a rule of `jixiao_rules::review` (422 `review-<code>`), with
    /// the field it is about.
    #[error("{message}")]
    Refused {
        /// The rule's code (`OPINION_REQUIRED`, …), also the problem type's suffix.
        code: &'static str,
        /// JSON Pointer of the field, if the rule is about one.
        pointer: Option<String>,
        /// The message in the requested locale.
        message: String,
    },
    /// The document has rule violations that block this action (422 `violations`).
    #[error("{detail}")]
    Violations {
        /// What was refused.
        detail: String,
        /// The violations, exactly as `POST /check` returns them.
        violations: Vec<Violation>,
    },
    /// Too many failed authentication attempts from this address (429 `too-many-requests`).
    #[error("too many failed authentication attempts from this address; try again in {retry_after} s")]
    TooManyRequests {
        /// Seconds until the address may try again.
        retry_after: u64,
    },
    /// The server is overloaded or the database is unreachable (503 `unavailable`).
    #[error("the service is temporarily unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Anything else; the cause is logged only (500 `internal`).
    #[error("internal server error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Any other HTTP error status produced by the framework (generic problem).
    #[error("{}", .0.canonical_reason().unwrap_or("error"))]
    Status(StatusCode),
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
            ApiError::Violations { .. } => "violations",
            ApiError::Refused { .. } => "review-refused",
            ApiError::TooManyRequests { .. } => "too-many-requests",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
            ApiError::Status(s) => status_slug(*s),
        }
    }

    /// The RFC 9457 body of this error.
    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let detail = match self {
            ApiError::Status(_) => None,
            other => Some(other.to_string()),
        };
        if let ApiError::Refused { code, pointer, message } = self {
            return Problem {
                problem_type: format!("{PROBLEM_TYPE_PREFIX}review-{}", code.replace('_', "-")),
                title: "The review input is refused by the review rules".into(),
                status: status.as_u16(),
                detail,
                errors: Some(vec![FieldError {
                    path: pointer.clone().unwrap_or_default(),
                    keyword: (*code).into(),
                    message: message.clone(),
                }]),
                violations: None,
                current_etag: None,
            };
        }
        Problem {
            problem_type: format!("{PROBLEM_TYPE_PREFIX}{}", self.slug()),
            title: title(self.slug(), status),
            status: status.as_u16(),
            detail,
            errors: match self {
                ApiError::InvalidBody(e) => Some(e.clone()),
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

fn title(slug: &str, status: StatusCode) -> String {
    let t = match slug {
        "malformed-json" => "Malformed JSON",
        "content-type" => "Wrong content type",
        "not-an-object" => "Body is not a JSON object",
        "invalid-body" => "Request body does not match its schema",
        "invalid-parameter" => "Invalid parameter",
        "invalid-header" => "Invalid header",
        "unknown-profile" => "Unknown rule profile",
        "violations" => "The document has rule violations",
        "conflict" => "Conflict with the resource's state",
        "invalid-file" => "Invalid file",
        "unsupported-file" => "File type not accepted",
        "csrf" => "Missing or wrong CSRF token",
        other => return status.canonical_reason().map(str::to_owned).unwrap_or_else(|| other.to_owned()),
    };
    t.to_owned()
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
            ApiError::Violations { .. } | ApiError::Refused { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Status(s) => *s,
        }
    }

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
        let body = serde_json::to_vec(&self.problem()).unwrap_or_else(|_| b"{}".to_vec());
        builder.body(body)
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
    /// Maps a refusal of the review rules to the API's errors. `violations` is the check of
    /// the document (sent with a refused submission).
    pub fn from_review(
        e: jixiao_rules::review::ReviewError,
        locale: jixiao_rules::Locale,
        violations: Vec<Violation>,
    ) -> ApiError {
        use jixiao_rules::review::{ErrorClass, ReviewError};
        let message = e.message(locale);
        match e.class() {
            ErrorClass::Unauthenticated => ApiError::Unauthorized("this route needs a bearer token"),
            ErrorClass::NotFound => ApiError::NotFound,
            ErrorClass::Forbidden => ApiError::Forbidden(message),
            ErrorClass::Conflict => ApiError::Conflict(message),
            ErrorClass::Unprocessable if e == ReviewError::Violations => {
                ApiError::Violations { detail: message, violations }
            }
            ErrorClass::Unprocessable => ApiError::Refused { code: e.code(), pointer: e.pointer(), message },
        }
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
                ApiError::NotAnObject(format!("the request body has the wrong shape: {err}"))
            }
            J::Deserialize(err) => ApiError::MalformedJson(err.to_string()),
            J::Payload(actix_web::error::PayloadError::Overflow) => ApiError::PayloadTooLarge { limit: 0 },
            J::Payload(p) => ApiError::InvalidHeader(format!("the request body could not be read: {p}")),
            J::Serialize(err) => ApiError::internal(err),
            other => ApiError::MalformedJson(other.to_string()),
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
