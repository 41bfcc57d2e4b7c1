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

use crate::error::{FieldError, Problem};

/// Base document; paths are added by utoipa-actix-web.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "jixiao API",
        description = "预算绩效管理 (budget performance management) for a city finance bureau: \
check target documents (绩效目标) against rule profiles, score self-evaluations, and store \
targets per department. Every error is RFC 9457 `application/problem+json` with a stable \
`type` (`urn:jixiao:problem:<slug>`). Money is a decimal string in 万元. Authenticate with \
`Authorization: Bearer <token>` (tokens come from `jixiao token create`).",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    components(schemas(Problem, FieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "rules", description = "Stateless checks and scoring; public."),
        (name = "targets", description = "Stored targets (绩效目标申报); needs a token."),
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
    }
}

/// The whole OpenAPI document of the server (what `/api-docs/openapi.json` serves).
pub fn document() -> OpenApiDoc {
    let (_app, doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(utoipa_actix_web::scope("/api/v1").configure(crate::api::configure))
        .split_for_parts();
    doc
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
