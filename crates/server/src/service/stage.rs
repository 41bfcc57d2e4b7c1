//! What every stage's use cases share (monitoring, evaluation, and the stages to come): the
//! caller as the rules' life cycles see it, the mapping of their refusals to API errors, the
//! caller's department scope, the audit row of an action, paging of a `limit + 1` fetch,
//! department names, and dates. No stage logic lives here.

use std::collections::HashMap;

use jixiao_rules::monitoring::lifecycle::LifecycleError;
use jixiao_rules::review::Actor;
use jixiao_rules::values::Date;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::auth::{Caller, Role};
use crate::db::AnyConnection;
use crate::error::{ApiError, Text};
use crate::store;
use crate::store::audit::NewAuditEvent;
use crate::text;

type Result<T> = std::result::Result<T, ApiError>;

/// The caller as the life cycles sees it, relative to a department's report.
pub(crate) fn actor(caller: &Caller, department: &str) -> Actor {
    match caller.role {
        Role::Department => Actor::Department { own: caller.department.as_deref() == Some(department) },
        Role::Finance => Actor::Finance,
        Role::Admin => Actor::Admin,
        Role::Assessor => Actor::Assessor { assigned: false },
    }
}

pub(crate) fn lifecycle_error(e: LifecycleError) -> ApiError {
    match e {
        LifecycleError::Hidden => ApiError::NotFound,
        LifecycleError::Forbidden(_) => ApiError::Forbidden(Text::of(|l| e.message(l))),
        LifecycleError::WrongState(..) => ApiError::Conflict(Text::of(|l| e.message(l))),
    }
}

pub(crate) fn require_finance(caller: &Caller) -> Result<()> {
    if matches!(caller.role, Role::Finance | Role::Admin) {
        Ok(())
    } else {
        let (who, role) = (caller.role.label_zh(), caller.role);
        Err(ApiError::Forbidden(text!(
            "{who}角色无权查看财政局的监控汇总数据",
            "the {role} role may not read the bureau's monitoring figures"
        )))
    }
}

/// Departments whose monitoring rows the caller sees (`None` = all).
pub(crate) fn scope(caller: &Caller) -> Option<Vec<String>> {
    caller.readable_departments()
}

pub(crate) fn audit(
    c: &mut AnyConnection,
    subject: &str,
    caller: &Caller,
    action: &str,
    old_etag: Option<&str>,
    new_etag: Option<&str>,
    detail: Value,
) -> Result<()> {
    audit_at(c, subject, caller, action, store::now(), old_etag, new_etag, detail)
}

/// The audit row of a caller's action at `at` (the time the write itself stores).
#[allow(clippy::too_many_arguments)]
pub(crate) fn audit_at(
    c: &mut AnyConnection,
    subject: &str,
    caller: &Caller,
    action: &str,
    at: chrono::NaiveDateTime,
    old_etag: Option<&str>,
    new_etag: Option<&str>,
    detail: Value,
) -> Result<()> {
    audit_as(c, subject, (&caller.name, caller.role.as_str()), action, at, old_etag, new_etag, detail)
}

/// The audit row of an action by `(actor, role)`: the one place a use case builds an audit
/// row ([`audit`] and [`audit_at`] for a signed-in caller; sign-in itself, before there is
/// a caller, names the account).
#[allow(clippy::too_many_arguments)]
pub(crate) fn audit_as(
    c: &mut AnyConnection,
    subject: &str,
    (actor, role): (&str, &str),
    action: &str,
    at: chrono::NaiveDateTime,
    old_etag: Option<&str>,
    new_etag: Option<&str>,
    detail: Value,
) -> Result<()> {
    store::audit::append(
        c,
        &NewAuditEvent { target_id: subject, actor, role, action, at, old_etag, new_etag, detail },
    )?;
    Ok(())
}

/// A fiscal year is 2000–2100 (what every document's year may be), else 400. The one check
/// of a year in a path, a query or a body.
pub fn fiscal_year(y: i32) -> Result<i32> {
    if crate::domain::in_fiscal_years(y) {
        Ok(y)
    } else {
        Err(ApiError::InvalidParameter(text!(
            "年度（fiscal_year）须在 2000–2100 之间，收到的是 {y}",
            "fiscal_year must be 2000–2100, got {y}"
        )))
    }
}

/// Today's date (UTC) as the rules' date type.
pub(crate) fn today() -> Option<Date> {
    Date::parse(&chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string())
}

pub(crate) fn is_past(date: &str) -> bool {
    matches!((Date::parse(date), today()), (Some(d), Some(t)) if t > d)
}

/// Splits a `limit + 1` fetch into the page and the next cursor.
pub fn page<T>(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> String) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(key);
        (rows, next)
    } else {
        (rows, None)
    }
}

pub(crate) fn department_names(conn: &mut AnyConnection) -> Result<HashMap<String, String>> {
    Ok(store::departments::list(conn)?.into_iter().map(|d| (d.code, d.name)).collect())
}

/// Rounded to 4 decimals, midpoint away from zero (ratios, rates, coverage).
pub(crate) fn round4(d: Decimal) -> Decimal {
    jixiao_rules::profile::Rounding::MidpointAwayFromZero.round(d, 4)
}

/// `If-Match` must name the stored ETag, else 412 with the current one.
pub(crate) fn check_etag(current: &str, if_match: &[String]) -> Result<()> {
    if if_match.iter().any(|t| t == current) { Ok(()) } else { Err(ApiError::stale(current)) }
}

/// The entity tag of a stage's stored record: id, version, status and document.
pub(crate) fn etag(id: &str, version: i64, status: &str, document: &str) -> String {
    crate::domain::etag_of(&[id.as_bytes(), version.to_string().as_bytes(), status.as_bytes(), document.as_bytes()])
}
