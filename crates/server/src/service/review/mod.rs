//! The review service: loads a target and its review state, asks the state machine of
//! `jixiao_rules::review` whether the caller may take the action, and stores the result
//! (status, review state, snapshot, decision, assignment or opinion) together with an
//! audit row in one transaction. No rule is decided here.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::Connection;
use jixiao_rules::review::{
    self, Action, ActionKind, Actor, AssessorOpinion, BudgetOutcome, Lifecycle, OpinionInput, ReviewDecision,
    ReviewError, ReviewInput, Status,
};
use jixiao_rules::values::Amount;
use jixiao_rules::{Locale, Violation};
use serde_json::{Map, Value, json};

pub mod views;

use crate::auth::{Caller, Role};
use crate::db::{AnyConnection, Money};
use crate::domain;
use crate::error::{ApiError, FieldError, Text};
use crate::store;
use crate::store::review::{AssignmentRow, NewVersion, OpinionRow, ReviewRow, StateRow, VersionRow};
use crate::store::targets::{TargetFilter, TargetRow, TargetSummaryRow};
use crate::text;
pub use views::{
    AssignmentDetail, AssignmentRequest, AssignmentView, AuditView, ChangesView, Dossier, OpinionView, PublicListing,
    PublicTarget, ReviewListParams, ReviewListing, ReviewResult, ReviewTarget, ReviewView, TargetStatusCounts,
    VersionView,
};

type Result<T> = std::result::Result<T, ApiError>;

fn internal(what: &str) -> ApiError {
    ApiError::internal(std::io::Error::other(what.to_owned()))
}

fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::now_v7().simple())
}

fn to_u32(v: i32) -> Result<u32> {
    u32::try_from(v).map_err(|_| internal("negative revision stored"))
}

fn to_i32(v: u32) -> Result<i32> {
    i32::try_from(v).map_err(|_| internal("revision out of range"))
}

/// The caller as the state machine sees it, relative to one target.
pub fn actor_for(conn: &mut AnyConnection, caller: &Caller, row: &TargetRow) -> Result<Actor> {
    Ok(match caller.role {
        Role::Department => {
            Actor::Department { own: caller.department.as_deref() == Some(row.department_code.as_str()) }
        }
        Role::Finance => Actor::Finance,
        Role::Admin => Actor::Admin,
        Role::Assessor => Actor::Assessor {
            assigned: match caller.org.as_deref() {
                Some(org) => store::review::is_assigned(conn, &row.id, org)?,
                None => false,
            },
        },
    })
}

/// The stored target and its review state (a target never submitted has none: a new draft).
/// Every write to a target (here and in `service::targets`) asks this state of the rules'
/// lifecycle first.
pub(crate) fn load(conn: &mut AnyConnection, id: &str) -> Result<(TargetRow, Lifecycle)> {
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(ApiError::NotFound);
    }
    // The target row and its review state are written in one transaction, but read here in
    // two statements: a decision committed in between would pair an old row with a new
    // state. Every state write also moves the target's ETag, so the pair is consistent
    // when the ETag is unchanged after the state is read (otherwise read again).
    for _ in 0..LOAD_ATTEMPTS {
        let row = store::targets::get(conn, id)?.ok_or(ApiError::NotFound)?;
        let state = store::review::get_state(conn, id)?;
        let again = store::targets::get(conn, id)?.ok_or(ApiError::NotFound)?;
        if again.etag == row.etag {
            let lc = lifecycle_of(&row, state.as_ref())?;
            return Ok((row, lc));
        }
    }
    Err(ApiError::Conflict(text!(
        "该绩效目标正被他人同时修改，请稍后再试",
        "the target is being changed concurrently; try again"
    )))
}

/// How often [`load`] reads again while concurrent writes move the target.
const LOAD_ATTEMPTS: usize = 5;

fn lifecycle_of(row: &TargetSummaryRow, st: Option<&StateRow>) -> Result<Lifecycle> {
    let status = Status::parse(&row.status).ok_or_else(|| internal("unknown stored status"))?;
    let restored = match st {
        None => Lifecycle::restore(status, 1, None, false),
        Some(s) => Lifecycle::restore(
            status,
            to_u32(s.revision)?,
            s.in_force_revision.map(to_u32).transpose()?,
            s.budget_excluded,
        ),
    };
    restored.map_err(ApiError::internal)
}

