//! Evaluation and results use cases (绩效自评 → 复评 → 结果应用): a department's
//! self-evaluation of an approved target (draft → submit 422 → filed | returned), finance's
//! re-evaluation (复评, append-only; the latest is final), closing a year (every approved
//! target without a filed self-evaluation scores 0, 差, 未按要求开展绩效自评 — idempotent),
//! and the year's summary with next year's budget recommendations (FORMATS §7). Who may do
//! what is decided by `jixiao_rules::evaluation::lifecycle`; scores by `jixiao_rules::score`.

use std::collections::{BTreeMap, HashMap};

use diesel::Connection;
use jixiao_rules::evaluation::lifecycle::{self, EvaluationAction, EvaluationStatus};
use jixiao_rules::scoring::{Grade, ScoreReport};
use jixiao_rules::{Locale, Severity, parse_object};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value, json};
use utoipa::ToSchema;

use crate::auth::{Caller, Role};
use crate::db::{AnyConnection, Money};
use crate::error::ApiError;
use crate::service::monitoring::{self as mon, Coverage};
use crate::service::profiles::Profiles;
use crate::service::stage;
use crate::store;
use crate::store::evaluation::{EvaluationRow, ReEvaluationRow};
use crate::text;

type Result<T> = std::result::Result<T, ApiError>;

/// Why a target without a filed self-evaluation scores 0 (FORMATS §7).
pub const ZERO_REASON: &str = "未按要求开展绩效自评";

fn etag(id: &str, version: i64, status: EvaluationStatus, document: &str) -> String {
    stage::etag(id, version, status.as_str(), document)
}

fn status_of(row: &EvaluationRow) -> Result<EvaluationStatus> {
    EvaluationStatus::parse(&row.status)
        .ok_or_else(|| ApiError::internal(std::io::Error::other("stored evaluation status")))
}

