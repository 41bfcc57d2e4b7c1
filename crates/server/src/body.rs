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

use crate::error::{ApiError, FieldError, Text};
use crate::text;

/// The JSON extractor configuration: size limit and problem+json errors.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default().limit(limit).error_handler(|err, _req| ApiError::from(err).into())
}

/// Refuses text containing NUL (U+0000) anywhere in a body — a member name or a string —
/// with a 400 naming the field. PostgreSQL cannot store NUL in text and SQLite would, so the
/// decision is made once, here at the edge, and both backends answer the same.
pub fn refuse_nul(value: &Value) -> Result<(), ApiError> {
    fn walk(v: &Value, path: &mut String, out: &mut Vec<FieldError>) {
        let nul = |path: &str| {
            let field = field_zh(path);
            FieldError::new(
                path,
                "nul",
                text!("{field}不得包含 NUL 字符（U+0000）", "text must not contain the NUL character (U+0000)"),
            )
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
                other => Err(not_an_object(&other).into()),
            }
        })
    }
}

/// The refusal of a JSON body that is not an object.
pub fn not_an_object(value: &Value) -> ApiError {
    let kind = json_type(value);
    let zh = type_zh(kind);
    ApiError::NotAnObject(Text::new(
        format!("请求体须为 JSON 对象，收到的是{zh}"),
        InputError::NotObject(kind).to_string(),
    ))
}

/// A JSON type name (`string`, `integer`, …) in Chinese.
fn type_zh(kind: &str) -> &str {
    match kind {
        "string" => "字符串",
        "integer" => "整数",
        "number" => "数字",
        "boolean" => "布尔值（true/false）",
        "array" => "数组",
        "object" => "对象",
        "null" => "空值（null）",
        other => other,
    }
}

/// The Chinese name of a body member, where the API has an obvious one.
fn label_zh(name: &str) -> Option<&'static str> {
    Some(match name {
        "opinion" => "审核意见",
        "decision" => "审核结论",
        "approved_amount" => "批复金额",
        "grade" => "审核等级",
        "findings" => "发现的问题",
        "criteria" => "评审要素",
        "remarks" => "评审意见",
        "score" => "得分",
        "recommendation" => "审核建议",
        "role" => "角色",
        "department" => "部门",
        "org" | "organisation" => "第三方评价机构",
        "name" => "名称",
        "due" => "完成期限",
        "deadline" => "截止日期",
        "requirement" => "整改要求",
        "result" => "整改结果",
        "reason" => "理由",
        "amount" => "金额",
        "fiscal_year" => "年度",
        "through_month" => "截至月份",
        "round_id" => "监控轮次",
        "target_id" | "target" => "绩效目标",
        "evaluation" => "自评表",
        "report" => "监控报告",
        "previous" => "上一期监控报告",
        "profile" => "规则配置",
        "code" => "代码",
        "project" => "项目",
        "file_name" => "文件名",
        "indicators" => "绩效指标",
        _ => return None,
    })
}

/// How a clerk reads the field at a JSON Pointer: its Chinese name and its member name,
/// e.g. `“审核意见”（opinion）`, else `字段“x”`; an array item is `…第 2 项`; "" is the body.
pub fn field_zh(pointer: &str) -> String {
    let Some((parent, last)) = pointer.rsplit_once('/') else { return "请求体".into() };
    let last = last.replace("~1", "/").replace("~0", "~");
    if let Ok(i) = last.parse::<usize>() {
        return format!("{}第 {} 项", field_zh(parent), i + 1);
    }
    match label_zh(&last) {
        Some(_) => quoted(&last),
        None => format!("字段{}", quoted(&last)),
    }
}

/// A member name in quotes, with its Chinese label before it when there is one.
fn quoted(name: &str) -> String {
    match label_zh(name) {
        Some(l) => format!("“{l}”（{name}）"),
        None => format!("“{name}”"),
    }
}

