//! Creating, reading, listing, replacing and deleting targets. Every write re-runs the
//! rules on the server (clients are never trusted), stores the violations with the
//! draft, bumps version and ETag, and appends an audit event in the same transaction.

use diesel::Connection;
use jixiao_rules::review::{Action, Actor, Lifecycle, ReviewError};
use jixiao_rules::{Locale, Profile, Violation, check_parsed};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use crate::auth::{Caller, Role};
use crate::db::{AnyConnection, Money};
use crate::domain::{self, TargetStatus};
use crate::error::ApiError;
use crate::service::profiles::Profiles;
use crate::service::stage::audit_at;
use crate::store;
use crate::store::targets::{DocumentChanges, TargetFilter, TargetRow, TargetSummaryRow};
use crate::text;

/// Largest amount a `NUMERIC(18,2)` column holds; larger (still valid) amounts are
/// kept in the document but not in the `annual_total` column.
fn max_column_amount() -> Decimal {
    Decimal::new(9_999_999_999_999_999, 0) + Decimal::new(99, 2)
}

/// What the rules found in a document, plus the columns derived from it.
struct Checked {
    department_code: Option<String>,
    department_name: Option<String>,
    fiscal_year: Option<i32>,
    classified: bool,
    project_code: Option<String>,
    project_name: Option<String>,
    annual_total: Option<Money>,
    document: String,
    violations: Vec<Violation>,
}

impl Checked {
    fn run(doc: &Map<String, Value>, profile: &Profile) -> Result<Checked, ApiError> {
        // Stored violations use the default locale; responses re-render in the caller's.
        let (parsed, report) = check_parsed(doc, profile, Locale::ZhCn);
        let dept = parsed.department.as_ref();
        let project = parsed.project.as_ref();
        Ok(Checked {
            department_code: dept.and_then(|d| d.code.clone()).filter(|c| !c.trim().is_empty()),
            department_name: dept.and_then(|d| d.name.clone()),
            fiscal_year: parsed.fiscal_year.map(i32::from),
            classified: parsed.classified,
            project_code: project.and_then(|p| p.code.clone()),
            project_name: project.and_then(|p| p.name.clone()),
            annual_total: parsed.funds.annual_total.map(|a| a.value()).filter(|d| *d <= max_column_amount()).map(Money),
            // Serialized from the borrowed map (no deep copy of the document per write).
            document: serde_json::to_string(doc).map_err(ApiError::internal)?,
            violations: report.violations,
        })
    }

    fn counts(&self) -> (bool, i32, i32) {
        let errors = self.violations.iter().filter(|v| v.severity == jixiao_rules::Severity::Error).count();
        let warnings = self.violations.len() - errors;
        (errors == 0, clamp(errors), clamp(warnings))
    }

    fn violations_json(&self) -> Result<String, ApiError> {
        serde_json::to_string(&self.violations).map_err(ApiError::internal)
    }
}