fn grade_name(g: Grade) -> String {
    serde_json::to_value(g).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn parse_grade(s: &str) -> Option<Grade> {
    serde_json::from_value(Value::String(s.to_owned())).ok()
}

/// The final score and grade of an evaluation: its latest re-evaluation, else its own total.
fn final_of(e: &EvaluationRow, latest_re_evaluation: Option<&ReEvaluationRow>) -> (Decimal, Option<Grade>) {
    match latest_re_evaluation {
        Some(r) => (r.total.0, parse_grade(&r.grade)),
        None => (e.total.map(|m| m.0).unwrap_or_default(), e.grade.as_deref().and_then(parse_grade)),
    }
}

fn score(ctx: &mon::Context, doc: &Map<String, Value>, locale: Locale) -> ScoreReport {
    jixiao_rules::score(&ctx.target, doc, &ctx.profile, locale)
}

/// The §4 evaluation document a new self-evaluation starts from: the approved budget, the
/// year's last accepted monitoring report's execution and actuals, a row per indicator, and
/// the 10号 annex outline of the report text.
fn prefill(conn: &mut AnyConnection, ctx: &mon::Context, target_id: &str, year: i32) -> Result<Map<String, Value>> {
    let last = store::monitoring::previous_accepted(conn, target_id, year, 13)?
        .map(|r| parse_object(&r.document).map_err(ApiError::internal))
        .transpose()?;
    let budget = ctx.approved_amount.map(|d| d.to_string());
    let exec = last.as_ref().and_then(|l| l.get("execution"));
    let actual_of = |id: &str| -> Value {
        last.as_ref()
            .and_then(|l| l.get("indicators"))
            .and_then(Value::as_array)
            .and_then(|rows| rows.iter().find(|r| r.get("indicator_id").and_then(Value::as_str) == Some(id)))
            .and_then(|r| r.get("actual_to_date"))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let results: Vec<Value> = ctx
        .target
        .get("indicators")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| {
            let id = i.get("id")?.as_str()?;
            Some(if i.get("nature").and_then(Value::as_str) == Some("qualitative") {
                json!({ "indicator_id": id, "tier": null, "score": null, "deviation_reason": null })
            } else {
                json!({ "indicator_id": id, "actual": actual_of(id), "deviation_reason": null })
            })
        })
        .collect();
    let doc = json!({
        "execution": {
            "budget_initial": budget,
            "budget_full_year": exec.and_then(|e| e.get("budget_full_year")).cloned().unwrap_or(json!(budget)),
            "executed": exec.and_then(|e| e.get("executed")).cloned().unwrap_or(Value::Null),
            "reason": null,
        },
        "results": results,
        "report": { "basic": null, "achievement": null, "deviation": null, "improvement": null },
    });
    Ok(match doc {
        Value::Object(m) => m,
        _ => Map::new(),
    })
}

/// A self-evaluation with its target, its score now, and its re-evaluations.
pub struct EvaluationDetail {
    /// The stored row.
    pub row: EvaluationRow,
    /// Project name.
    pub project_name: Option<String>,
    /// The rule profile the target was declared under (what every score here uses).
    pub profile: String,
    /// The approved target document.
    pub target: Map<String, Value>,
    /// The department's score now, in the requested locale (null for a zero score).
    pub result: Option<ScoreReport>,
    /// Finance's re-evaluations, oldest first; the last is final.
    pub re_evaluations: Vec<ReEvaluationRow>,
    /// Rectification tasks raised on it.
    pub rectifications: Vec<store::monitoring::RectificationRow>,
    /// Evidence files (佐证材料), without their bytes.
    pub evidence: Vec<store::evaluation::EvidenceMeta>,
    /// Assessor organisations it is assigned to for re-evaluation.
    pub assignments: Vec<store::evaluation::EvaluationAssignmentRow>,
}

/// The evaluation with its context (for the routes' views).
pub fn detail(
    conn: &mut AnyConnection,
    row: EvaluationRow,
    locale: Locale,
    profiles: &Profiles,
) -> Result<EvaluationDetail> {
    let ctx = mon::context(conn, &row.target_id, row.fiscal_year, 1, profiles)?;
    let result = if status_of(&row)? == EvaluationStatus::ZeroScored {
        None
    } else {
        Some(score(&ctx, &parse_object(&row.document).map_err(ApiError::internal)?, locale))
    };
    let re_evaluations = store::evaluation::re_evaluations_of(conn, &row.id)?;
    let rectifications = store::monitoring::rectifications_of_evaluation(conn, &row.id)?;
    let evidence = store::evaluation::evidence_of(conn, &row.id)?;
    let assignments = store::evaluation::assignments_of(conn, &row.id)?;
    Ok(EvaluationDetail {
        evidence,
        assignments,
        profile: ctx.profile.id.clone(),
        project_name: ctx.project_name,
        target: ctx.target,
        result,
        re_evaluations,
        rectifications,
        row,
    })
}

pub(crate) fn load(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
) -> Result<(EvaluationRow, EvaluationStatus, jixiao_rules::review::Actor)> {
    let row = store::evaluation::get(conn, id)?.ok_or(ApiError::NotFound)?;
    let a = match (caller.role, caller.org.as_deref()) {
        (Role::Assessor, Some(org)) => {
            jixiao_rules::review::Actor::Assessor { assigned: store::evaluation::is_assigned(conn, id, org)? }
        }
        _ => stage::actor(caller, &row.department_code),
    };
    if !lifecycle::can_read(a) {
        return Err(ApiError::NotFound);
    }
    let status = status_of(&row)?;
    Ok((row, status, a))
}

/// An evaluation the caller may read.
pub fn get(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<EvaluationRow> {
    Ok(load(conn, caller, id)?.0)
}

fn refuse_closed(conn: &mut AnyConnection, year: i32) -> Result<()> {
    if store::evaluation::closed(conn, year)?.is_some() {
        return Err(ApiError::Conflict(year_closed(year)));
    }
    Ok(())
}

/// Why nothing changes in a closed year.
fn year_closed(year: i32) -> crate::error::Text {
    text!("{year} 年度自评已关闭", "the self-evaluations of {year} are closed")
}

/// Creates the self-evaluation of an approved target (its department), prefilled: a project
/// (单位自评 of 项目支出) or the department as a whole (部门整体支出), which work the same.
pub fn create(
    conn: &mut AnyConnection,
    caller: &Caller,
    target_id: &str,
    profiles: &Profiles,
) -> Result<EvaluationRow> {
    let target = store::targets::get(conn, target_id)?.ok_or(ApiError::NotFound)?;
    let a = stage::actor(caller, &target.department_code);
    if matches!(
        a,
        jixiao_rules::review::Actor::Department { own: false } | jixiao_rules::review::Actor::Assessor { .. }
    ) {
        return Err(ApiError::NotFound);
    }
    lifecycle::apply(a, None, EvaluationAction::Create).map_err(stage::lifecycle_error)?;
    let year = target
        .fiscal_year
        .ok_or_else(|| ApiError::Conflict(text!("该绩效目标没有填写年度", "the target has no fiscal year")))?;
    if !store::monitoring::is_approved(conn, target_id, year)? {
        return Err(ApiError::Conflict(text!(
            "只有已批复的绩效目标才能开展自评",
            "only approved targets are self-evaluated"
        )));
    }
    refuse_closed(conn, year)?;
    if store::evaluation::of_target(conn, target_id)?.is_some() {
        return Err(ApiError::Conflict(text!("该绩效目标已有自评表", "this target already has a self-evaluation")));
    }
    let ctx = mon::context(conn, target_id, year, 1, profiles)?;
    let doc = prefill(conn, &ctx, target_id, year)?;
    let text = Value::Object(doc.clone()).to_string();
    let id = uuid::Uuid::now_v7().to_string();
    let now = store::now();
    let mut row = EvaluationRow {
        etag: etag(&id, 1, EvaluationStatus::Draft, &text),
        id,
        target_id: target_id.to_owned(),
        department_code: target.department_code.clone(),
        fiscal_year: year,
        status: EvaluationStatus::Draft.as_str().into(),
        document: text,
        result: String::new(),
        total: None,
        grade: None,
        error_count: 0,
        opinion: None,
        zero_reason: None,
        version: 1,
        created_at: now,
        updated_at: now,
        created_by: caller.name.clone(),
        submitted_at: None,
        decided_at: None,
        decided_by: None,
    };
    derive(&mut row, &ctx, &doc)?;
    conn.transaction::<_, ApiError, _>(|c| {
        store::evaluation::insert(c, &row)?;
        stage::audit(
            c,
            &row.id,
            caller,
            EvaluationAction::Create.as_str(),
            None,
            Some(&row.etag),
            json!({ "target_id": target_id }),
        )
    })?;
    Ok(row)
}

/// Fills the derived columns (result, total, grade, errors) from a document.
fn derive(row: &mut EvaluationRow, ctx: &mon::Context, doc: &Map<String, Value>) -> Result<()> {
    let r = score(ctx, doc, Locale::ZhCn);
    row.result = serde_json::to_string(&r).map_err(ApiError::internal)?;
    row.total = r.total.map(Money);
    row.grade = r.grade.map(grade_name);
    row.error_count =
        i32::try_from(r.violations.iter().filter(|v| v.severity == Severity::Error).count()).unwrap_or(i32::MAX);
    Ok(())
}

pub(crate) fn write(c: &mut AnyConnection, old_etag: &str, row: &EvaluationRow) -> Result<()> {
    if store::evaluation::update(c, old_etag, row)? {
        Ok(())
    } else {
        let current = store::evaluation::get(c, &row.id)?.map(|r| r.etag).unwrap_or_default();
        Err(ApiError::stale(&current))
    }
}

pub(crate) fn bump(row: &mut EvaluationRow, status: EvaluationStatus) {
    row.version += 1;
    row.status = status.as_str().into();
    row.updated_at = store::now();
    row.etag = etag(&row.id, row.version, status, &row.document);
}

/// Replaces the document of a draft or returned self-evaluation (its department; `If-Match`).
pub fn update(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    if_match: &[String],
    doc: &Map<String, Value>,
    profiles: &Profiles,
) -> Result<EvaluationRow> {
    let (old, status, a) = load(conn, caller, id)?;
    let next = lifecycle::apply(a, Some(status), EvaluationAction::Edit).map_err(stage::lifecycle_error)?;
    stage::check_etag(&old.etag, if_match)?;
    let ctx = mon::context(conn, &old.target_id, old.fiscal_year, 1, profiles)?;
    let mut row = old.clone();
    row.document = Value::Object(doc.clone()).to_string();
    derive(&mut row, &ctx, doc)?;
    bump(&mut row, next);
    conn.transaction::<_, ApiError, _>(|c| {
        write(c, &old.etag, &row)?;
        stage::audit(
            c,
            &row.id,
            caller,
            EvaluationAction::Edit.as_str(),
            Some(&old.etag),
            Some(&row.etag),
            json!({ "version": row.version, "total": row.total.map(|m| m.0.to_string()) }),
        )
    })?;
    Ok(row)
}

/// Submits a self-evaluation to finance: 422 with the violations while errors remain.
pub fn submit(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    if_match: &[String],
    locale: Locale,
    profiles: &Profiles,
) -> Result<EvaluationRow> {
    let (old, status, a) = load(conn, caller, id)?;
    let next = lifecycle::apply(a, Some(status), EvaluationAction::Submit).map_err(stage::lifecycle_error)?;
    stage::check_etag(&old.etag, if_match)?;
    refuse_closed(conn, old.fiscal_year)?;
    let ctx = mon::context(conn, &old.target_id, old.fiscal_year, 1, profiles)?;
    let doc = parse_object(&old.document).map_err(ApiError::internal)?;
    let mut row = old.clone();
    derive(&mut row, &ctx, &doc)?;
    if row.error_count > 0 {
        return Err(ApiError::Violations {
            detail: text!(
                "自评表还有 {} 处错误，请修改后再提交",
                "the self-evaluation has {} error(s); fix them before submitting",
                row.error_count
            ),
            violations: score(&ctx, &doc, locale).violations,
        });
    }
    bump(&mut row, next);
    row.submitted_at = Some(row.updated_at);
    conn.transaction::<_, ApiError, _>(|c| {
        write(c, &old.etag, &row)?;
        stage::audit(
            c,
            &row.id,
            caller,
            EvaluationAction::Submit.as_str(),
            Some(&old.etag),
            Some(&row.etag),
            json!({ "total": row.total.map(|m| m.0.to_string()), "grade": row.grade }),
        )
    })?;
    Ok(row)
}

/// Files (备案) or returns a submitted self-evaluation (finance; `If-Match`).
pub fn decide(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    if_match: &[String],
    file: bool,
    opinion: Option<&str>,
) -> Result<EvaluationRow> {
    let (old, status, a) = load(conn, caller, id)?;
    let action = if file { EvaluationAction::File } else { EvaluationAction::Return };
    let next = lifecycle::apply(a, Some(status), action).map_err(stage::lifecycle_error)?;
    stage::check_etag(&old.etag, if_match)?;
    let opinion = opinion.map(str::trim).filter(|o| !o.is_empty());
    if !file && opinion.is_none() {
        return Err(ApiError::InvalidBody(vec![crate::error::FieldError::new(
            "/opinion",
            "required",
            text!("退回自评表须填写审核意见", "an opinion is required to return a self-evaluation"),
        )]));
    }
    let mut row = old.clone();
    bump(&mut row, next);
    row.opinion = opinion.map(str::to_owned).or(row.opinion);
    row.decided_at = Some(row.updated_at);
    row.decided_by = Some(caller.name.clone());
    conn.transaction::<_, ApiError, _>(|c| {
        write(c, &old.etag, &row)?;
        stage::audit(
            c,
            &row.id,
            caller,
            action.as_str(),
            Some(&old.etag),
            Some(&row.etag),
            json!({ "opinion": opinion }),
        )
    })?;
    Ok(row)
}

/// Re-evaluates (复评) a filed self-evaluation (finance, or the third-party assessor it is
/// assigned to): the document (with the assessor's overrides and their reasons) is scored
/// under the target's profile; 422 while errors remain.
pub fn re_evaluate(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    doc: &Map<String, Value>,
    reason: &str,
    locale: Locale,
    profiles: &Profiles,
) -> Result<EvaluationRow> {
    let (row, status, a) = load(conn, caller, id)?;
    lifecycle::apply(a, Some(status), EvaluationAction::ReEvaluate).map_err(stage::lifecycle_error)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ApiError::InvalidBody(vec![crate::error::FieldError::new(
            "/reason",
            "required",
            text!("请填写复评意见", "a reason is required"),
        )]));
    }
    let ctx = mon::context(conn, &row.target_id, row.fiscal_year, 1, profiles)?;
    let r = score(&ctx, doc, locale);
    let (Some(total), Some(grade)) = (r.total, r.grade) else {
        return Err(ApiError::Violations {
            detail: text!("复评还有错误，请先修改", "the re-evaluation has errors; fix them first"),
            violations: r.violations,
        });
    };
    let stored = serde_json::to_string(&score(&ctx, doc, Locale::ZhCn)).map_err(ApiError::internal)?;
    let text = Value::Object(doc.clone()).to_string();
    conn.transaction::<_, ApiError, _>(|c| {
        store::evaluation::append_re_evaluation(
            c,
            &row.id,
            &text,
            &stored,
            Money(total),
            &grade_name(grade),
            reason,
            (&caller.name, caller.role.as_str(), caller.org.as_deref()),
            store::now(),
        )?;
        stage::audit(
            c,
            &row.id,
            caller,
            EvaluationAction::ReEvaluate.as_str(),
            None,
            None,
            json!({ "total": total.to_string(), "grade": grade, "reason": reason, "organisation": caller.org }),
        )
    })?;
    Ok(row)
}

