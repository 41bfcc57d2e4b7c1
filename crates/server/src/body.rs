//! Request-body extractors. [`JsonObject`] takes a target (or any rules) document:
//! content type, size limit and "is a JSON object" are checked here, everything else by
//! the rules. [`Valid<T>`] takes every other body: it is checked against `T`'s JSON
//! Schema (the same schema the OpenAPI document publishes) before it is deserialized,
//! and each shape error is reported with its instance path.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use jixiao_rules::InputError;
use jixiao_rules::check::json_type;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{ApiError, FieldError};

/// The JSON extractor configuration: size limit and problem+json errors.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default().limit(limit).error_handler(|err, _req| ApiError::from(err).into())
}

/// Refuses text containing NUL (U+0000) anywhere in a body — a member name or a string —
/// with a 400 naming the field. PostgreSQL cannot store NUL in text and SQLite would, so the
/// decision is made once, here at the edge, and both backends answer the same.
pub fn refuse_nul(value: &Value) -> Result<(), ApiError> {
    fn walk(v: &Value, path: &mut String, out: &mut Vec<FieldError>) {
        let nul = |path: &str| FieldError {
            path: path.to_owned(),
            keyword: "nul".into(),
            message: "text must not contain the NUL character (U+0000)".into(),
        };
        match v {
            Value::String(s) if s.contains('\0') => out.push(nul(path)),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("/{i}"));
                    walk(item, path, out);
                    path.truncate(len);
                }
            }
            Value::Object(map) => {
                for (k, item) in map {
                    let len = path.len();
                    path.push('/');
                    path.push_str(&k.replace('~', "~0").replace('/', "~1"));
                    if k.contains('\0') {
                        out.push(nul(path));
                    } else {
                        walk(item, path, out);
                    }
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut errors = Vec::new();
    walk(value, &mut String::new(), &mut errors);
    if errors.is_empty() { Ok(()) } else { Err(ApiError::InvalidBody(errors)) }
}

/// A JSON object body (the rules decide everything else about it).
#[derive(Debug, Clone, PartialEq)]
pub struct JsonObject(pub Map<String, Value>);

impl FromRequest for JsonObject {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<JsonObject, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let fut = web::Json::<Value>::from_request(req, payload);
        Box::pin(async move {
            let value = fut.await?.into_inner();
            refuse_nul(&value)?;
            match value {
                Value::Object(map) => Ok(JsonObject(map)),
                other => Err(ApiError::NotAnObject(InputError::NotObject(json_type(&other)).to_string()).into()),
            }
        })
    }
}

/// A request body type with a published JSON Schema.
pub trait BodySchema: DeserializeOwned + utoipa::ToSchema + 'static {}
impl<T: DeserializeOwned + utoipa::ToSchema + 'static> BodySchema for T {}

/// A body validated against `T`'s JSON Schema, then deserialized.
#[derive(Debug, Clone, PartialEq)]
pub struct Valid<T>(pub T);

type Validators = Mutex<HashMap<TypeId, Arc<jsonschema::Validator>>>;

/// The compiled validator of `T` (compiled once per type).
fn validator<T: BodySchema>() -> Result<Arc<jsonschema::Validator>, ApiError> {
    static CACHE: OnceLock<Validators> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut map = cache.lock().map_err(|_| ApiError::internal(std::io::Error::other("validator cache poisoned")))?;
    if let Some(v) = map.get(&TypeId::of::<T>()) {
        return Ok(v.clone());
    }
    let schema = json_schema_of::<T>()?;
    let v = Arc::new(jsonschema::validator_for(&schema).map_err(|e| {
        ApiError::internal(std::io::Error::other(format!("schema of {} does not compile: {e}", T::name())))
    })?);
    map.insert(TypeId::of::<T>(), v.clone());
    Ok(v)
}

/// `T`'s schema as a JSON Schema document (utoipa emits OpenAPI 3.1 = JSON Schema 2020-12).
pub fn json_schema_of<T: utoipa::ToSchema>() -> Result<Value, ApiError> {
    serde_json::to_value(T::schema()).map_err(ApiError::internal)
}

/// Validates `value` against `T`'s schema; every error with its instance path.
pub fn validate<T: BodySchema>(value: &Value) -> Result<(), ApiError> {
    validate_with(validator::<T>()?.as_ref(), value)
}

/// Validates `value` against a compiled JSON Schema (e.g. the profile file schema).
pub fn validate_with(v: &jsonschema::Validator, value: &Value) -> Result<(), ApiError> {
    let errors: Vec<FieldError> = v
        .iter_errors(value)
        .map(|e| FieldError {
            path: e.instance_path().to_string(),
            keyword: e.kind().keyword().to_owned(),
            message: e.to_string(),
        })
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(ApiError::InvalidBody(errors)) }
}

impl<T: BodySchema> FromRequest for Valid<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Valid<T>, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let fut = web::Json::<Value>::from_request(req, payload);
        Box::pin(async move {
            let value = fut.await?.into_inner();
            refuse_nul(&value)?;
            validate::<T>(&value)?;
            serde_json::from_value(value).map(Valid).map_err(|e| {
                // The schema and the struct should agree; if they do not, still answer 400.
                tracing::warn!(error = %e, schema = T::name().as_ref(), "body passed its schema but not serde");
                ApiError::InvalidBody(vec![FieldError {
                    path: String::new(),
                    keyword: "type".into(),
                    message: e.to_string(),
                }])
                .into()
            })
        })
    }
}