/// Loads a target the caller may read, else 401/404 (ids of others never leak).
fn load_readable(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<(TargetRow, Lifecycle, Actor)> {
    let (row, lc) = load(conn, id)?;
    let actor = actor_for(conn, caller, &row)?;
    if !actor.can_read() {
        return Err(ApiError::NotFound);
    }
    Ok((row, lc, actor))
}

/// The review view of a target (its header: a list row, or a stored row through `Deref`).
fn view(row: &TargetSummaryRow, lc: &Lifecycle, last_review: Option<ReviewView>) -> Result<ReviewTarget> {
    Ok(ReviewTarget {
        id: row.id.clone(),
        department_code: row.department_code.clone(),
        department_name: None,
        fiscal_year: row.fiscal_year,
        project_name: row.project_name.clone(),
        annual_total: row.annual_total.map(|m| m.0.to_string()),
        profile: row.profile.clone(),
        status: lc.status(),
        revision: to_i32(lc.version())?,
        in_force_revision: lc.in_force().map(to_i32).transpose()?,
        adjustment: lc.is_adjustment(),
        budget_excluded: lc.budget_excluded(),
        classified: row.classified,
        valid: row.valid,
        error_count: row.error_count,
        etag: crate::domain::quoted(&row.etag),
        updated_at: row.updated_at.and_utc(),
        last_review,
    })
}

fn review_view(r: &ReviewRow) -> Result<ReviewView> {
    let decision = serde_json::from_value(Value::String(r.decision.clone())).map_err(ApiError::internal)?;
    let grade = serde_json::from_value(Value::String(r.grade.clone())).map_err(ApiError::internal)?;
    let criteria = match serde_json::from_str::<Value>(&r.criteria).map_err(ApiError::internal)? {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    Ok(ReviewView {
        id: r.id.clone(),
        target_id: r.target_id.clone(),
        revision: r.revision,
        decision,
        grade,
        criteria,
        opinion: r.opinion.clone(),
        approved_amount: r.approved_amount.map(|m| m.0.to_string()),
        outcome: r.outcome.clone(),
        reviewer: r.reviewer.clone(),
        at: r.at.and_utc(),
    })
}

fn document_of(row: &TargetRow) -> Result<Map<String, Value>> {
    jixiao_rules::parse_object(&row.document).map_err(|e| ApiError::internal(std::io::Error::other(e.to_string())))
}

/// The profile the target was declared under (built-in or uploaded; never a silent default).
fn profile_of(conn: &mut AnyConnection, row: &TargetRow) -> Result<crate::service::profiles::ProfileRef> {
    crate::service::profiles::stored(conn, &row.profile)
}

fn check_if_match(row: &TargetRow, tags: Option<&[String]>) -> Result<()> {
    match tags {
        Some(tags) if !tags.contains(&row.etag) => Err(ApiError::stale(&row.etag)),
        _ => Ok(()),
    }
}

/// Writes the new status of `row` (new ETag, version + 1) and the review state, in the
/// caller's transaction. Returns the updated target row.
fn write_state(
    conn: &mut AnyConnection,
    row: &TargetRow,
    to: &Lifecycle,
    at: chrono::NaiveDateTime,
) -> Result<TargetRow> {
    let status = to.status();
    let version = row.version + 1;
    let etag = domain::etag(&row.id, version, status, &row.document);
    if !store::targets::update_status(conn, &row.id, &row.etag, status.as_str(), &etag, version, at)? {
        let current = store::targets::get(conn, &row.id)?.ok_or(ApiError::NotFound)?;
        return Err(ApiError::stale(&current.etag));
    }
    store::review::put_state(
        conn,
        &StateRow {
            target_id: row.id.clone(),
            revision: to_i32(to.version())?,
            in_force_revision: to.in_force().map(to_i32).transpose()?,
            budget_excluded: to.budget_excluded(),
            updated_at: at,
        },
    )?;
    store::targets::get(conn, &row.id)?.ok_or_else(|| ApiError::NotFound)
}

fn snapshot<'a>(
    row: &'a TargetRow,
    revision: i32,
    kind: &'a str,
    etag: &'a str,
    amount: Option<Money>,
    at: chrono::NaiveDateTime,
) -> NewVersion<'a> {
    NewVersion {
        target_id: &row.id,
        revision,
        kind,
        department_code: &row.department_code,
        fiscal_year: row.fiscal_year,
        project_name: row.project_name.as_deref(),
        profile: &row.profile,
        classified: row.classified,
        document: &row.document,
        etag,
        approved_amount: amount,
        at,
    }
}