/// Raises a rectification task (problem, requirement, deadline) on a filed or zero-scored
/// self-evaluation (finance).
pub fn rectify(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    problem: &str,
    requirement: &str,
    due: &str,
) -> Result<store::monitoring::RectificationRow> {
    let (row, status, a) = load(conn, caller, id)?;
    lifecycle::apply(a, Some(status), EvaluationAction::Rectify).map_err(stage::lifecycle_error)?;
    crate::service::rectifications::raise(
        conn,
        caller,
        crate::service::rectifications::Source::Evaluation(&row.id),
        &row.target_id,
        &row.department_code,
        Some(problem),
        requirement,
        due,
    )
}

/// What closing a year did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CloseOutcome {
    /// The year.
    pub fiscal_year: i32,
    /// The year was already closed (nothing changed now).
    pub already_closed: bool,
    /// Targets scored 0 now.
    pub zero_scored: Vec<String>,
}

/// Closes a year's self-evaluations (finance): every approved target (project or department
/// as a whole) without a filed self-evaluation scores 0 (差, 未按要求开展绩效自评). One
/// audited action; a second call changes nothing. Refused (409) while the year's deadline,
/// when one is set, has not passed.
pub fn close_year(conn: &mut AnyConnection, caller: &Caller, year: i32) -> Result<CloseOutcome> {
    if caller.role != Role::Finance {
        return Err(ApiError::Forbidden(text!(
            "只有财政局可以关闭年度自评",
            "only finance closes a year's self-evaluations"
        )));
    }
    conn.transaction::<_, ApiError, _>(|c| {
        if store::evaluation::closed(c, year)?.is_some() {
            return Ok(CloseOutcome { fiscal_year: year, already_closed: true, zero_scored: Vec::new() });
        }
        if let Some((deadline, ..)) = store::evaluation::deadline(c, year)?
            && !stage::is_past(&deadline)
        {
            return Err(ApiError::Conflict(text!(
                "{year} 年度自评截止日期为 {deadline}，截止日期过后才能关闭年度自评",
                "the self-evaluation deadline of {year} is {deadline}: the year closes after it has passed"
            )));
        }
        let existing: HashMap<String, EvaluationRow> =
            store::evaluation::of_year(c, year)?.into_iter().map(|e| (e.target_id.clone(), e)).collect();
        let now = store::now();
        let mut zero = Vec::new();
        for t in store::monitoring::approved_targets(c, year)? {
            let current = existing.get(&t.id);
            let status = current.map(status_of).transpose()?;
            if status.is_some_and(EvaluationStatus::is_final) {
                continue;
            }
            lifecycle::apply(jixiao_rules::review::Actor::Finance, status, EvaluationAction::CloseYear)
                .map_err(stage::lifecycle_error)?;
            let mut row = match current {
                Some(r) => r.clone(),
                None => {
                    let id = uuid::Uuid::now_v7().to_string();
                    EvaluationRow {
                        etag: String::new(),
                        id,
                        target_id: t.id.clone(),
                        department_code: t.department_code.clone(),
                        fiscal_year: year,
                        status: String::new(),
                        document: "{}".into(),
                        result: "null".into(),
                        total: None,
                        grade: None,
                        error_count: 0,
                        opinion: None,
                        zero_reason: None,
                        version: 0,
                        created_at: now,
                        updated_at: now,
                        created_by: caller.name.clone(),
                        submitted_at: None,
                        decided_at: None,
                        decided_by: None,
                    }
                }
            };
            let old_etag = row.etag.clone();
            bump(&mut row, EvaluationStatus::ZeroScored);
            row.total = Some(Money(Decimal::ZERO));
            row.grade = Some(grade_name(Grade::Poor));
            row.zero_reason = Some(ZERO_REASON.into());
            row.decided_at = Some(now);
            row.decided_by = Some(caller.name.clone());
            if current.is_some() {
                write(c, &old_etag, &row)?;
            } else {
                store::evaluation::insert(c, &row)?;
            }
            stage::audit(
                c,
                &row.id,
                caller,
                EvaluationAction::CloseYear.as_str(),
                None,
                Some(&row.etag),
                json!({ "target_id": t.id, "reason": ZERO_REASON }),
            )?;
            zero.push(t.id.clone());
        }
        store::evaluation::close(c, year, &caller.name, now)?;
        stage::audit(
            c,
            &format!("year-{year}"),
            caller,
            "evaluation.close_year",
            None,
            None,
            json!({ "fiscal_year": year, "zero_scored": zero.len() }),
        )?;
        Ok(CloseOutcome { fiscal_year: year, already_closed: false, zero_scored: zero })
    })
}