/// A JSON Schema error as a field error, its message in both languages naming the field.
pub fn field_error(e: &jsonschema::ValidationError<'_>) -> FieldError {
    use jsonschema::error::{TypeKind, ValidationErrorKind as K};
    let path = e.instance_path().to_string();
    let field = field_zh(&path);
    let list = |v: &[String]| v.join("、");
    let values = |v: &Value| match v {
        Value::Array(items) => {
            items.iter().map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned)).collect::<Vec<_>>().join("、")
        }
        other => other.to_string(),
    };
    let zh = match e.kind() {
        K::Required { property } => {
            let name = property.as_str().map_or_else(|| property.to_string(), str::to_owned);
            format!("缺少必填字段{}", quoted(&name))
        }
        K::Type { kind } => {
            let want = match kind {
                TypeKind::Single(t) => type_zh(&t.to_string()).to_owned(),
                TypeKind::Multiple(set) => {
                    set.iter().map(|t| type_zh(&t.to_string()).to_owned()).collect::<Vec<_>>().join("或")
                }
            };
            format!("{field}的类型不正确，应为{want}")
        }
        K::Enum { options } => format!("{field}的取值无效，可选值为：{}", values(options)),
        K::Constant { expected_value } => format!("{field}须为 {}", values(expected_value)),
        K::MaxLength { limit } => format!("{field}不得超过 {limit} 个字符"),
        K::MinLength { limit: 1 } => format!("{field}不得为空"),
        K::MinLength { limit } => format!("{field}至少须有 {limit} 个字符"),
        K::Pattern { .. } => format!("{field}的格式不正确"),
        K::Format { format } => {
            let f = match format.as_str() {
                "date" => "日期（YYYY-MM-DD）",
                "date-time" => "日期时间",
                "uuid" => "UUID",
                "email" => "电子邮箱地址",
                other => other,
            };
            format!("{field}的格式不正确，应为{f}")
        }
        K::Minimum { limit } => format!("{field}不得小于 {limit}"),
        K::Maximum { limit } => format!("{field}不得大于 {limit}"),
        K::ExclusiveMinimum { limit } => format!("{field}须大于 {limit}"),
        K::ExclusiveMaximum { limit } => format!("{field}须小于 {limit}"),
        K::MultipleOf { multiple_of } => format!("{field}须为 {multiple_of} 的整数倍"),
        K::MinItems { limit } => format!("{field}至少须有 {limit} 项"),
        K::MaxItems { limit } => format!("{field}最多只能有 {limit} 项"),
        K::UniqueItems => format!("{field}中有重复的项"),
        K::MinProperties { limit } => format!("{field}至少须有 {limit} 个字段"),
        K::MaxProperties { limit } => format!("{field}最多只能有 {limit} 个字段"),
        K::AdditionalProperties { unexpected } | K::UnevaluatedProperties { unexpected } => {
            format!("{field}中有不认识的字段：{}", list(unexpected))
        }
        K::AdditionalItems { .. } | K::UnevaluatedItems { .. } => format!("{field}中的项数多于允许的数目"),
        K::AnyOf { context } | K::OneOfNotValid { context } => match allowed_values(context) {
            Some(allowed) => format!("{field}的取值无效，可选值为：{allowed}"),
            None => format!("{field}不符合任何一种允许的格式"),
        },
        K::OneOfMultipleValid { .. } => format!("{field}同时符合多种格式，无法确定其含义"),
        K::FalseSchema => format!("{field}不允许出现在此处"),
        _ => format!("{field}不符合接口要求"),
    };
    FieldError::new(path, e.kind().keyword(), Text::new(zh, e.to_string()))
}

/// The values a `oneOf`/`anyOf` of constants allows (how utoipa publishes documented
/// enums), `、`-separated; `None` when a branch is not a constant.
fn allowed_values(branches: &[Vec<jsonschema::ValidationError<'static>>]) -> Option<String> {
    use jsonschema::error::ValidationErrorKind as K;
    let mut out = Vec::new();
    for branch in branches {
        let [only] = branch.as_slice() else { return None };
        let values = match only.kind() {
            K::Constant { expected_value } => vec![expected_value.as_ref().clone()],
            K::Enum { options } => options.as_array()?.clone(),
            _ => return None,
        };
        out.extend(values.into_iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)));
    }
    (!out.is_empty()).then(|| out.join("、"))
}

/// A body that passed its schema but not serde (the schema and the struct should agree).
pub fn undeserializable(e: &serde_json::Error) -> ApiError {
    ApiError::InvalidBody(vec![FieldError::new(
        "",
        "type",
        text!("请求体的内容无法按接口要求读取，请检查各字段的类型", "{e}"),
    )])
}

/// A request body type with a published JSON Schema.
pub trait BodySchema: DeserializeOwned + utoipa::ToSchema + 'static {}
impl<T: DeserializeOwned + utoipa::ToSchema + 'static> BodySchema for T {}