/// The audit row of a review action (the one helper of every stage).
#[allow(clippy::too_many_arguments)]
fn audit(
    conn: &mut AnyConnection,
    caller: &Caller,
    target_id: &str,
    action: &str,
    at: chrono::NaiveDateTime,
    old_etag: Option<&str>,
    new_etag: Option<&str>,
    detail: Value,
) -> Result<()> {
    crate::service::stage::audit_at(conn, target_id, caller, action, at, old_etag, new_etag, detail)
}

fn refused(e: ReviewError) -> ApiError {
    ApiError::from_review(e, Vec::new())
}

// ---------------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------------

/// Submits a draft or returned target (department).
pub fn submit(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    if_match: Option<&[String]>,
    locale: Locale,
) -> Result<ReviewTarget> {
    let (row, lc) = load(conn, id)?;
    let actor = actor_for(conn, caller, &row)?;
    review::authorize(actor, ActionKind::Submit).map_err(refused)?;
    check_if_match(&row, if_match)?;
    let doc = document_of(&row)?;
    let report = jixiao_rules::check(&doc, &*profile_of(conn, &row)?, locale);
    let t = lc
        .apply(actor, Action::Submit { violations: &report.violations })
        .map_err(|e| ApiError::from_review(e, report.violations.clone()))?;
    let at = store::now();
    conn.transaction::<_, ApiError, _>(|c| {
        let updated = write_state(c, &row, &t.to, at)?;
        store::review::append_version(
            c,
            &snapshot(&updated, to_i32(t.to.version())?, "submitted", &updated.etag, None, at),
        )?;
        audit(
            c,
            caller,
            &row.id,
            "submit",
            at,
            Some(&row.etag),
            Some(&updated.etag),
            json!({ "revision": t.to.version(), "warnings": report.violations.len() }),
        )?;
        let last = store::review::reviews_of(c, &row.id)?.last().map(review_view).transpose()?;
        view(&updated, &t.to, last)
    })
}

/// Records finance's decision.
pub fn review(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    body: Value,
    // Refusals carry both languages and render in the request's (negotiated) one.
    _locale: Locale,
) -> Result<ReviewResult> {
    let (row, lc) = load(conn, id)?;
    let actor = actor_for(conn, caller, &row)?;
    review::authorize(actor, ActionKind::Approve).map_err(refused)?;
    let input: ReviewInput = crate::body::parse(body)?;
    let requested = row.annual_total.and_then(|m| Amount::from_decimal(m.0));
    let decision = ReviewDecision::parse(input, requested).map_err(refused)?;
    let t = lc.apply(actor, Action::Review(&decision)).map_err(refused)?;
    let at = store::now();
    let (outcome, amount) = match decision.outcome() {
        BudgetOutcome::Included { amount } => ("included", Some(Money(amount))),
        BudgetOutcome::Resubmit => ("resubmit", None),
        BudgetOutcome::Excluded => ("excluded", None),
    };
    let criteria = serde_json::to_string(decision.criteria()).map_err(ApiError::internal)?;
    let rev = ReviewRow {
        id: new_id("rev"),
        target_id: row.id.clone(),
        revision: to_i32(lc.version())?,
        decision: json_name(&decision.decision())?,
        grade: json_name(&decision.grade())?,
        criteria,
        opinion: decision.opinion().map(str::to_owned),
        approved_amount: amount,
        outcome: outcome.into(),
        reviewer: caller.name.clone(),
        at,
    };
    conn.transaction::<_, ApiError, _>(|c| {
        let updated = write_state(c, &row, &t.to, at)?;
        store::review::append_review(c, &rev)?;
        if amount.is_some() {
            store::review::append_version(c, &snapshot(&updated, rev.revision, "approved", &updated.etag, amount, at))?;
        }
        audit(
            c,
            caller,
            &row.id,
            "review",
            at,
            Some(&row.etag),
            Some(&updated.etag),
            json!({
                "review_id": rev.id, "revision": rev.revision, "decision": rev.decision, "grade": rev.grade,
                "outcome": outcome, "opinion": rev.opinion, "approved_amount": amount.map(|m| m.0.to_string()),
            }),
        )?;
        let review = review_view(&rev)?;
        Ok(ReviewResult { target: view(&updated, &t.to, Some(review.clone()))?, review })
    })
}