/// A zero-scored target.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ZeroScore {
    /// Target id.
    pub target_id: String,
    /// Department code.
    pub department_code: String,
    /// Department name.
    pub department_name: Option<String>,
    /// Project name.
    pub project_name: Option<String>,
    /// Why.
    pub reason: String,
}

/// Final grades of a year.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct GradeCounts {
    /// 优.
    pub excellent: i64,
    /// 良.
    pub good: i64,
    /// 中.
    pub fair: i64,
    /// 差.
    pub poor: i64,
}

/// Next year's recommended budget of one target (结果应用).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BudgetLine {
    /// Target id.
    pub target_id: String,
    /// Department code.
    pub department_code: String,
    /// Project name.
    pub project_name: Option<String>,
    /// This year's annual total (万元).
    #[schema(value_type = String)]
    pub annual_total: Decimal,
    /// The final score (the re-evaluation when there is one).
    #[schema(value_type = String)]
    pub final_score: Decimal,
    /// The final grade.
    pub grade: Grade,
    /// Scored 0 for a missing self-evaluation.
    pub zero_score: bool,
    /// The score comes from finance's re-evaluation.
    pub re_evaluated: bool,
    /// The adjustment applied.
    #[schema(value_type = String)]
    pub adjustment: Decimal,
    /// Next year's recommended amount (万元), by FORMATS §7.
    #[schema(value_type = String)]
    pub recommended: Decimal,
    /// The amount finance set instead, if it did (万元).
    #[schema(value_type = Option<String>)]
    pub decided: Option<Decimal>,
    /// Why finance's amount differs.
    pub decision_reason: Option<String>,
    /// The amount for next year's budget: finance's when set, else the recommendation.
    #[schema(value_type = String)]
    pub next_year: Decimal,
}