/// JSON Schema counts `2019.0` as an integer and serde does not: a number with a zero
/// fraction becomes the integer it equals, so what passed the schema also deserializes.
fn integral_numbers(v: &mut Value) {
    match v {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64() {
                // Only integers that f64 holds exactly (|f| < 2^53).
                if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
                    #[allow(clippy::cast_possible_truncation)]
                    let i = f as i64;
                    *v = Value::from(i);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(map) => map.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

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

/// `T`'s schema as a JSON Schema document (utoipa emits OpenAPI 3.1 = JSON Schema 2020-12),
/// with the schemas it refers to under `components/schemas`, where its
/// `#/components/schemas/…` references point — the same schemas the OpenAPI document
/// publishes, so the published body and the checked body are one.
pub fn json_schema_of<T: utoipa::ToSchema>() -> Result<Value, ApiError> {
    let mut root = serde_json::to_value(T::schema()).map_err(ApiError::internal)?;
    let mut deps = Vec::new();
    T::schemas(&mut deps);
    if !deps.is_empty()
        && let Value::Object(map) = &mut root
    {
        let mut schemas = Map::new();
        for (name, schema) in deps {
            schemas.insert(name, serde_json::to_value(schema).map_err(ApiError::internal)?);
        }
        map.insert("components".into(), serde_json::json!({ "schemas": schemas }));
    }
    Ok(root)
}

/// Takes a body the way [`Valid<T>`] does — NUL refused, `T`'s JSON Schema (every error with
/// its instance path), then deserialized — for the use cases that must authorize the caller
/// before they read the body (a 403 comes before a 400).
pub fn parse<T: BodySchema>(mut value: Value) -> Result<T, ApiError> {
    refuse_nul(&value)?;
    validate::<T>(&value)?;
    integral_numbers(&mut value);
    serde_json::from_value(value).map_err(|e| {
        // The schema and the struct should agree; if they do not, still answer 400.
        tracing::warn!(error = %e, schema = T::name().as_ref(), "body passed its schema but not serde");
        undeserializable(&e)
    })
}

/// Validates `value` against `T`'s schema; every error with its instance path.
pub fn validate<T: BodySchema>(value: &Value) -> Result<(), ApiError> {
    validate_with(validator::<T>()?.as_ref(), value)
}

/// Validates `value` against a compiled JSON Schema (e.g. the profile file schema).
pub fn validate_with(v: &jsonschema::Validator, value: &Value) -> Result<(), ApiError> {
    let errors: Vec<FieldError> = v.iter_errors(value).map(|e| field_error(&e)).collect();
    if errors.is_empty() { Ok(()) } else { Err(ApiError::InvalidBody(errors)) }
}

impl<T: BodySchema> FromRequest for Valid<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Valid<T>, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let fut = web::Json::<Value>::from_request(req, payload);
        Box::pin(async move { Ok(Valid(parse::<T>(fut.await?.into_inner())?)) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jixiao_rules::review::{OpinionInput, ReviewInput};
    use serde_json::json;

    fn pointers(e: ApiError) -> Vec<String> {
        match e {
            ApiError::InvalidBody(errors) => errors.iter().map(|f| f.path.clone()).collect(),
            other => panic!("not a 400 invalid-body: {other:?}"),
        }
    }

    #[test]
    fn a_body_is_checked_through_the_schemas_it_refers_to() {
        // `grade` and `criteria` are `$ref`s into components: they must be checked, not skipped.
        let e = parse::<ReviewInput>(json!({"decision": "approve", "grade": "best", "criteria": {"x": "y"}}));
        let mut at = pointers(e.unwrap_err());
        at.sort();
        assert_eq!(at, ["/criteria", "/grade"]);
        let long = "意".repeat(4001);
        let e = parse::<ReviewInput>(json!({"decision": "return", "grade": "fair", "opinion": long}));
        assert_eq!(pointers(e.unwrap_err()), ["/opinion"]);
        let ok = parse::<ReviewInput>(json!({"decision": "return", "grade": "fair", "opinion": "补充成本指标"}));
        assert_eq!(ok.unwrap().opinion.as_deref(), Some("补充成本指标"));

        let criterion = json!({"score": "90", "remarks": "完整"});
        let mut body = json!({
            "criteria": {"completeness": criterion, "relevance": criterion, "appropriateness": criterion,
                         "feasibility": {"score": 90, "remarks": "可行"}},
            "recommendation": "approve",
            "findings": vec!["x"; 101],
        });
        let mut at = pointers(parse::<OpinionInput>(body.clone()).unwrap_err());
        at.sort();
        assert_eq!(at, ["/criteria/feasibility/score", "/findings"]);
        body["criteria"]["feasibility"]["score"] = json!("90");
        body["findings"] = json!(["成本指标缺失"]);
        assert!(parse::<OpinionInput>(body).is_ok());
    }
}
