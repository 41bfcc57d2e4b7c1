//! The OpenAPI document: the base (info, security scheme, tags, shared schemas) plus
//! every path collected by utoipa-actix-web from `api::configure`. [`document`] builds
//! it without a running server; `openapi/openapi.json` is this document, committed, and
//! a test fails when the two drift. `/docs` serves Swagger UI from assets embedded in
//! the binary (`utoipa-swagger-ui` with `vendored`), so it renders offline.

#![allow(dead_code)] // the documentation-only schema structs below are never constructed

use actix_web::App;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_actix_web::AppExt;

use crate::error::{FieldProblem, Problem};

/// Base document; paths are added by utoipa-actix-web.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "jixiao API",
        description = "预算绩效管理 (budget performance management) for a city finance bureau: \
check target documents (绩效目标) against rule profiles, score self-evaluations, and store \
targets per department. Every error is RFC 9457 `application/problem+json` with a stable \
`type` (`urn:jixiao:problem:<slug>`); its `title`, `detail` and `errors[].message` are in the \
language of `?locale=` (`zh-CN` or `en`) if given, else of the `Accept-Language` header (q-values \
honoured; any `zh*` is zh-CN, any `en*` is en), else English, and `Content-Language` names it \
(rule violations keep the `?locale=` of the route, zh-CN by default). Money is a decimal string in 万元. Authenticate with \
`Authorization: Bearer <token>` (tokens come from `jixiao token create`; for programs), or \
sign in as a person (`POST /api/v1/session`: an HttpOnly `jx_session` cookie; every write made \
with the cookie sends the session's `X-CSRF-Token`).",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    components(schemas(Problem, FieldProblem)),
    modifiers(&BearerAuth),
    tags(
        (name = "rules", description = "Stateless checks and scoring; public."),
        (name = "targets", description = "Stored targets (绩效目标申报); needs a token."),
        (name = "monitoring", description = "Monitoring (绩效运行监控): rounds, quarterly reports with lights, rectification flags, the bureau's board and coverage."),
        (name = "evaluation", description = "Self-evaluation (绩效自评), filing, re-evaluation (复评), zero scores, the year's summary and next year's budget (结果应用)."),
        (name = "sheets", description = "Excel in and out: the national forms (申报表, 执行监控表, 自评表) and the bureau's workbook as xlsx; a 申报表 read back from xlsx with each violation's cell."),
        (name = "session", description = "Sign-in for people: user name and password, a session cookie, CSRF token."),
        (name = "admin", description = "User, token and profile administration; admins only."),
        (name = "ops", description = "Health check."),
    )
)]
pub struct ApiDoc;

/// Adds the `bearer` security scheme.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut http = Http::new(HttpAuthScheme::Bearer);
        http.description = Some("A token from `jixiao token create`, sent as `Authorization: Bearer jx_…`.".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(http));
        let mut cookie = utoipa::openapi::security::ApiKeyValue::new(crate::auth::SESSION_COOKIE);
        cookie.description = Some(
            "The session cookie set by `POST /api/v1/session` (HttpOnly, SameSite=Strict). Writes made with it \
also send `X-CSRF-Token` (the session's `csrf_token`), else 403 `urn:jixiao:problem:csrf`."
                .into(),
        );
        components
            .add_security_scheme("session", SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Cookie(cookie)));
    }
}