/// The year's evaluation summary for the December report (FORMATS §7).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Summary {
    /// Fiscal year.
    pub fiscal_year: i32,
    /// The year's self-evaluations are closed.
    pub closed: bool,
    /// The year's self-evaluation deadline (YYYY-MM-DD), when finance set one.
    pub deadline: Option<String>,
    /// Approved targets of the year (projects and departments as a whole).
    pub approved_targets: i64,
    /// Targets with a final score (filed, re-evaluated or zero).
    pub evaluated: i64,
    /// Final grades.
    pub grades: GradeCounts,
    /// The zero-score list.
    pub zero_scores: Vec<ZeroScore>,
    /// Σ annual_total of the evaluated targets (万元).
    #[schema(value_type = String)]
    pub evaluated_spending: Decimal,
    /// Σ next year's recommended amounts (万元).
    #[schema(value_type = String)]
    pub recommended_total: Decimal,
    /// recommended − evaluated spending (万元; negative: cuts).
    #[schema(value_type = String)]
    pub recommended_change: Decimal,
    /// Σ next year's amounts, finance's where it set one (万元).
    #[schema(value_type = String)]
    pub next_year_total: Decimal,
    /// Per target, by target id.
    pub recommendations: Vec<BudgetLine>,
    /// The year's monitoring coverage.
    pub monitoring: Coverage,
}