fn json_name<T: serde::Serialize>(v: &T) -> Result<String> {
    match serde_json::to_value(v).map_err(ApiError::internal)? {
        Value::String(s) => Ok(s),
        _ => Err(internal("enum did not serialize as a string")),
    }
}

/// Starts an adjustment of an approved target (department).
pub fn adjust(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    if_match: Option<&[String]>,
    // Refusals carry both languages and render in the request's (negotiated) one.
    _locale: Locale,
) -> Result<ReviewTarget> {
    let (row, lc) = load(conn, id)?;
    let actor = actor_for(conn, caller, &row)?;
    review::authorize(actor, ActionKind::Adjust).map_err(refused)?;
    check_if_match(&row, if_match)?;
    let t = lc.apply(actor, Action::Adjust).map_err(refused)?;
    let at = store::now();
    conn.transaction::<_, ApiError, _>(|c| {
        let updated = write_state(c, &row, &t.to, at)?;
        audit(
            c,
            caller,
            &row.id,
            "adjust",
            at,
            Some(&row.etag),
            Some(&updated.etag),
            json!({ "revision": t.to.version(), "in_force_revision": t.to.in_force() }),
        )?;
        let last = store::review::reviews_of(c, &row.id)?.last().map(review_view).transpose()?;
        view(&updated, &t.to, last)
    })
}

/// Assigns submitted targets to a third-party assessor organisation (finance). All or
/// nothing; a target already assigned to that organisation keeps its assignment.
pub fn assign(conn: &mut AnyConnection, caller: &Caller, body: Value, locale: Locale) -> Result<Vec<AssignmentView>> {
    if caller.role != Role::Finance {
        return Err(ApiError::Forbidden(Text::of(|l| ReviewError::Forbidden.message(l))));
    }
    let req: AssignmentRequest = crate::body::parse(body)?;
    if NaiveDate::parse_from_str(&req.due, "%Y-%m-%d").is_err() {
        let due = &req.due;
        return Err(ApiError::InvalidBody(vec![FieldError::new(
            "/due",
            "format",
            text!("完成期限“{due}”不是 YYYY-MM-DD 格式的日期", "`{due}` is not a date (YYYY-MM-DD)"),
        )]));
    }
    let org = req.organisation.trim().to_owned();
    let at = store::now();
    // Idempotent under concurrency too: when a parallel identical request inserted the same
    // assignment first (unique key), the whole step runs once more and returns that one.
    match assign_once(conn, caller, &req, &org, at, locale) {
        Err(ApiError::RaceLost) => assign_once(conn, caller, &req, &org, at, locale),
        other => other,
    }
}

fn assign_once(
    conn: &mut AnyConnection,
    caller: &Caller,
    req: &AssignmentRequest,
    org: &str,
    at: chrono::NaiveDateTime,
    // Refusals carry both languages and render in the request's (negotiated) one.
    _locale: Locale,
) -> Result<Vec<AssignmentView>> {
    let org = org.to_owned();
    conn.transaction::<_, ApiError, _>(|c| {
        let mut out = Vec::with_capacity(req.target_ids.len());
        for id in &req.target_ids {
            let (row, lc) = load(c, id)?;
            let actor = actor_for(c, caller, &row)?;
            let t = lc.apply(actor, Action::Assign).map_err(refused)?;
            let a = match store::review::assignment_of(c, &row.id, &org)? {
                Some(existing) => existing,
                None => {
                    let a = AssignmentRow {
                        id: new_id("asg"),
                        target_id: row.id.clone(),
                        organisation: org.clone(),
                        due: req.due.clone(),
                        assigned_by: caller.name.clone(),
                        at,
                    };
                    store::review::append_assignment(c, &a)?;
                    audit(
                        c,
                        caller,
                        &row.id,
                        "assign",
                        at,
                        Some(&row.etag),
                        Some(&row.etag),
                        json!({ "assignment_id": a.id, "organisation": org, "due": a.due, "revision": t.to.version() }),
                    )?;
                    a
                }
            };
            let opinions = store::review::opinions_for_assignments(c, std::slice::from_ref(&a.id))?.len();
            out.push(assignment_view(&a, opinions, Some(view(&row, &lc, None)?)));
        }
        Ok(out)
    })
}