fn clamp(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The violations of a stored target in `locale` (re-rendered with its profile).
pub fn violations_in(row: &TargetRow, locale: Locale, profiles: &Profiles) -> Result<Vec<Violation>, ApiError> {
    if locale == Locale::ZhCn {
        return serde_json::from_str(&row.violations).map_err(ApiError::internal);
    }
    let doc = jixiao_rules::parse_object(&row.document).map_err(ApiError::internal)?;
    // The profile the target was declared under; an unknown one is an error, not the default.
    let profile = profiles.resolve(Some(&row.profile))?;
    Ok(jixiao_rules::check(&doc, &profile, locale).violations)
}

/// Whether `caller` may see `row`. The review work extends this for assessors
/// (assignments); every read path goes through here.
pub fn can_read(conn: &mut AnyConnection, caller: &Caller, row: &TargetRow) -> Result<bool, ApiError> {
    // The rules decide (its department, finance, admin, an assessor it is assigned to).
    Ok(crate::service::review::actor_for(conn, caller, row)?.can_read())
}

/// A target the caller may see, else 404 (never 403: ids of others do not leak).
pub fn get_visible(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<TargetRow, ApiError> {
    let row = store::targets::get(conn, id)?.ok_or(ApiError::NotFound)?;
    if can_read(conn, caller, &row)? { Ok(row) } else { Err(ApiError::NotFound) }
}

/// The caller as the lifecycle sees it when it creates a target of `department` (a new
/// target is assigned to nobody yet).
fn creator(caller: &Caller, department: Option<&str>) -> Actor {
    match caller.role {
        Role::Department => {
            Actor::Department { own: department.is_some() && caller.department.as_deref() == department }
        }
        Role::Finance => Actor::Finance,
        Role::Admin => Actor::Admin,
        Role::Assessor => Actor::Assessor { assigned: false },
    }
}

/// A create, edit or delete refused by the lifecycle, in words for the caller's role.
fn write_refused(caller: &Caller, department: Option<&str>, e: ReviewError) -> ApiError {
    let (who, role) = (caller.role.label_zh(), caller.role);
    match e {
        ReviewError::Forbidden if caller.role == Role::Department => {
            let own = caller.department.as_deref().unwrap_or("-");
            let other = department.unwrap_or("-");
            ApiError::Forbidden(text!(
                "该令牌属于部门 {own}，不能代部门 {other} 申报或修改",
                "this token belongs to department {own}, not {other}"
            ))
        }
        ReviewError::Forbidden => ApiError::Forbidden(text!(
            "{who}角色不能申报或修改绩效目标，绩效目标由部门申报",
            "the {role} role does not create or change targets; departments do"
        )),
        e => ApiError::from_review(e, Vec::new()),
    }
}

/// Creates a draft from a canonical document (201). A draft may still have errors.
pub fn create(
    conn: &mut AnyConnection,
    caller: &Caller,
    doc: &Map<String, Value>,
    profile: &Profile,
) -> Result<TargetRow, ApiError> {
    create_checked(conn, caller, doc, profile).map(|(row, _)| row)
}

/// [`create`], also giving the violations the row stores (zh-CN), so the route answers with
/// them without reading them back from the row's JSON.
pub fn create_checked(
    conn: &mut AnyConnection,
    caller: &Caller,
    doc: &Map<String, Value>,
    profile: &Profile,
) -> Result<(TargetRow, Vec<Violation>), ApiError> {
    let checked = Checked::run(doc, profile)?;
    // The department is the document's, else the caller's own.
    let department = checked.department_code.clone().or_else(|| caller.department.clone());
    Lifecycle::new()
        .apply(creator(caller, department.as_deref()), Action::Create)
        .map_err(|e| write_refused(caller, department.as_deref(), e))?;
    let department_code = match department {
        Some(code) => code,
        None => {
            return Err(ApiError::Violations {
                detail: text!(
                    "保存绩效目标须填写部门代码（/department/code）",
                    "a target needs a department code (/department/code) to be stored"
                ),
                violations: checked.violations.iter().filter(|v| v.path.starts_with("/department")).cloned().collect(),
            });
        }
    };
    let id = uuid::Uuid::now_v7().to_string();
    let now = store::now();
    let (valid, error_count, warning_count) = checked.counts();
    let etag = domain::etag(&id, 1, TargetStatus::Draft, &checked.document);
    let row = TargetRow {
        head: TargetSummaryRow {
            id,
            department_code,
            fiscal_year: checked.fiscal_year,
            status: TargetStatus::Draft.as_str().into(),
            classified: checked.classified,
            profile: profile.id.clone(),
            project_code: checked.project_code.clone(),
            project_name: checked.project_name.clone(),
            annual_total: checked.annual_total,
            valid,
            error_count,
            warning_count,
            etag,
            version: 1,
            created_at: now,
            updated_at: now,
        },
        violations: checked.violations_json()?,
        document: checked.document.clone(),
        created_by: caller.name.clone(),
    };
    conn.transaction::<_, ApiError, _>(|c| {
        store::targets::insert(c, &row)?;
        if let Some(name) = checked.department_name.as_deref().filter(|n| !n.trim().is_empty()) {
            store::departments::ensure(c, &row.department_code, name, now)?;
        }
        audit_at(
            c,
            &row.id,
            caller,
            "create",
            now,
            None,
            Some(&row.etag),
            json!({ "version": 1, "profile": row.profile, "valid": valid, "errors": error_count }),
        )?;
        Ok(())
    })?;
    Ok((row, checked.violations))
}

/// Parses an `If-Match` header value: the listed strong ETags (without quotes). `*` and an
/// empty value are 428 (a writer must name the state it read); weak and malformed tags are
/// left out, so they match nothing.
pub fn parse_if_match(value: &str) -> Result<Vec<String>, ApiError> {
    let mut tags = Vec::new();
    let mut listed = false;
    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if part == "*" {
            return Err(ApiError::PreconditionRequired);
        }
        listed = true;
        // A weak or malformed tag is listed but never matches (RFC 9110 §13.1.1 compares
        // strongly): the write is refused with 412 and the current ETag, like a stale one.
        if let Some(tag) = part.strip_prefix('"').and_then(|p| p.strip_suffix('"')).filter(|t| !t.contains('"')) {
            tags.push(tag.to_owned());
        }
    }
    if !listed {
        return Err(ApiError::PreconditionRequired);
    }
    Ok(tags)
}

/// A stored target the caller may `action` (edit or delete) in its current state, as the
/// rules' lifecycle decides: 404 for a target the caller does not see, 403 for a role that
/// may not, 409 for a state that does not allow it.
fn writable(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    action: Action<'_>,
) -> Result<(TargetRow, Lifecycle), ApiError> {
    let (row, lc) = crate::service::review::load(conn, id)?;
    let actor = crate::service::review::actor_for(conn, caller, &row)?;
    lc.apply(actor, action).map_err(|e| write_refused(caller, Some(&row.department_code), e))?;
    Ok((row, lc))
}

/// Replaces the document of a draft or returned target; `if_match` must name its
/// current ETag. `profile` overrides the stored profile.
pub fn update(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    if_match: &[String],
    doc: &Map<String, Value>,
    profile_id: Option<&str>,
    profiles: &Profiles,
) -> Result<TargetRow, ApiError> {
    let (row, lc) = writable(conn, caller, id, Action::Edit)?;
    let status =
        TargetStatus::parse(&row.status).ok_or_else(|| ApiError::internal(std::io::Error::other("stored status")))?;
    if !if_match.contains(&row.etag) {
        return Err(ApiError::stale(&row.etag));
    }
    let profile = profiles.resolve(Some(profile_id.unwrap_or(&row.profile)))?;
    let checked = Checked::run(doc, &profile)?;
    if let Some(code) = &checked.department_code
        && *code != row.department_code
    {
        let own = &row.department_code;
        return Err(ApiError::Conflict(text!(
            "绩效目标归属部门 {own}，部门代码（/department/code）不能改为 {code}",
            "a target stays with its department ({own}); /department/code cannot change to {code}"
        )));
    }
    // An adjustment (调整) changes an approved target within its budget year: its monitoring
    // reports, evaluation and next year's budget belong to that year (and, on PostgreSQL,
    // to that year's partitions).
    if lc.is_adjustment()
        && let (Some(year), Some(new_year)) = (row.fiscal_year, checked.fiscal_year)
        && new_year != year
    {
        return Err(ApiError::Conflict(text!(
            "已批复的绩效目标属于 {year} 年度，调整时年度（/fiscal_year）不能改为 {new_year}",
            "an approved target belongs to fiscal year {year}; an adjustment cannot change /fiscal_year to {new_year}"
        )));
    }
    let (valid, error_count, warning_count) = checked.counts();
    let version = row.version + 1;
    let now = store::now();
    let etag = domain::etag(&row.id, version, status, &checked.document);
    let changes = DocumentChanges {
        fiscal_year: checked.fiscal_year,
        classified: checked.classified,
        profile: profile.id.clone(),
        project_code: checked.project_code.clone(),
        project_name: checked.project_name.clone(),
        annual_total: checked.annual_total,
        document: checked.document.clone(),
        violations: checked.violations_json()?,
        valid,
        error_count,
        warning_count,
        etag: etag.clone(),
        version,
        updated_at: now,
    };
    conn.transaction::<_, ApiError, _>(|c| {
        if !store::targets::update_document(c, &row.id, &row.etag, &changes)? {
            let current = store::targets::get(c, &row.id)?.ok_or(ApiError::NotFound)?;
            return Err(ApiError::stale(&current.etag));
        }
        audit_at(
            c,
            &row.id,
            caller,
            "update",
            now,
            Some(&row.etag),
            Some(&etag),
            json!({ "version": version, "profile": profile.id, "valid": valid, "errors": error_count }),
        )?;
        Ok(())
    })?;
    store::targets::get(conn, &row.id)?.ok_or(ApiError::NotFound)
}

/// Deletes a draft. `if_match`, when given, must name its current ETag.
pub fn delete(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    if_match: Option<&[String]>,
) -> Result<(), ApiError> {
    // An adjustment (a draft with a version in force) is refused by the lifecycle: the
    // approved version and its history stay.
    let (row, _) = writable(conn, caller, id, Action::Delete)?;
    if let Some(tags) = if_match
        && !tags.contains(&row.etag)
    {
        return Err(ApiError::stale(&row.etag));
    }
    let now = store::now();
    conn.transaction::<_, ApiError, _>(|c| {
        if !store::targets::delete(c, &row.id, &row.etag)? {
            return Err(match store::targets::get(c, &row.id)? {
                Some(current) => ApiError::stale(&current.etag),
                None => ApiError::NotFound,
            });
        }
        audit_at(c, &row.id, caller, "delete", now, Some(&row.etag), None, json!({ "version": row.version }))?;
        Ok(())
    })
}

/// List parameters after validation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    /// `fiscal_year` filter.
    pub fiscal_year: Option<i32>,
    /// `department` filter.
    pub department: Option<String>,
    /// `status` filter.
    pub status: Option<TargetStatus>,
    /// Search text (checked).
    pub q: Option<String>,
    /// Sort key and direction; `None`: newest first.
    pub sort: Option<(crate::store::sort::Sort, crate::store::sort::Order)>,
    /// Opaque cursor from the previous page.
    pub cursor: Option<String>,
    /// Page size.
    pub limit: i64,
}