/// The summary of a year (finance).
pub fn summary(conn: &mut AnyConnection, caller: &Caller, year: i32, profiles: &Profiles) -> Result<Summary> {
    stage::require_finance(caller)?;
    let monitoring = mon::coverage(conn, caller, year, None)?;
    let approved = store::monitoring::approved_targets(conn, year)?;
    let approved_map: HashMap<&str, &store::monitoring::ApprovedTargetRow> =
        approved.iter().map(|t| (t.id.as_str(), t)).collect();
    let evaluations = store::evaluation::of_year(conn, year)?;
    let ids: Vec<String> = evaluations.iter().map(|e| e.id.clone()).collect();
    let latest: HashMap<String, ReEvaluationRow> = store::evaluation::latest_re_evaluations(conn, &ids)?
        .into_iter()
        .map(|r| (r.evaluation_id.clone(), r))
        .collect();
    let names = stage::department_names(conn)?;
    let decisions: HashMap<String, store::evaluation::BudgetDecisionRow> =
        store::evaluation::budget_decisions_of(conn, year)?.into_iter().map(|d| (d.target_id.clone(), d)).collect();
    let mut next_year_total = Decimal::ZERO;
    let mut grades = GradeCounts::default();
    let mut zero_scores = Vec::new();
    let mut lines = BTreeMap::new();
    let (mut spending, mut recommended_total) = (Decimal::ZERO, Decimal::ZERO);
    for e in &evaluations {
        let status = status_of(e)?;
        if !status.is_final() {
            continue;
        }
        let Some(t) = approved_map.get(e.target_id.as_str()) else { continue };
        let zero = status == EvaluationStatus::ZeroScored;
        let re = latest.get(&e.id);
        let (score, grade) = final_of(e, re);
        let Some(grade) = grade else { continue };
        match grade {
            Grade::Excellent => grades.excellent += 1,
            Grade::Good => grades.good += 1,
            Grade::Fair => grades.fair += 1,
            Grade::Poor => grades.poor += 1,
        }
        let annual = t.annual_total.map(|m| m.0).unwrap_or_default();
        let profile = profiles.resolve(Some(&t.profile))?;
        let rec = jixiao_rules::recommend(annual, grade, zero, &profile)
            .ok_or_else(|| ApiError::internal(std::io::Error::other("recommendation overflow")))?;
        spending += annual;
        recommended_total += rec.amount;
        let decision = decisions.get(&e.target_id);
        let next_year = decision.map_or(rec.amount, |d| d.amount.0);
        next_year_total += next_year;
        if zero {
            zero_scores.push(ZeroScore {
                target_id: e.target_id.clone(),
                department_code: e.department_code.clone(),
                department_name: names.get(&e.department_code).cloned(),
                project_name: t.project_name.clone(),
                reason: e.zero_reason.clone().unwrap_or_else(|| ZERO_REASON.into()),
            });
        }
        lines.insert(
            e.target_id.clone(),
            BudgetLine {
                target_id: e.target_id.clone(),
                department_code: e.department_code.clone(),
                project_name: t.project_name.clone(),
                annual_total: annual,
                final_score: score,
                grade,
                zero_score: zero,
                re_evaluated: re.is_some(),
                adjustment: rec.adjustment,
                recommended: rec.amount,
                decided: decision.map(|d| d.amount.0),
                decision_reason: decision.map(|d| d.reason.clone()),
                next_year,
            },
        );
    }
    let evaluated = i64::try_from(lines.len()).unwrap_or(i64::MAX);
    Ok(Summary {
        fiscal_year: year,
        closed: store::evaluation::closed(conn, year)?.is_some(),
        deadline: store::evaluation::deadline(conn, year)?.map(|d| d.0),
        approved_targets: i64::try_from(approved.len()).unwrap_or(i64::MAX),
        evaluated,
        grades,
        zero_scores,
        evaluated_spending: spending,
        recommended_total,
        recommended_change: recommended_total - spending,
        next_year_total,
        recommendations: lines.into_values().collect(),
        monitoring,
    })
}