fn assignment_view(a: &AssignmentRow, opinion_count: usize, target: Option<ReviewTarget>) -> AssignmentView {
    AssignmentView {
        id: a.id.clone(),
        target_id: a.target_id.clone(),
        organisation: a.organisation.clone(),
        due: a.due.clone(),
        assigned_by: a.assigned_by.clone(),
        at: a.at.and_utc(),
        opinion_count: u64::try_from(opinion_count).unwrap_or(u64::MAX),
        target,
    }
}

fn opinion_view(o: &OpinionRow) -> Result<OpinionView> {
    let body: Value = serde_json::from_str(&o.body).map_err(ApiError::internal)?;
    Ok(OpinionView {
        id: o.id.clone(),
        target_id: o.target_id.clone(),
        assignment_id: o.assignment_id.clone(),
        organisation: o.organisation.clone(),
        revision: o.revision,
        criteria: body.get("criteria").cloned().unwrap_or(Value::Array(Vec::new())),
        findings: body
            .get("findings")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|f| f.as_str().map(str::to_owned)).collect())
            .unwrap_or_default(),
        recommendation: o.recommendation.clone(),
        average: o.average.0.to_string(),
        author: o.author.clone(),
        at: o.at.and_utc(),
    })
}

/// Posts a third-party opinion on a submitted target (the assigned assessor).
pub fn opinion(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    body: Value,
    // Refusals carry both languages and render in the request's (negotiated) one.
    _locale: Locale,
) -> Result<OpinionView> {
    let (row, lc) = load(conn, id)?;
    let actor = actor_for(conn, caller, &row)?;
    review::authorize(actor, ActionKind::Opinion).map_err(refused)?;
    let input: OpinionInput = crate::body::parse(body)?;
    let parsed = AssessorOpinion::parse(input).map_err(refused)?;
    let t = lc.apply(actor, Action::Opinion).map_err(refused)?;
    let org = caller.org.clone().ok_or(ApiError::NotFound)?;
    let assignment = store::review::assignment_of(conn, &row.id, &org)?.ok_or(ApiError::NotFound)?;
    let at = store::now();
    let o = OpinionRow {
        id: new_id("opn"),
        assignment_id: assignment.id.clone(),
        target_id: row.id.clone(),
        organisation: org.clone(),
        revision: to_i32(t.to.version())?,
        recommendation: json_name(&parsed.recommendation())?,
        average: Money(parsed.average()),
        body: serde_json::to_string(&parsed).map_err(ApiError::internal)?,
        author: caller.name.clone(),
        at,
    };
    conn.transaction::<_, ApiError, _>(|c| {
        store::review::append_opinion(c, &o)?;
        audit(
            c,
            caller,
            &row.id,
            "opinion",
            at,
            Some(&row.etag),
            Some(&row.etag),
            json!({ "opinion_id": o.id, "organisation": org, "recommendation": o.recommendation,
                    "average": o.average.0.to_string(), "revision": o.revision }),
        )?;
        Ok(())
    })?;
    opinion_view(&o)
}

// ---------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------

/// The review listing with counts (finance/admin: all; department: its own).
pub fn review_listing(conn: &mut AnyConnection, caller: &Caller, q: &ReviewListParams) -> Result<ReviewListing> {
    let departments = match caller.role {
        Role::Finance | Role::Admin => q.department.clone().map(|d| vec![d]),
        Role::Department => {
            let own = caller.department.clone().ok_or(ApiError::NotFound)?;
            if q.department.as_ref().is_some_and(|d| *d != own) { Some(Vec::new()) } else { Some(vec![own]) }
        }
        Role::Assessor => {
            return Err(ApiError::Forbidden(text!(
                "第三方评价机构请在 /api/v1/assignments 查看委托给本机构的任务",
                "assessors list their assignments at /api/v1/assignments"
            )));
        }
    };
    let (cursor, limit) = crate::api::paging(q.cursor.clone(), q.limit)?;
    let filter = TargetFilter {
        fiscal_year: crate::api::fiscal_year(q.fiscal_year)?,
        departments,
        status: q.status.map(|s| s.as_str().to_owned()),
        ids: None,
        q: crate::api::search(q.q.clone())?,
    };
    let (sort, order) = crate::api::sorting(q.sort, q.order);
    let mut counts = TargetStatusCounts::default();
    for (status, n) in store::targets::status_counts(conn, &filter)? {
        let n = u64::try_from(n).unwrap_or_default();
        match status.as_str() {
            "draft" => counts.draft = n,
            "submitted" => counts.submitted = n,
            "returned" => counts.returned = n,
            "approved" => counts.approved = n,
            _ => {}
        }
    }
    let rows = store::targets::list_sorted(conn, &filter, sort, order, cursor.as_deref(), limit + 1)?;
    let (rows, next_cursor) = crate::service::stage::page(rows, limit, |r| r.id.clone());
    let names = store::departments::names_of(conn, rows.iter().map(|r| r.department_code.clone()).collect())?;
    let wanted: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let states: HashMap<String, StateRow> =
        store::review::states_of(conn, &wanted)?.into_iter().map(|s| (s.target_id.clone(), s)).collect();
    let mut last: HashMap<String, ReviewRow> = HashMap::new();
    for r in store::review::reviews_of_many(conn, &wanted)? {
        last.insert(r.target_id.clone(), r);
    }
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        let lc = lifecycle_of(row, states.get(&row.id))?;
        let lr = last.get(&row.id).map(review_view).transpose()?;
        let mut item = view(row, &lc, lr)?;
        item.department_name = names.get(&row.department_code).cloned();
        items.push(item);
    }
    Ok(ReviewListing { counts, items, next_cursor })
}

