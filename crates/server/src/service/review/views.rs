//! What the review use cases return: targets with their review state, decisions, the
//! audit trail, versions, assignments, opinions and the public list. The routes in
//! `api/review.rs` (+ `api/review/`) serialize these as they are; the OpenAPI document
//! publishes their schemas.

use chrono::{DateTime, Utc};
use jixiao_rules::Violation;
use jixiao_rules::review::Change;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

/// A target as the review routes show it: its status and review state.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewTarget {
    /// Id.
    pub id: String,
    /// 主管部门 code.
    pub department_code: String,
    /// The department's name, when known.
    #[schema(example = "阿图什市民政局")]
    pub department_name: Option<String>,
    /// Fiscal year.
    pub fiscal_year: Option<i32>,
    /// Project name.
    pub project_name: Option<String>,
    /// 年度资金总额 requested (万元).
    #[schema(value_type = Option<String>, example = "86.40")]
    pub annual_total: Option<String>,
    /// Rule profile.
    pub profile: String,
    /// `draft` / `submitted` / `returned` / `approved`.
    pub status: jixiao_rules::review::Status,
    /// The review version under work (1 + number of adjustments).
    pub revision: i32,
    /// The approved version in force, if any (it stays in force during an adjustment).
    pub in_force_revision: Option<i32>,
    /// Whether the current version is an adjustment (调整) not yet approved.
    pub adjustment: bool,
    /// Graded 差: not entering the budget.
    pub budget_excluded: bool,
    /// 涉密.
    pub classified: bool,
    /// No error-level violation at the last write.
    pub valid: bool,
    /// Errors at the last write.
    pub error_count: i32,
    /// ETag, quoted (send it in If-Match).
    pub etag: String,
    /// Last written (UTC).
    pub updated_at: DateTime<Utc>,
    /// The latest review decision, if any.
    pub last_review: Option<ReviewView>,
}

/// A review decision of finance.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewView {
    /// Id.
    pub id: String,
    /// Target id.
    pub target_id: String,
    /// The version decided on.
    pub revision: i32,
    /// `approve` / `return`.
    pub decision: jixiao_rules::review::Decision,
    /// 优 / 良 / 中 / 差.
    pub grade: jixiao_rules::review::ReviewGrade,
    /// Notes per criterion (`completeness`, `relevance`, `appropriateness`, `feasibility`).
    #[schema(value_type = Object)]
    pub criteria: Map<String, Value>,
    /// 审核意见.
    pub opinion: Option<String>,
    /// 批复金额 (万元), on approval.
    #[schema(value_type = Option<String>, example = "86.40")]
    pub approved_amount: Option<String>,
    /// `included` (enters the budget), `resubmit` or `excluded` (差: does not enter the budget).
    pub outcome: String,
    /// Reviewer (token name).
    pub reviewer: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
}

/// Counts of the caller's visible targets per status.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct TargetStatusCounts {
    /// 草稿.
    pub draft: u64,
    /// 已提交.
    pub submitted: u64,
    /// 已退回.
    pub returned: u64,
    /// 已批复.
    pub approved: u64,
}

/// The review queue / a department's targets by status.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewListing {
    /// Counts per status (before the status filter), counted in SQL over every matching target.
    pub counts: TargetStatusCounts,
    /// One page of targets (after the status filter), most recently changed first.
    pub items: Vec<ReviewTarget>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Filters of the review listing.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewListParams {
    /// Only this status.
    pub status: Option<jixiao_rules::review::Status>,
    /// Only this fiscal year.
    #[param(minimum = 2000, maximum = 2100)]
    pub fiscal_year: Option<i32>,
    /// Only this department code.
    pub department: Option<String>,
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

/// An audit row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditView {
    /// Sequence number.
    pub id: i64,
    /// Who (token name).
    pub actor: String,
    /// Their role.
    pub role: String,
    /// `create`, `update`, `delete`, `submit`, `review`, `adjust`, `assign`, `opinion`.
    pub action: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// ETag before.
    pub old_etag: Option<String>,
    /// ETag after.
    pub new_etag: Option<String>,
    /// Details of the action.
    #[schema(value_type = Object)]
    pub detail: Value,
}

/// A snapshot of the document at a submission or an approval.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionView {
    /// Sequence number.
    pub id: i64,
    /// Review version.
    pub revision: i32,
    /// `submitted` or `approved`.
    pub kind: String,
    /// ETag of the target at that moment.
    pub etag: String,
    /// 批复金额 (approved snapshots).
    #[schema(value_type = Option<String>)]
    pub approved_amount: Option<String>,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// The document.
    #[schema(value_type = Object)]
    pub document: Map<String, Value>,
}