/// Sets finance's own amount for next year's budget of a target with a final score, with a
/// reason (the recommendation stays beside it). Amounts follow the amount rule of FORMATS §3.
pub fn decide_budget(
    conn: &mut AnyConnection,
    caller: &Caller,
    year: i32,
    target_id: &str,
    amount: &str,
    reason: &str,
) -> Result<()> {
    if caller.role != Role::Finance {
        return Err(ApiError::Forbidden(text!(
            "只有财政局可以确定下一年度预算",
            "only finance sets next year's budget"
        )));
    }
    let invalid = |path: &str, keyword: &str, message: crate::error::Text| {
        ApiError::InvalidBody(vec![crate::error::FieldError::new(path, keyword, message)])
    };
    let Some(amount) =
        jixiao_rules::values::Amount::parse(amount).filter(|a| a.value() <= Decimal::new(999_999_999_999_999, 0))
    else {
        return Err(invalid(
            "/amount",
            "pattern",
            text!(
                "金额须为不超过两位小数的非负数字字符串（万元）",
                "the amount must be a string of digits with at most 2 decimals (10k yuan)"
            ),
        ));
    };
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(invalid("/reason", "required", text!("请填写调整理由", "a reason is required")));
    }
    let evaluation =
        store::evaluation::of_target(conn, target_id)?.filter(|e| e.fiscal_year == year).ok_or(ApiError::NotFound)?;
    if !status_of(&evaluation)?.is_final() {
        return Err(ApiError::Conflict(text!(
            "绩效目标有最终得分后才能确定下一年度预算",
            "next year's budget is set once the target has a final score"
        )));
    }
    let row = store::evaluation::BudgetDecisionRow {
        target_id: target_id.to_owned(),
        fiscal_year: year,
        amount: Money(amount.value()),
        reason: reason.to_owned(),
        decided_by: caller.name.clone(),
        decided_at: store::now(),
    };
    conn.transaction::<_, ApiError, _>(|c| {
        store::evaluation::put_budget_decision(c, &row)?;
        stage::audit(
            c,
            &evaluation.id,
            caller,
            "results.budget",
            None,
            None,
            json!({ "target_id": target_id, "amount": amount.to_string(), "reason": reason }),
        )
    })
}

/// A page of self-evaluations (a department: its own; an assessor: those assigned to it).
pub fn list(
    conn: &mut AnyConnection,
    caller: &Caller,
    year: Option<i32>,
    status: Option<&str>,
    cursor: Option<&str>,
    limit: i64,
) -> Result<(Vec<EvaluationRow>, Option<String>)> {
    use store::evaluation::Scope;
    let deps = stage::scope(caller);
    let scope = match (caller.role, caller.org.as_deref(), deps.as_deref()) {
        (Role::Assessor, Some(org), _) => Scope::Assigned(org),
        (Role::Assessor, None, _) => Scope::Departments(&[]),
        (_, _, Some(d)) => Scope::Departments(d),
        (_, _, None) => Scope::All,
    };
    let rows = store::evaluation::page(conn, year, scope, status, cursor, limit + 1)?;
    Ok(stage::page(rows, limit, |r| r.id.clone()))
}

/// A published result (非涉密、全公开): a non-classified target's final score and grade.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicResult {
    /// Target id.
    pub target_id: String,
    /// Fiscal year.
    pub fiscal_year: i32,
    /// Department code.
    pub department_code: String,
    /// Department name.
    pub department_name: Option<String>,
    /// Project name.
    pub project_name: Option<String>,
    /// 年度资金总额 (万元).
    #[schema(value_type = Option<String>)]
    pub annual_total: Option<Decimal>,
    /// The final score (the re-evaluation when there is one).
    #[schema(value_type = String)]
    pub final_score: Decimal,
    /// The final grade.
    pub grade: Option<Grade>,
    /// Scored 0: no self-evaluation was filed.
    pub zero_score: bool,
}