/// The snapshot submitted for the version last returned, with the time of the return.
fn last_returned(conn: &mut AnyConnection, id: &str) -> Result<Option<(ReviewRow, VersionRow)>> {
    let Some(ret) = store::review::reviews_of(conn, id)?.into_iter().rev().find(|r| r.decision == "return") else {
        return Ok(None);
    };
    let snap = store::review::versions(conn, id)?
        .into_iter()
        .rev()
        .find(|v| v.kind == "submitted" && v.revision == ret.revision && v.at <= ret.at);
    Ok(snap.map(|s| (ret, s)))
}

fn changes_of(conn: &mut AnyConnection, row: &TargetRow) -> Result<Option<ChangesView>> {
    let Some((ret, snap)) = last_returned(conn, &row.id)? else { return Ok(None) };
    let old: Value = serde_json::from_str(&snap.document).map_err(ApiError::internal)?;
    let new: Value = serde_json::from_str(&row.document).map_err(ApiError::internal)?;
    Ok(Some(ChangesView { since_revision: ret.revision, since: ret.at.and_utc(), changes: review::diff(&old, &new) }))
}

/// The audit trail as this reader may see it: the same policy as the data the events
/// describe — third-party assignments and opinions only for those who read opinions
/// (finance, administrators; never the department, whose `GET …/opinions` is 403).
fn audit_views(conn: &mut AnyConnection, id: &str, actor: Actor, caller: &Caller) -> Result<Vec<AuditView>> {
    let third_party = opinion_scope(actor, caller);
    store::audit::list_for_target(conn, id)?
        .into_iter()
        .filter(|e| {
            let about_assessors = matches!(e.action.as_str(), "assign" | "opinion");
            match (&third_party, about_assessors) {
                (_, false) | (Some(None), true) => true,
                (None, true) => false,
                (Some(Some(org)), true) => serde_json::from_str::<Value>(&e.detail)
                    .ok()
                    .and_then(|d| d.get("organisation").and_then(Value::as_str).map(|o| o == org))
                    .unwrap_or(false),
            }
        })
        .map(|e| {
            Ok(AuditView {
                id: e.id,
                actor: e.actor,
                role: e.role,
                action: e.action,
                at: e.at.and_utc(),
                old_etag: e.old_etag,
                new_etag: e.new_etag,
                detail: serde_json::from_str(&e.detail).unwrap_or(Value::Null),
            })
        })
        .collect()
}

/// Whether this reader sees finance's decisions and the audit trail (not assessors).
fn sees_decisions(actor: Actor) -> bool {
    matches!(actor, Actor::Department { own: true } | Actor::Finance | Actor::Admin)
}

/// The organisation whose opinions and assignments this reader sees: `Some(None)` = all,
/// `Some(Some(org))` = one, `None` = none (departments).
fn opinion_scope(actor: Actor, caller: &Caller) -> Option<Option<String>> {
    match actor {
        Actor::Finance | Actor::Admin => Some(None),
        Actor::Assessor { assigned: true } => Some(caller.org.clone()),
        _ => None,
    }
}