/// The whole OpenAPI document of the server (what `/api-docs/openapi.json` serves).
pub fn document() -> OpenApiDoc {
    let (_app, doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(utoipa_actix_web::scope("/api/v1").configure(crate::api::configure))
        .split_for_parts();
    finish(doc)
}

/// Last touches after utoipa-actix-web collected the paths: publishes the profile
/// file JSON Schema of `jixiao-rules` as the `ProfileFile` component (its `$defs`
/// become `ProfileFile.<name>` components so references resolve inside OpenAPI).
pub fn finish(mut doc: OpenApiDoc) -> OpenApiDoc {
    if let Some(schemas) = profile_file_schemas() {
        let components = doc.components.get_or_insert_with(Default::default);
        for (name, schema) in schemas {
            components.schemas.insert(name, schema);
        }
    }
    declare_edge_answers(doc)
}

/// Declares on every operation the answers of the edge, which any route can give: 400 for a
/// NUL character in the path or query (refused before routing), 429 wherever a token is
/// read (too many failed attempts from the address), and 412/428 wherever `If-Match` is read.
fn declare_edge_answers(mut doc: OpenApiDoc) -> OpenApiDoc {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let problem = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    crate::api::PROBLEM,
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
                )
                .build(),
        )
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch, &mut item.head];
        for op in ops.into_iter().flatten() {
            let mut takes_if_match = false;
            for p in op.parameters.iter_mut().flatten() {
                if p.name.eq_ignore_ascii_case("if-match") {
                    takes_if_match = true;
                    p.schema = Some(if_match_schema());
                }
            }
            let responses = &mut op.responses.responses;
            if path.contains('{') {
                // A path segment that names nothing, or does not parse (a year that is not a number).
                responses.entry("404".into()).or_insert_with(|| problem("No such resource."));
            }
            if takes_if_match {
                responses.entry("412".into()).or_insert_with(|| {
                    problem("`If-Match` does not name the current ETag (the current one is in `current_etag`).")
                });
                responses
                    .entry("428".into())
                    .or_insert_with(|| problem("`If-Match` was sent empty; send the ETag you last read."));
            }
            responses
                .entry("400".into())
                .or_insert_with(|| problem("Invalid parameter (e.g. a NUL character in the path or query)."));
            if responses.contains_key("401") {
                responses.entry("429".into()).or_insert_with(|| {
                    problem("Too many failed authentication attempts from this address; see `Retry-After`.")
                });
            }
        }
    }
    doc
}

/// What `If-Match` should carry (`crate::service::targets::parse_if_match`): one or more
/// quoted strong entity tags, comma-separated. `*` and an empty header are 428; a weak or
/// malformed tag matches nothing (412).
pub const IF_MATCH_PATTERN: &str = r#"^ *"[!#-~]*" *(, *"[!#-~]*" *)*$"#;

fn if_match_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
    utoipa::openapi::RefOr::T(Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(IF_MATCH_PATTERN))
            .description(Some("Quoted strong ETags, e.g. `\"3f2a…\"`"))
            .build(),
    ))
}

/// The profile schema split into OpenAPI components, or None if it cannot be converted
/// (a unit test makes sure it can).
fn profile_file_schemas() -> Option<Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>> {
    let text = jixiao_rules::profile::PROFILE_SCHEMA.replace("\"#/$defs/", "\"#/components/schemas/ProfileFile.");
    let mut root: serde_json::Value = serde_json::from_str(&text).ok()?;
    let obj = root.as_object_mut()?;
    obj.remove("$schema");
    obj.remove("$id");
    let defs = obj.remove("$defs");
    type_enums(&mut root);
    let mut out = vec![("ProfileFile".to_owned(), serde_json::from_value(root).ok()?)];
    if let Some(serde_json::Value::Object(defs)) = defs {
        for (name, schema) in defs {
            out.push((format!("ProfileFile.{name}"), serde_json::from_value(schema).ok()?));
        }
    }
    Some(out)
}

/// utoipa's schema model needs a `type` next to `enum`; JSON Schema does not. Adds
/// `"type": "string"` to every enum of strings that has none (same meaning).
fn type_enums(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            let all_strings =
                map.get("enum").and_then(|e| e.as_array()).is_some_and(|a| a.iter().all(|x| x.is_string()));
            if all_strings && !map.contains_key("type") {
                map.insert("type".into(), serde_json::Value::String("string".into()));
            }
            map.values_mut().for_each(type_enums);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(type_enums),
        _ => {}
    }
}

/// Placeholder so `#[utoipa::path]` can reference the `ProfileFile` component; its
/// content is replaced by the real JSON Schema in [`finish`].
#[derive(ToSchema)]
#[schema(as = ProfileFile)]
pub struct ProfileFileSchema {
    /// Profile id.
    id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_schema_is_published_whole() {
        let schemas = profile_file_schemas().unwrap_or_default();
        assert!(schemas.len() > 1, "ProfileFile and its $defs");
        let doc = serde_json::to_value(document()).unwrap_or_default();
        let pf = &doc["components"]["schemas"]["ProfileFile"];
        assert_eq!(pf["required"], serde_json::json!(["id", "framework"]));
        assert!(!serde_json::to_string(&doc).unwrap_or_default().contains("#/$defs/"));
    }
}

