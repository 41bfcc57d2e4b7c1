//! Loads the demo data set (`demo::demo_dataset()`) into a database: departments, then
//! one draft target per document, checked by the rules like any other. Idempotent: a
//! database that already holds demo targets is left as it is.

use diesel::Connection;
use jixiao_rules::{Locale, Registry};
use serde_json::json;

use crate::auth::{NewToken, Role, generate_token};
use crate::db::{AnyConnection, Database};
use crate::demo::DemoDataset;
use crate::domain::{self, TargetStatus};
use crate::store;
use crate::store::audit::NewAuditEvent;
use crate::store::targets::TargetRow;

/// `created_by` of demo targets.
pub const DEMO_ACTOR: &str = "demo";

/// What loading did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedReport {
    /// Departments in the data set.
    pub departments: usize,
    /// Targets inserted now (0 when the demo was already loaded).
    pub targets_inserted: usize,
    /// Targets of the data set that have no error-level violation.
    pub targets_valid: usize,
}

/// Why the demo could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// Database failure.
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    /// Query failure.
    #[error("loading the demo data failed")]
    Query(#[from] diesel::result::Error),
    /// A demo document is not a JSON object or lacks a department.
    #[error("demo target {0} is unusable: {1}")]
    Document(usize, String),
    /// Token generation failed.
    #[error(transparent)]
    Token(#[from] crate::auth::TokenError),
}

/// Loads `data` unless demo targets are already present. Blocking.
pub fn load(db: &Database, data: &DemoDataset) -> Result<SeedReport, SeedError> {
    let mut conn = db.conn()?;
    let profile =
        Registry::builtin().default_profile().ok_or_else(|| SeedError::Document(0, "no default profile".into()))?;
    let now = store::now();
    let already = store::targets::count_created_by(&mut conn, DEMO_ACTOR)? > 0;
    let mut rows = Vec::with_capacity(data.targets.len());
    let mut valid_count = 0;
    for (i, value) in data.targets.iter().enumerate() {
        let doc = value.as_object().ok_or_else(|| SeedError::Document(i, "not a JSON object".into()))?;
        let (parsed, report) = jixiao_rules::check_parsed(doc, profile, Locale::ZhCn);
        if report.valid {
            valid_count += 1;
        }
        if already {
            continue;
        }
        let department_code = parsed
            .department
            .as_ref()
            .and_then(|d| d.code.clone())
            .ok_or_else(|| SeedError::Document(i, "no /department/code".into()))?;
        let document = serde_json::Value::Object(doc.clone()).to_string();
        let id = uuid::Uuid::now_v7().to_string();
        let errors = report.violations.iter().filter(|v| v.severity == jixiao_rules::Severity::Error).count();
        rows.push(TargetRow {
            etag: domain::etag(&id, 1, TargetStatus::Draft, &document),
            id,
            department_code,
            fiscal_year: parsed.fiscal_year.map(i32::from),
            status: TargetStatus::Draft.as_str().into(),
            classified: parsed.classified,
            profile: profile.id.clone(),
            project_code: parsed.project.as_ref().and_then(|p| p.code.clone()),
            project_name: parsed.project.as_ref().and_then(|p| p.name.clone()),
            annual_total: parsed.funds.annual_total.map(|a| crate::db::Money(a.value())),
            violations: serde_json::to_string(&report.violations).unwrap_or_else(|_| "[]".into()),
            document,
            valid: report.valid,
            error_count: i32::try_from(errors).unwrap_or(i32::MAX),
            warning_count: i32::try_from(report.violations.len() - errors).unwrap_or(i32::MAX),
            version: 1,
            created_at: now,
            updated_at: now,
            created_by: DEMO_ACTOR.into(),
        });
    }
    let inserted = rows.len();
    conn.transaction::<_, SeedError, _>(|c| {
        for d in &data.departments {
            store::departments::ensure(c, &d.code, &d.name, now)?;
        }
        for row in &rows {
            insert_with_audit(c, row)?;
        }
        Ok(())
    })?;
    Ok(SeedReport { departments: data.departments.len(), targets_inserted: inserted, targets_valid: valid_count })
}

fn insert_with_audit(c: &mut AnyConnection, row: &TargetRow) -> Result<(), diesel::result::Error> {
    store::targets::insert(c, row)?;
    store::audit::append(
        c,
        &NewAuditEvent {
            target_id: &row.id,
            actor: DEMO_ACTOR,
            role: "admin",
            action: "create",
            at: row.created_at,
            old_etag: None,
            new_etag: Some(&row.etag),
            detail: json!({ "version": 1, "profile": row.profile, "valid": row.valid, "demo": true }),
        },
    )
}

/// Demo tokens printed at start: one finance token and one department token.
#[derive(Debug, Clone)]
pub struct DemoTokens {
    /// Finance (财政局).
    pub finance: NewToken,
    /// The first demo department, if the data set has one.
    pub department: Option<NewToken>,
}

/// Creates fresh demo tokens (only hashes are stored, so earlier ones cannot be shown
/// again). Earlier demo tokens stay valid, so a browser that kept one keeps working
/// after a restart; revoke them with `jixiao token revoke` if needed.
pub fn demo_tokens(db: &Database, data: &DemoDataset) -> Result<DemoTokens, SeedError> {
    let mut conn = db.conn()?;
    let finance = generate_token("demo 财政局", Role::Finance, None, None)?;
    let department = match data.departments.first() {
        Some(d) => Some(generate_token(&format!("demo {}", d.name), Role::Department, Some(&d.code), None)?),
        None => None,
    };
    conn.transaction::<_, SeedError, _>(|c| {
        for t in std::iter::once(&finance).chain(department.iter()) {
            store::tokens::insert(c, &t.row)?;
        }
        Ok(())
    })?;
    Ok(DemoTokens { finance, department })
}