/// The dossier of one target.
pub fn dossier(conn: &mut AnyConnection, caller: &Caller, id: &str, locale: Locale) -> Result<Dossier> {
    let (row, lc, actor) = load_readable(conn, caller, id)?;
    let document = document_of(&row)?;
    let violations: Vec<Violation> = jixiao_rules::check(&document, &*profile_of(conn, &row)?, locale).violations;
    let decisions = store::review::reviews_of(conn, id)?;
    let (reviews, history, changes) = if sees_decisions(actor) {
        (
            decisions.iter().map(review_view).collect::<Result<Vec<_>>>()?,
            audit_views(conn, id, actor, caller)?,
            changes_of(conn, &row)?,
        )
    } else {
        (Vec::new(), Vec::new(), None)
    };
    let (opinions, assignments) = match opinion_scope(actor, caller) {
        None => (Vec::new(), Vec::new()),
        Some(org) => {
            let ops = store::review::opinions_of(conn, id, org.as_deref())?;
            let asg: Vec<AssignmentRow> = store::review::assignments_of(conn, id)?
                .into_iter()
                .filter(|a| org.as_deref().is_none_or(|o| a.organisation == o))
                .collect();
            let asg = asg
                .iter()
                .map(|a| assignment_view(a, ops.iter().filter(|o| o.assignment_id == a.id).count(), None))
                .collect();
            (ops.iter().map(opinion_view).collect::<Result<Vec<_>>>()?, asg)
        }
    };
    let last = if sees_decisions(actor) { decisions.last().map(review_view).transpose()? } else { None };
    Ok(Dossier {
        target: view(&row, &lc, last)?,
        document,
        violations,
        changes,
        reviews,
        opinions,
        assignments,
        history,
    })
}

fn require_decisions(actor: Actor) -> Result<()> {
    if sees_decisions(actor) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(text!(
            "第三方评价机构只能查看委托任务，不能查看审核档案",
            "assessors read their assignments, not the review file"
        )))
    }
}

