//! Indicator suggestions from a department's own history: the indicators of its approved
//! targets of earlier years that match what the user types (the common-indicator library
//! itself runs offline in the browser, from the rules crate).

use jixiao_rules::PastIndicator;

use crate::auth::{Caller, Role};
use crate::db::AnyConnection;
use crate::error::ApiError;
use crate::store;
use crate::text;

/// How many approved targets are read for one call (a department files ~10 a year: this is
/// several years' worth, and bounds the work of any call).
pub const TARGETS_READ: i64 = 200;

/// What the caller asked for, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SuggestionQuery {
    /// Typed text (normalized by the rules; empty = the most recent indicators).
    pub q: String,
    /// Only this level 1.
    pub level1: Option<String>,
    /// Only this level 2.
    pub level2: Option<String>,
    /// Only targets of years before this one.
    pub before_year: Option<i32>,
    /// `department` (finance and admin: one department, else all; a department always gets
    /// its own).
    pub department: Option<String>,
    /// 1–50.
    pub limit: usize,
}

/// The department's past indicators for `query`, best first.
pub fn past_indicators(
    conn: &mut AnyConnection,
    caller: &Caller,
    query: &SuggestionQuery,
) -> Result<Vec<PastIndicator>, ApiError> {
    let department = match caller.role {
        Role::Department => match (&caller.department, &query.department) {
            (Some(own), Some(asked)) if own != asked => {
                return Err(ApiError::Forbidden(text!(
                    "部门用户只能查看本部门的历史指标",
                    "a department sees only its own past indicators"
                )));
            }
            (Some(own), _) => own.clone(),
            (None, _) => return Err(ApiError::Forbidden(text!("令牌未绑定部门", "the token names no department"))),
        },
        // The bureau sees every department's history unless it names one.
        Role::Finance | Role::Admin => query.department.clone().unwrap_or_default(),
        Role::Assessor => {
            return Err(ApiError::Forbidden(text!(
                "评审机构不使用指标建议",
                "assessors do not declare targets, so they get no suggestions"
            )));
        }
    };
    let department = Some(department).filter(|d| !d.is_empty());
    let rows = store::targets::approved_documents(conn, department.as_deref(), query.before_year, TARGETS_READ)?;
    let docs: Vec<(Option<i32>, serde_json::Map<String, serde_json::Value>)> =
        rows.into_iter().filter_map(|(y, text)| jixiao_rules::parse_object(&text).ok().map(|d| (y, d))).collect();
    Ok(jixiao_rules::past_indicators(
        docs.iter().map(|(y, d)| (*y, d)),
        &query.q,
        query.level1.as_deref(),
        query.level2.as_deref(),
        query.limit,
    ))
}
