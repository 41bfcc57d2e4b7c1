//! Rectification tasks (整改, 结果应用): raised by finance on a monitoring report (需要整改)
//! or on a self-evaluation (problem, requirement, deadline), closed once with the result; the
//! department sees its own, finance lists the open and overdue ones. The stage that raises a
//! task decides whether it may (its life cycle); this module stores, audits and lists them.

use diesel::Connection;
use jixiao_rules::review::Actor;
use jixiao_rules::values::Date;
use serde_json::json;

use crate::auth::{Caller, Role};
use crate::db::AnyConnection;
use crate::error::{ApiError, FieldError, Text};
use crate::service::stage::{actor, audit, page, scope, today};
use crate::store;
use crate::store::monitoring::RectificationRow;
use crate::text;

type Result<T> = std::result::Result<T, ApiError>;

/// What a task was raised on.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// A monitoring report (its id).
    Report(&'a str),
    /// A self-evaluation (its id).
    Evaluation(&'a str),
}

fn invalid(path: &str, keyword: &str, message: Text) -> ApiError {
    ApiError::InvalidBody(vec![FieldError::new(path, keyword, message)])
}

/// Raises a task (the caller's stage has already decided that finance may).
#[allow(clippy::too_many_arguments)]
pub fn raise(
    conn: &mut AnyConnection,
    caller: &Caller,
    source: Source<'_>,
    target_id: &str,
    department_code: &str,
    problem: Option<&str>,
    requirement: &str,
    due: &str,
) -> Result<RectificationRow> {
    let requirement = requirement.trim();
    if requirement.is_empty() {
        return Err(invalid("/requirement", "required", text!("请填写整改要求", "a requirement is required")));
    }
    if Date::parse(due).is_none() {
        return Err(invalid(
            "/due",
            "format",
            text!("整改期限须为 YYYY-MM-DD 格式的日期", "due must be a date (YYYY-MM-DD)"),
        ));
    }
    let (report_id, evaluation_id, subject) = match source {
        Source::Report(id) => (Some(id.to_owned()), None, id),
        Source::Evaluation(id) => (None, Some(id.to_owned()), id),
    };
    let flag = RectificationRow {
        id: uuid::Uuid::now_v7().to_string(),
        report_id,
        evaluation_id,
        target_id: target_id.to_owned(),
        department_code: department_code.to_owned(),
        problem: problem.map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned),
        requirement: requirement.to_owned(),
        due: due.to_owned(),
        status: "open".into(),
        result: None,
        raised_by: caller.name.clone(),
        raised_at: store::now(),
        resolved_by: None,
        resolved_at: None,
    };
    conn.transaction::<_, ApiError, _>(|c| {
        store::monitoring::insert_rectification(c, &flag)?;
        audit(
            c,
            subject,
            caller,
            "rectification.raise",
            None,
            None,
            json!({ "rectification": flag.id, "problem": flag.problem, "requirement": flag.requirement, "due": flag.due }),
        )
    })?;
    Ok(flag)
}

/// Records the result of an open task (finance); 409 when already done.
pub fn resolve(conn: &mut AnyConnection, caller: &Caller, id: &str, result: &str) -> Result<RectificationRow> {
    let flag = store::monitoring::rectification(conn, id)?.ok_or(ApiError::NotFound)?;
    let a = actor(caller, &flag.department_code);
    if !jixiao_rules::monitoring::lifecycle::can_read(a) {
        return Err(ApiError::NotFound);
    }
    if a != Actor::Finance {
        return Err(ApiError::Forbidden(text!(
            "只有财政局可以登记整改结果",
            "only finance records the result of a rectification"
        )));
    }
    let result = result.trim();
    if result.is_empty() {
        return Err(invalid("/result", "required", text!("请填写整改结果", "a result is required")));
    }
    let subject = flag.report_id.clone().or(flag.evaluation_id.clone()).unwrap_or_else(|| flag.id.clone());
    conn.transaction::<_, ApiError, _>(|c| {
        if !store::monitoring::resolve_rectification(c, id, result, &caller.name, store::now())? {
            return Err(ApiError::Conflict(text!(
                "该整改事项已登记过整改结果",
                "this rectification already has its result"
            )));
        }
        audit(
            c,
            &subject,
            caller,
            "rectification.resolve",
            None,
            None,
            json!({ "rectification": id, "result": result }),
        )
    })?;
    store::monitoring::rectification(conn, id)?.ok_or(ApiError::NotFound)
}

/// A page of tasks (a department: its own); `overdue`: open ones past their deadline.
pub fn list(
    conn: &mut AnyConnection,
    caller: &Caller,
    status: Option<&str>,
    overdue: bool,
    cursor: Option<&str>,
    limit: i64,
) -> Result<(Vec<RectificationRow>, Option<String>)> {
    if caller.role == Role::Assessor {
        return Err(ApiError::Forbidden(text!(
            "第三方评价机构不能查看整改事项",
            "assessors do not see rectification tasks"
        )));
    }
    let deps = scope(caller);
    let today = today().map(|d| d.to_string());
    let (status, due_before) = if overdue { (Some("open"), today.as_deref()) } else { (status, None) };
    let rows = store::monitoring::rectifications_page(conn, deps.as_deref(), status, due_before, cursor, limit + 1)?;
    Ok(page(rows, limit, |r| r.id.clone()))
}