/// A page of published results (anyone): final scores of non-classified targets, by id.
/// Nothing of the documents, the report text or the evidence is published.
pub fn public_results(
    conn: &mut AnyConnection,
    year: Option<i32>,
    cursor: Option<&str>,
    limit: i64,
) -> Result<(Vec<PublicResult>, Option<String>)> {
    let rows = store::evaluation::public_page(conn, year, cursor, limit + 1)?;
    let (rows, next) = stage::page(rows, limit, |r| r.id.clone());
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let latest: HashMap<String, ReEvaluationRow> = store::evaluation::latest_re_evaluations(conn, &ids)?
        .into_iter()
        .map(|r| (r.evaluation_id.clone(), r))
        .collect();
    let target_ids: Vec<String> = rows.iter().map(|r| r.target_id.clone()).collect();
    let targets: HashMap<String, store::monitoring::ApprovedTargetRow> =
        store::monitoring::target_rows(conn, &target_ids)?.into_iter().map(|t| (t.id.clone(), t)).collect();
    let names = stage::department_names(conn)?;
    let mut items = Vec::with_capacity(rows.len());
    for e in rows {
        let (final_score, grade) = final_of(&e, latest.get(&e.id));
        let t = targets.get(&e.target_id);
        items.push(PublicResult {
            department_name: names.get(&e.department_code).cloned(),
            project_name: t.and_then(|t| t.project_name.clone()),
            annual_total: t.and_then(|t| t.annual_total).map(|m| m.0),
            final_score,
            grade,
            zero_score: e.status == EvaluationStatus::ZeroScored.as_str(),
            target_id: e.target_id,
            fiscal_year: e.fiscal_year,
            department_code: e.department_code,
        });
    }
    Ok((items, next))
}

/// Assigns a filed self-evaluation to a third-party assessor organisation for re-evaluation
/// (finance). Assigning it again to the same organisation is refused (409).
pub fn assign(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    organisation: &str,
) -> Result<store::evaluation::EvaluationAssignmentRow> {
    let (row, status, a) = load(conn, caller, id)?;
    lifecycle::apply(a, Some(status), EvaluationAction::Assign).map_err(stage::lifecycle_error)?;
    let organisation = organisation.trim();
    if organisation.is_empty() || organisation.chars().count() > 100 {
        return Err(ApiError::InvalidBody(vec![crate::error::FieldError::new(
            "/organisation",
            "required",
            text!("请填写第三方评价机构名称（1–100 字）", "the assessor organisation, 1–100 characters"),
        )]));
    }
    if store::evaluation::is_assigned(conn, id, organisation)? {
        return Err(ApiError::Conflict(text!(
            "该自评表已委托给{organisation}复评",
            "this self-evaluation is already assigned to {organisation}"
        )));
    }
    let assignment = store::evaluation::EvaluationAssignmentRow {
        id: uuid::Uuid::now_v7().to_string(),
        evaluation_id: row.id.clone(),
        organisation: organisation.to_owned(),
        assigned_by: caller.name.clone(),
        at: store::now(),
    };
    conn.transaction::<_, ApiError, _>(|c| {
        store::evaluation::insert_assignment(c, &assignment)?;
        stage::audit(
            c,
            &row.id,
            caller,
            EvaluationAction::Assign.as_str(),
            None,
            None,
            json!({ "assignment_id": assignment.id, "organisation": organisation }),
        )
    })?;
    Ok(assignment)
}

/// Sets (or moves) a year's self-evaluation deadline (finance), `YYYY-MM-DD`. A closed year's
/// deadline no longer changes (409).
pub fn set_deadline(conn: &mut AnyConnection, caller: &Caller, year: i32, deadline: &str) -> Result<String> {
    if caller.role != Role::Finance {
        return Err(ApiError::Forbidden(text!(
            "只有财政局可以设置自评截止日期",
            "only finance sets the self-evaluation deadline"
        )));
    }
    let Some(date) = jixiao_rules::values::Date::parse(deadline.trim()) else {
        return Err(ApiError::InvalidBody(vec![crate::error::FieldError::new(
            "/deadline",
            "format",
            text!("截止日期须为 YYYY-MM-DD 格式的日期", "the deadline is a date, YYYY-MM-DD"),
        )]));
    };
    let date = date.to_string();
    conn.transaction::<_, ApiError, _>(|c| {
        if store::evaluation::closed(c, year)?.is_some() {
            return Err(ApiError::Conflict(year_closed(year)));
        }
        store::evaluation::set_deadline(c, year, &date, &caller.name, store::now())?;
        stage::audit(
            c,
            &format!("year-{year}"),
            caller,
            "evaluation.deadline",
            None,
            None,
            json!({ "fiscal_year": year, "deadline": date }),
        )
    })?;
    Ok(date)
}