/// What changed since the last return.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangesView {
    /// The version that was returned.
    pub since_revision: i32,
    /// When it was returned (UTC).
    pub since: DateTime<Utc>,
    /// JSON Pointer changes from the returned document to the current one.
    pub changes: Vec<Change>,
}

/// Everything about one target that the caller may see, for the review pages.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dossier {
    /// The target.
    pub target: ReviewTarget,
    /// The current document.
    #[schema(value_type = Object)]
    pub document: Map<String, Value>,
    /// Its violations (server check, requested locale).
    pub violations: Vec<Violation>,
    /// Changes since the last return, if it was ever returned.
    pub changes: Option<ChangesView>,
    /// Review decisions, oldest first (department, finance, admin).
    pub reviews: Vec<ReviewView>,
    /// Third-party opinions, oldest first (finance and admin: all; an assessor: its own).
    pub opinions: Vec<OpinionView>,
    /// Assignments (finance and admin: all; an assessor: its own).
    pub assignments: Vec<AssignmentView>,
    /// Audit trail, oldest first (department, finance, admin).
    pub history: Vec<AuditView>,
}

/// The result of a review decision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewResult {
    /// The decision as stored.
    pub review: ReviewView,
    /// The target after it.
    pub target: ReviewTarget,
}

/// Body of `POST /assignments`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentRequest {
    /// Ids of submitted targets (1–500, each once).
    #[schema(schema_with = target_ids_schema)]
    pub target_ids: Vec<String>,
    /// The assessor organisation (the `--org` of its tokens).
    #[schema(example = "新疆某某会计师事务所", min_length = 1, max_length = 200, pattern = r"\S")]
    pub organisation: String,
    /// Due date, `YYYY-MM-DD`.
    #[schema(format = Date, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", example = "2018-11-30")]
    pub due: String,
}

/// `target_ids` as the server checks it (the published schema is the one applied).
fn target_ids_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(64))
                // No NUL, as in every string the server takes.
                .pattern(Some("^[^\\u0000]*$")),
        )
        .min_items(Some(1))
        .max_items(Some(500))
        .unique_items(true)
        .description(Some("Ids of submitted targets (1–500, each once)."))
        .build()
}

/// An assignment.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssignmentView {
    /// Id.
    pub id: String,
    /// Target id.
    pub target_id: String,
    /// Assessor organisation.
    pub organisation: String,
    /// Due date.
    pub due: String,
    /// Who assigned (token name).
    pub assigned_by: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Opinions posted for it.
    pub opinion_count: u64,
    /// The target (in lists).
    pub target: Option<ReviewTarget>,
}

/// One assignment with the target's current document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssignmentDetail {
    /// The assignment.
    pub assignment: AssignmentView,
    /// The target.
    pub target: ReviewTarget,
    /// The current document.
    #[schema(value_type = Object)]
    pub document: Map<String, Value>,
    /// Its violations (server check).
    pub violations: Vec<Violation>,
    /// Opinions already posted for this assignment.
    pub opinions: Vec<OpinionView>,
}

/// A third-party opinion.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OpinionView {
    /// Id.
    pub id: String,
    /// Target id.
    pub target_id: String,
    /// The assignment it answers.
    pub assignment_id: String,
    /// Assessor organisation.
    pub organisation: String,
    /// The target version it is about.
    pub revision: i32,
    /// `[{criterion, score, remarks}]` for 完整性, 相关性, 适当性, 可行性.
    #[schema(value_type = Vec<jixiao_rules::review::CriterionOpinion>)]
    pub criteria: Value,
    /// Findings.
    pub findings: Vec<String>,
    /// `approve` or `revise`.
    pub recommendation: String,
    /// Mean of the four scores.
    #[schema(example = "81.63")]
    pub average: String,
    /// Author (token name).
    pub author: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
}

/// A published target.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicTarget {
    /// Target id.
    pub id: String,
    /// The 主管部门's name, when known.
    #[schema(example = "阿图什市民政局")]
    pub department_name: Option<String>,
    /// Fiscal year.
    pub fiscal_year: Option<i32>,
    /// 主管部门 code.
    pub department_code: String,
    /// Project name.
    pub project_name: Option<String>,
    /// Rule profile (for the indicator labels).
    pub profile: String,
    /// The approved version shown.
    pub revision: i32,
    /// 批复金额 (万元).
    #[schema(value_type = Option<String>, example = "86.40")]
    pub approved_amount: Option<String>,
    /// When it was approved (UTC).
    pub approved_at: DateTime<Utc>,
    /// The approved document: kind, year, region, department, unit, project, funds,
    /// goals and indicators.
    #[schema(value_type = Object)]
    pub document: Map<String, Value>,
}

/// The public list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicListing {
    /// One page of targets, by target id.
    pub items: Vec<PublicTarget>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}