/// The audit trail of a target.
pub fn history(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<Vec<AuditView>> {
    let (_, _, actor) = load_readable(conn, caller, id)?;
    require_decisions(actor)?;
    audit_views(conn, id, actor, caller)
}

/// The snapshots of a target.
pub fn versions(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<Vec<VersionView>> {
    let (_, _, actor) = load_readable(conn, caller, id)?;
    require_decisions(actor)?;
    store::review::versions(conn, id)?
        .into_iter()
        .map(|v| {
            let document = match serde_json::from_str::<Value>(&v.document).map_err(ApiError::internal)? {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            Ok(VersionView {
                id: v.id,
                revision: v.revision,
                kind: v.kind,
                etag: crate::domain::quoted(&v.etag),
                approved_amount: v.approved_amount.map(|m| m.0.to_string()),
                at: v.at.and_utc(),
                document,
            })
        })
        .collect()
}

/// The changes since the last return.
pub fn changes(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<Option<ChangesView>> {
    let (row, _, actor) = load_readable(conn, caller, id)?;
    require_decisions(actor)?;
    changes_of(conn, &row)
}

/// Finance's decisions on a target.
pub fn reviews(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<Vec<ReviewView>> {
    let (_, _, actor) = load_readable(conn, caller, id)?;
    require_decisions(actor)?;
    store::review::reviews_of(conn, id)?.iter().map(review_view).collect()
}

/// Assignments: finance/admin all, an assessor its organisation's; departments 403.
pub fn assignments(
    conn: &mut AnyConnection,
    caller: &Caller,
    cursor: Option<&str>,
    limit: i64,
) -> Result<(Vec<AssignmentView>, Option<String>)> {
    let org = match caller.role {
        Role::Finance | Role::Admin => None,
        Role::Assessor => Some(caller.org.clone().ok_or(ApiError::NotFound)?),
        Role::Department => {
            return Err(ApiError::Forbidden(text!("部门没有第三方审核任务", "departments have no assignments")));
        }
    };
    // One row more than the page tells whether there is a next one.
    let mut rows = store::review::assignments_page(conn, org.as_deref(), cursor, limit + 1)?;
    let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let ids: Vec<String> = rows.iter().map(|a| a.id.clone()).collect();
    let ops = store::review::opinions_for_assignments(conn, &ids)?;
    let mut target_ids: Vec<String> = rows.iter().map(|a| a.target_id.clone()).collect();
    target_ids.sort_unstable();
    target_ids.dedup();
    let targets: HashMap<String, TargetRow> =
        store::targets::get_many(conn, &target_ids)?.into_iter().map(|t| (t.id.clone(), t)).collect();
    let states: HashMap<String, StateRow> =
        store::review::states_of(conn, &target_ids)?.into_iter().map(|s| (s.target_id.clone(), s)).collect();
    let mut out = Vec::with_capacity(rows.len());
    for a in &rows {
        let target = match targets.get(&a.target_id) {
            Some(row) => Some(view(row, &lifecycle_of(row, states.get(&row.id))?, None)?),
            None => None,
        };
        out.push(assignment_view(a, ops.iter().filter(|o| o.assignment_id == a.id).count(), target));
    }
    let next = if more { rows.last().map(|a| a.id.clone()) } else { None };
    Ok((out, next))
}

/// One assignment with its target's document (finance/admin, or the assessor it names).
pub fn assignment(conn: &mut AnyConnection, caller: &Caller, id: &str, locale: Locale) -> Result<AssignmentDetail> {
    let a = store::review::assignment(conn, id)?.ok_or(ApiError::NotFound)?;
    let visible = match caller.role {
        Role::Finance | Role::Admin => true,
        Role::Assessor => caller.org.as_deref() == Some(a.organisation.as_str()),
        Role::Department => false,
    };
    if !visible {
        return Err(ApiError::NotFound);
    }
    let (row, lc) = load(conn, &a.target_id)?;
    let document = document_of(&row)?;
    let violations = jixiao_rules::check(&document, &*profile_of(conn, &row)?, locale).violations;
    let ops = store::review::opinions_for_assignments(conn, std::slice::from_ref(&a.id))?;
    Ok(AssignmentDetail {
        assignment: assignment_view(&a, ops.len(), None),
        target: view(&row, &lc, None)?,
        document,
        violations,
        opinions: ops.iter().map(opinion_view).collect::<Result<Vec<_>>>()?,
    })
}

/// Opinions on a target: finance/admin all, the assigned assessor its own; departments 403.
pub fn opinions(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<Vec<OpinionView>> {
    let (_, _, actor) = load_readable(conn, caller, id)?;
    match opinion_scope(actor, caller) {
        None => Err(ApiError::Forbidden(text!(
            "第三方评价机构的意见只提交财政局查看",
            "third-party opinions are addressed to finance"
        ))),
        Some(org) => store::review::opinions_of(conn, id, org.as_deref())?.iter().map(opinion_view).collect(),
    }
}

/// The top-level members of a target document that are published.
const PUBLIC_MEMBERS: [&str; 9] =
    ["kind", "fiscal_year", "region", "department", "unit", "project", "funds", "goals", "indicators"];

/// Approved, non-classified targets in force (no login).
pub fn public_listing(conn: &mut AnyConnection, query: &store::review::PublicQuery<'_>) -> Result<PublicListing> {
    let limit = query.limit;
    let snaps =
        store::review::approved_public_page(conn, &store::review::PublicQuery { limit: limit + 1, ..query.clone() })?;
    let (snaps, next_cursor) = crate::service::stage::page(snaps, limit, |s| s.target_id.clone());
    let names = store::departments::names_of(conn, snaps.iter().map(|s| s.department_code.clone()).collect())?;
    let mut items = Vec::with_capacity(snaps.len());
    for s in snaps {
        let full = match serde_json::from_str::<Value>(&s.document).map_err(ApiError::internal)? {
            Value::Object(m) => m,
            _ => continue,
        };
        // The snapshot column says not classified; the document must agree.
        if full.get("classified") == Some(&Value::Bool(true)) {
            continue;
        }
        let document: Map<String, Value> =
            full.into_iter().filter(|(k, _)| PUBLIC_MEMBERS.contains(&k.as_str())).collect();
        items.push(PublicTarget {
            id: s.target_id,
            department_name: names.get(&s.department_code).cloned(),
            fiscal_year: s.fiscal_year,
            department_code: s.department_code,
            project_name: s.project_name,
            profile: s.profile,
            revision: s.revision,
            approved_amount: s.approved_amount.map(|m| m.0.to_string()),
            approved_at: s.at.and_utc(),
            document,
        });
    }
    Ok(PublicListing { items, next_cursor })
}