/// The document as committed in `openapi/openapi.json` (pretty JSON + newline).
pub fn document_json() -> String {
    let mut s = document().to_pretty_json().unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// A canonical target document (FORMATS.md §1). Documentation only: the server accepts
/// any JSON object and reports every deviation as a rule violation, so that all
/// clients see the same codes (a draft may be incomplete).
#[derive(ToSchema)]
#[schema(as = TargetDocument)]
pub struct TargetDocumentSchema {
    /// `project` (项目支出) or `department` (部门整体支出).
    #[schema(example = "project")]
    kind: String,
    /// 2000–2100.
    #[schema(example = 2019)]
    fiscal_year: i32,
    /// 6-digit 区划 code.
    #[schema(example = "653001")]
    region: Option<String>,
    /// 主管部门.
    department: PartySchema,
    /// 实施单位.
    unit: Option<PartySchema>,
    /// Required when `kind` is `project`.
    project: Option<ProjectSchema>,
    /// Funds (万元, decimal strings).
    funds: FundsSchema,
    /// Goals.
    goals: GoalsSchema,
    /// 涉密: never disclosed publicly.
    classified: Option<bool>,
    /// Level-3 indicators.
    indicators: Vec<IndicatorSchema>,
}

/// `{code, name}` of a department or unit.
#[derive(ToSchema)]
#[schema(as = Party)]
pub struct PartySchema {
    /// Code.
    #[schema(example = "101")]
    code: String,
    /// Name.
    #[schema(example = "阿图什市民政局")]
    name: String,
}

/// Project block.
#[derive(ToSchema)]
#[schema(as = ProjectInfo)]
pub struct ProjectSchema {
    /// Code.
    code: Option<String>,
    /// Name.
    name: String,
    /// `new` or `continuing`.
    attribute: Option<String>,
    /// `YYYY-MM-DD`.
    start: Option<String>,
    /// `YYYY-MM-DD`, not before `start`.
    end: Option<String>,
}

/// Funds.
#[derive(ToSchema)]
#[schema(as = Funds)]
pub struct FundsSchema {
    /// 年度资金总额, at most 2 decimals.
    #[schema(example = "86.40")]
    annual_total: String,
    /// 中期资金总额, ≥ `annual_total`.
    mid_term_total: Option<String>,
    /// Sources; must add up to `annual_total`.
    sources: Option<Vec<FundSourceSchema>>,
}

/// One funding source.
#[derive(ToSchema)]
#[schema(as = FundSource)]
pub struct FundSourceSchema {
    /// Source name.
    #[schema(example = "本级财政")]
    source: String,
    /// Amount (万元).
    #[schema(example = "26.40")]
    amount: String,
}

/// Goals.
#[derive(ToSchema)]
#[schema(as = Goals)]
pub struct GoalsSchema {
    /// 年度目标.
    annual: String,
    /// 中期目标.
    mid_term: Option<String>,
}

/// A level-3 indicator.
#[derive(ToSchema)]
#[schema(as = Indicator)]
pub struct IndicatorSchema {
    /// Unique within the document.
    #[schema(example = "i1")]
    id: String,
    /// Level-1 code of the framework.
    #[schema(example = "output")]
    level1: String,
    /// Level-2 code allowed under `level1`.
    #[schema(example = "quantity")]
    level2: String,
    /// 1–100 characters.
    #[schema(example = "保障孤儿人数")]
    name: String,
    /// `quantitative` or `qualitative`.
    nature: String,
    /// `ge` `gt` `eq` `le` `lt` (quantitative only).
    operator: Option<String>,
    /// Decimal string or `YYYY-MM-DD` (quantitative), text (qualitative).
    #[schema(example = "360")]
    value: String,
    /// Unit; required for a quantitative decimal value.
    unit: Option<String>,
    /// 分值, decimal string > 0.
    points: Option<String>,
    /// 指标解释.
    explanation: Option<String>,
    /// 评分标准.
    scoring_rule: Option<String>,
    /// `plan` `industry` `history` `budget_standard` `other`.
    basis: Option<String>,
    /// Core indicator.
    core: Option<bool>,
}