/// A page of the targets the caller may see, newest first, and the next cursor.
pub fn list(
    conn: &mut AnyConnection,
    caller: &Caller,
    q: &ListQuery,
) -> Result<(Vec<TargetSummaryRow>, Option<String>), ApiError> {
    let departments = match (caller.readable_departments(), &q.department) {
        (None, None) => None,
        (None, Some(d)) => Some(vec![d.clone()]),
        (Some(own), None) => Some(own),
        (Some(own), Some(d)) => Some(own.into_iter().filter(|o| o == d).collect()),
    };
    let filter = TargetFilter {
        fiscal_year: q.fiscal_year,
        departments,
        status: q.status.map(|s| s.as_str().to_owned()),
        ids: None,
        q: q.q.clone(),
    };
    let mut rows = match q.sort {
        None => store::targets::list(conn, &filter, q.cursor.as_deref(), q.limit + 1)?,
        Some((sort, order)) => {
            store::targets::list_sorted(conn, &filter, sort, order, q.cursor.as_deref(), q.limit + 1)?
        }
    };
    let next = if rows.len() as i64 > q.limit {
        rows.truncate(usize::try_from(q.limit).unwrap_or(0));
        rows.last().map(|r| r.id.clone())
    } else {
        None
    };
    Ok((rows, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_needs_quoted_strong_tags() {
        assert_eq!(parse_if_match("\"abc\"").ok(), Some(vec!["abc".to_owned()]));
        assert_eq!(parse_if_match(" \"a\", \"b\" ").ok(), Some(vec!["a".to_owned(), "b".to_owned()]));
        assert!(matches!(parse_if_match("*"), Err(ApiError::PreconditionRequired)));
        assert!(matches!(parse_if_match(""), Err(ApiError::PreconditionRequired)));
        // Weak and malformed tags never match: the caller gets 412 and the current ETag.
        assert_eq!(parse_if_match("abc").ok(), Some(Vec::new()));
        assert_eq!(parse_if_match("W/\"abc\"").ok(), Some(Vec::new()));
        assert_eq!(parse_if_match("W/\"abc\", \"d\"").ok(), Some(vec!["d".to_owned()]));
    }

    #[test]
    fn amounts_beyond_the_column_are_not_stored_in_it() {
        assert!(Decimal::new(1, 0) <= max_column_amount());
        assert_eq!(max_column_amount().to_string(), "9999999999999999.99");
    }
}
