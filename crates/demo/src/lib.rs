//! Loads the demo data set (`demo::demo_dataset()`) into a database: departments, one
//! draft target per document (checked by the rules like any other), then walks a
//! deterministic part of the targets through the review cycle with the same service
//! functions the HTTP routes call (submit, assignment to a third-party assessor, opinion,
//! approval or return with an 88号 grade), so the state, snapshots and audit rows are
//! exactly what the API produces. Targets with mistakes stay drafts (submission refuses
//! them). Also creates the demo tokens. Idempotent: a database that already holds demo
//! targets is left as it is; everything is loaded in one transaction.

use std::collections::HashMap;

use diesel::Connection;
use jixiao_rules::review::{Recommendation, ReviewGrade, Status};
use jixiao_rules::{Locale, Registry};
use serde_json::{Value, json};

use jixiao_server::auth::{Caller, NewToken, Role, generate_token};
use jixiao_server::db::{AnyConnection, Database};

use jixiao_server::error::ApiError;
use jixiao_server::service::review as service;
use jixiao_server::store;
use jixiao_server::store::targets::{TargetFilter, TargetRow};

pub mod dataset;
pub mod evaluation;
pub mod monitoring;

pub use dataset::{DemoDataset, closed_year_dataset, demo_dataset};

/// `created_by` of demo targets.
pub const DEMO_ACTOR: &str = "demo";
/// The third-party assessor organisation of the demo (its token is printed).
pub const DEMO_ASSESSOR_ORG: &str = "新疆某会计师事务所";
/// A second assessor organisation with a few assignments (no token is printed), so that
/// an assessor visibly sees only its own organisation's assignments.
pub const DEMO_OTHER_ORG: &str = "新疆某资产评估有限公司";
/// Due date of the demo assignments to [`DEMO_ASSESSOR_ORG`].
pub const DEMO_ASSESSOR_DUE: &str = "2018-03-30";
/// Due date of the demo assignments to [`DEMO_OTHER_ORG`].
pub const DEMO_OTHER_DUE: &str = "2018-04-13";
/// Token name (audit actor) of the demo finance bureau.
pub const DEMO_FINANCE_NAME: &str = "demo 财政局";

/// What the demo does with one target in the review cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoReview {
    /// The status the target ends in.
    pub status: Status,
    /// Finance's 88号 grade (approved and returned targets).
    pub grade: Option<ReviewGrade>,
    /// A third-party assignment made while the target was submitted, if any.
    pub assessment: Option<DemoAssessment>,
}

/// A third-party assignment of a demo target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoAssessment {
    /// Assessor organisation.
    pub org: &'static str,
    /// Due date (`YYYY-MM-DD`).
    pub due: &'static str,
    /// The opinion the assessor posted, if any.
    pub opinion: Option<Recommendation>,
}

impl DemoReview {
    const DRAFT: DemoReview = DemoReview { status: Status::Draft, grade: None, assessment: None };
}

/// The fates of the valid targets, cycled in data-set order: 16 approved, 4 submitted,
/// 2 returned and 4 drafts of every 26 (≈ 62% / 15% / 8% / 15%). The first two
/// departments (whose tokens are printed) get every status.
const PATTERN: [Status; 26] = {
    use Status::{Approved as A, Draft as D, Returned as R, Submitted as S};
    [A, S, A, R, A, A, D, S, R, A, A, D, A, A, S, A, A, D, A, A, S, A, A, D, A, A]
};

/// Plans the review cycle of the demo: one entry per target. `valid[i]`: target `i` has no
/// error-level violation; `classified[i]`: it is 涉密. Invalid targets stay drafts;
/// classified valid targets are approved and never sent to a third party. Among the
/// approved, every fourth is graded 良 and every eighth had an assessor's opinion first;
/// among the submitted, every second is assigned to [`DEMO_ASSESSOR_ORG`] (every eighth
/// with an opinion already) and a few to [`DEMO_OTHER_ORG`]; the first return is graded
/// 中 (after an assessor recommended revision), the second 差 (not entering the budget),
/// the others 良. Pure and deterministic.
pub fn review_plan(valid: &[bool], classified: &[bool]) -> Vec<DemoReview> {
    let org = |opinion| Some(DemoAssessment { org: DEMO_ASSESSOR_ORG, due: DEMO_ASSESSOR_DUE, opinion });
    let (mut k, mut approved, mut submitted, mut returned) = (0usize, 0usize, 0usize, 0usize);
    let mut plan = Vec::with_capacity(valid.len());
    for (i, &ok) in valid.iter().enumerate() {
        if !ok {
            plan.push(DemoReview::DRAFT);
            continue;
        }
        let secret = classified.get(i).copied().unwrap_or(false);
        let status = if secret { Status::Approved } else { PATTERN[k % PATTERN.len()] };
        k += 1;
        let entry = match status {
            Status::Draft => DemoReview::DRAFT,
            Status::Approved => {
                let j = approved;
                approved += 1;
                let grade = if j % 4 == 3 { ReviewGrade::Good } else { ReviewGrade::Excellent };
                let assessment = if !secret && j % 8 == 1 { org(Some(Recommendation::Approve)) } else { None };
                DemoReview { status, grade: Some(grade), assessment }
            }
            Status::Submitted => {
                let j = submitted;
                submitted += 1;
                let assessment = if j % 2 == 0 {
                    let opinion = match j % 16 {
                        0 => Some(Recommendation::Approve),
                        8 => Some(Recommendation::Revise),
                        _ => None,
                    };
                    org(opinion)
                } else if j % 12 == 5 {
                    Some(DemoAssessment { org: DEMO_OTHER_ORG, due: DEMO_OTHER_DUE, opinion: None })
                } else {
                    None
                };
                DemoReview { status, grade: None, assessment }
            }
            Status::Returned => {
                let j = returned;
                returned += 1;
                let (grade, assessment) = match j {
                    0 => (ReviewGrade::Fair, org(Some(Recommendation::Revise))),
                    1 => (ReviewGrade::Poor, None),
                    _ => (ReviewGrade::Good, None),
                };
                DemoReview { status, grade: Some(grade), assessment }
            }
        };
        plan.push(entry);
    }
    plan
}

/// Counts of the review state of the database after loading.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewCounts {
    /// Drafts.
    pub draft: usize,
    /// Submitted, waiting for finance.
    pub submitted: usize,
    /// Returned.
    pub returned: usize,
    /// Approved.
    pub approved: usize,
    /// Third-party assignments (all organisations).
    pub assignments: usize,
    /// Assignments to [`DEMO_ASSESSOR_ORG`].
    pub assessor_assignments: usize,
    /// Third-party opinions.
    pub opinions: usize,
    /// Targets in the public list.
    pub public: usize,
}

/// What loading did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedReport {
    /// Departments in the data set.
    pub departments: usize,
    /// Targets inserted now (0 when the demo was already loaded).
    pub targets_inserted: usize,
    /// Targets of the data set that have no error-level violation.
    pub targets_valid: usize,
    /// The review state of the database now (after loading, or as an earlier load left it).
    pub review: ReviewCounts,
}

/// Why the demo could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// Database failure.
    #[error(transparent)]
    Db(#[from] jixiao_server::db::DbError),
    /// Query failure.
    #[error("loading the demo data failed")]
    Query(#[from] diesel::result::Error),
    /// A demo document is not a JSON object or lacks a department.
    #[error("demo target {0} is unusable: {1}")]
    Document(usize, String),
    /// Token generation failed.
    #[error(transparent)]
    Token(#[from] jixiao_server::auth::TokenError),
    /// A demo user could not be created.
    #[error("demo user: {0}")]
    User(#[source] ApiError),
    /// The review service refused a step of the demo review cycle.
    #[error("demo target {target}: {step} was refused: {source}")]
    Review {
        /// Index of the target in the data set.
        target: usize,
        /// `submit`, `assign`, `opinion` or `review`.
        step: &'static str,
        /// The service's error.
        #[source]
        source: ApiError,
    },
    /// A monitoring service refused a step of the demo's monitoring rounds.
    #[error("demo monitoring: {step} was refused: {source}")]
    Monitoring {
        /// What the demo was doing.
        step: String,
        /// The service's error.
        #[source]
        source: jixiao_server::error::ApiError,
    },
    /// Reading the public list for the counts failed.
    #[error("counting the published demo targets failed: {0}")]
    Count(#[source] ApiError),
}

/// A stored target, with what the review walk needs.
struct Prepared {
    row: TargetRow,
}

impl Prepared {
    /// `funds.annual_total` as a decimal string (the amount approved).
    fn amount(&self) -> Option<String> {
        self.row.annual_total.map(|m| m.0.to_string())
    }
}

/// How many of the data set's documents the rules find valid (reported when the year was
/// loaded before and nothing is declared now).
fn valid_documents(data: &DemoDataset, profile: &jixiao_rules::Profile) -> Result<usize, SeedError> {
    let mut valid = 0;
    for (i, value) in data.targets.iter().enumerate() {
        let doc = value.as_object().ok_or_else(|| SeedError::Document(i, "not a JSON object".into()))?;
        valid += usize::from(jixiao_rules::check(doc, profile, Locale::ZhCn).valid);
    }
    Ok(valid)
}

/// Whether the demo targets of `year` are already in the database.
fn loaded(conn: &mut AnyConnection, year: u16) -> Result<bool, SeedError> {
    Ok(store::targets::count_created_by_in_year(conn, DEMO_ACTOR, i32::from(year))? > 0)
}

/// Loads `data` (the year in progress: the review walk) unless its year's demo targets
/// are already present. Blocking.
pub fn load(db: &Database, data: &DemoDataset) -> Result<SeedReport, SeedError> {
    // The year in progress was declared in the November before it (its review walk follows).
    store::clock::replay(store::clock::morning(i32::from(data.fiscal_year) - 1, 11, 15), || load_now(db, data))
}

fn load_now(db: &Database, data: &DemoDataset) -> Result<SeedReport, SeedError> {
    let mut conn = db.conn()?;
    jixiao_server::db::year_partitions(&mut conn, i32::from(data.fiscal_year))?;
    let profile =
        Registry::builtin().default_profile().ok_or_else(|| SeedError::Document(0, "no default profile".into()))?;
    let now = store::now();
    let already = loaded(&mut conn, data.fiscal_year)?;
    let (inserted, valid_count) = if already {
        (0, valid_documents(data, profile)?)
    } else {
        conn.transaction::<_, SeedError, _>(|c| {
            for d in &data.departments {
                store::departments::ensure(c, &d.code, &d.name, now)?;
            }
            let mut declared = Vec::with_capacity(data.targets.len());
            for i in 0..data.targets.len() {
                declared.push(declare(c, data, i, profile)?);
            }
            // The review plan follows what the rules said of each stored draft.
            let valid: Vec<bool> = declared.iter().map(|p| p.row.valid).collect();
            let classified: Vec<bool> = declared.iter().map(|p| p.row.classified).collect();
            let plan = review_plan(&valid, &classified);
            walk_review(c, data, &declared, &plan)?;
            Ok((declared.len(), valid.iter().filter(|v| **v).count()))
        })?
    };
    let review = review_counts(&mut conn)?;
    Ok(SeedReport {
        departments: data.departments.len(),
        targets_inserted: inserted,
        targets_valid: valid_count,
        review,
    })
}

/// Loads a closed year (`demo::closed_year_dataset()`): every target declared, submitted and
/// approved with its 88号 grade, through the review services. Returns the targets inserted
/// now (0 when the year was loaded before) with their ids and amounts. Blocking.
pub fn load_closed_year(db: &Database, data: &DemoDataset) -> Result<usize, SeedError> {
    let year = i32::from(data.fiscal_year);
    // Declared and submitted in the November before the year, approved with the budget in January.
    store::clock::replay(store::clock::morning(year - 1, 11, 20), || load_closed_year_now(db, data, year))
}

fn load_closed_year_now(db: &Database, data: &DemoDataset, year: i32) -> Result<usize, SeedError> {
    let mut conn = db.conn()?;
    jixiao_server::db::year_partitions(&mut conn, year)?;
    let profile =
        Registry::builtin().default_profile().ok_or_else(|| SeedError::Document(0, "no default profile".into()))?;
    if loaded(&mut conn, data.fiscal_year)? {
        return Ok(0);
    }
    let now = store::now();
    let names: HashMap<&str, &str> = data.departments.iter().map(|d| (d.code.as_str(), d.name.as_str())).collect();
    let finance = caller(DEMO_FINANCE_NAME.into(), Role::Finance, None, None);
    conn.transaction::<_, SeedError, _>(|c| {
        for d in &data.departments {
            store::departments::ensure(c, &d.code, &d.name, now)?;
        }
        let mut declared = Vec::with_capacity(data.targets.len());
        for i in 0..data.targets.len() {
            let p = declare(c, data, i, profile)?;
            let code = p.row.department_code.as_str();
            let dept = caller(
                format!("demo {}", names.get(code).copied().unwrap_or(code)),
                Role::Department,
                Some(code.to_owned()),
                None,
            );
            service::submit(c, &dept, &p.row.id, None, Locale::ZhCn).map_err(|source| SeedError::Review {
                target: i,
                step: "submit",
                source,
            })?;
            declared.push(p);
        }
        store::clock::advance_to(store::clock::morning(year, 1, 10));
        for (i, p) in declared.iter().enumerate() {
            let grade = if i % 4 == 3 { ReviewGrade::Good } else { ReviewGrade::Excellent };
            let body = review_body(i, Status::Approved, grade, p.amount().as_deref());
            service::review(c, &finance, &p.row.id, body, Locale::ZhCn).map_err(|source| SeedError::Review {
                target: i,
                step: "review",
                source,
            })?;
        }
        Ok(())
    })?;
    Ok(data.targets.len())
}

/// Declares target `i` of the data set through the targets use case, as the demo's
/// administrator (`DEMO_ACTOR`): the stored row and its `create` audit row are the ones a
/// department's `POST /targets` makes.
fn declare(
    c: &mut AnyConnection,
    data: &DemoDataset,
    i: usize,
    profile: &jixiao_rules::Profile,
) -> Result<Prepared, SeedError> {
    let doc = data
        .targets
        .get(i)
        .and_then(|v| v.as_object())
        .ok_or_else(|| SeedError::Document(i, "not a JSON object".into()))?;
    let author = caller(DEMO_ACTOR.into(), Role::Admin, None, None);
    let row = jixiao_server::service::targets::create(c, &author, doc, profile)
        .map_err(|source| SeedError::Review { target: i, step: "create", source })?;
    Ok(Prepared { row })
}

// ---------------------------------------------------------------------------------------------
// The review walk (through the service layer of the review routes)
// ---------------------------------------------------------------------------------------------

/// The caller the demo acts as (no token behind it; names match the demo tokens' names).
pub(crate) fn caller(name: String, role: Role, department: Option<String>, org: Option<&str>) -> Caller {
    Caller { token_id: "demo-seed".into(), name, role, department, org: org.map(str::to_owned), session: None }
}

/// Runs the plan, phase by phase as a review season would: departments submit, finance
/// assigns some submissions to assessors, assessors post opinions, finance decides.
fn walk_review(
    c: &mut AnyConnection,
    data: &DemoDataset,
    targets: &[Prepared],
    plan: &[DemoReview],
) -> Result<(), SeedError> {
    let names: HashMap<&str, &str> = data.departments.iter().map(|d| (d.code.as_str(), d.name.as_str())).collect();
    let step = |target: usize, step: &'static str| move |source| SeedError::Review { target, step, source };
    let finance = caller(DEMO_FINANCE_NAME.into(), Role::Finance, None, None);
    let todo: Vec<(usize, &Prepared, &DemoReview)> =
        targets.iter().zip(plan).enumerate().map(|(i, (t, p))| (i, t, p)).collect();
    // 1. Departments submit.
    for &(i, t, p) in &todo {
        if p.status == Status::Draft {
            continue;
        }
        let code = t.row.department_code.as_str();
        let name = names.get(code).copied().unwrap_or(code);
        let dept = caller(format!("demo {name}"), Role::Department, Some(code.to_owned()), None);
        service::submit(c, &dept, &t.row.id, None, Locale::ZhCn).map_err(step(i, "submit"))?;
    }
    let year = i32::from(data.fiscal_year);
    // 2. Finance assigns, one request per organisation.
    store::clock::advance_to(store::clock::morning(year - 1, 12, 1));
    for (org, due) in [(DEMO_ASSESSOR_ORG, DEMO_ASSESSOR_DUE), (DEMO_OTHER_ORG, DEMO_OTHER_DUE)] {
        let ids: Vec<&str> = todo
            .iter()
            .filter(|(_, _, p)| p.assessment.is_some_and(|a| a.org == org))
            .map(|(_, t, _)| t.row.id.as_str())
            .collect();
        let first = todo.iter().find(|(_, _, p)| p.assessment.is_some_and(|a| a.org == org)).map_or(0, |x| x.0);
        if ids.is_empty() {
            continue;
        }
        let body = json!({ "target_ids": ids, "organisation": org, "due": due });
        service::assign(c, &finance, body, Locale::ZhCn).map_err(step(first, "assign"))?;
    }
    // 3. Assessors post their opinions.
    store::clock::advance_to(store::clock::morning(year - 1, 12, 20));
    for &(i, t, p) in &todo {
        let Some(DemoAssessment { org, opinion: Some(rec), .. }) = p.assessment else { continue };
        let assessor = caller(format!("demo {org}"), Role::Assessor, None, Some(org));
        service::opinion(c, &assessor, &t.row.id, opinion_body(i, rec), Locale::ZhCn).map_err(step(i, "opinion"))?;
    }
    // 4. Finance decides, with the budget.
    store::clock::advance_to(store::clock::morning(year, 1, 8));
    for &(i, t, p) in &todo {
        let Some(grade) = p.grade else { continue };
        let body = review_body(i, p.status, grade, t.amount().as_deref());
        service::review(c, &finance, &t.row.id, body, Locale::ZhCn).map_err(step(i, "review"))?;
    }
    Ok(())
}

/// Picks one of `texts` by the target index (varied but deterministic).
fn pick(texts: &[&'static str], i: usize) -> &'static str {
    texts.get(i % texts.len().max(1)).copied().unwrap_or_default()
}

/// The body of finance's decision (`POST /targets/{id}/review`).
fn review_body(i: usize, status: Status, grade: ReviewGrade, amount: Option<&str>) -> Value {
    let criteria = json!({
        "completeness": pick(&["绩效目标要素完整，指标体系健全", "申报表各要素填写齐全"], i),
        "relevance": pick(&["绩效目标与部门职能及项目支出内容相符", "目标与年度工作任务紧密相关"], i),
        "appropriateness": pick(&["资金规模与预期产出、效果相匹配", "成本指标与支出标准相符"], i),
        "feasibility": pick(&["实施方案可行，目标经努力可以实现", "项目实施条件具备，目标可实现"], i),
    });
    if status == Status::Approved {
        let opinion = match grade {
            ReviewGrade::Good => "总体合理，个别指标表述已与单位沟通完善，同意按申报金额批复",
            _ => pick(&["绩效目标明确、指标量化充分，同意按申报金额批复", "目标合理可行，同意批复"], i),
        };
        json!({ "decision": "approve", "grade": grade, "criteria": criteria, "opinion": opinion,
                "approved_amount": amount })
    } else {
        let opinion = match grade {
            ReviewGrade::Poor => "项目立项依据不充分，绩效目标不明确，审核结果为差，不得进入预算安排流程",
            ReviewGrade::Fair => {
                "绩效目标与项目内容关联不够紧密，产出数量指标与资金规模不匹配，请按审核意见调整完善后重新报送审核"
            }
            _ => pick(
                &[
                    "部分三级指标值偏保守，请结合上年完成情况与财政局沟通后完善，重新报送",
                    "效益指标表述较笼统，请细化可衡量的指标值后重新报送",
                ],
                i,
            ),
        };
        json!({ "decision": "return", "grade": grade, "criteria": criteria, "opinion": opinion })
    }
}

/// The body of an assessor's opinion (`POST /targets/{id}/opinions`).
fn opinion_body(i: usize, rec: Recommendation) -> Value {
    let base: usize = if rec == Recommendation::Approve { 84 } else { 68 };
    let score = |d: usize| format!("{}.{}", base + (i + d) % 9, (i * 3 + d) % 2 * 5);
    let (findings, recommendation) = match rec {
        Recommendation::Approve => (Vec::new(), "approve"),
        Recommendation::Revise => (vec!["产出数量指标与资金规模不匹配", "满意度指标未说明调查方式"], "revise"),
    };
    json!({
        "criteria": {
            "completeness": { "score": score(0), "remarks": "申报要素基本完整" },
            "relevance": { "score": score(1), "remarks": "目标与部门职能相符" },
            "appropriateness": { "score": score(2), "remarks": "资金测算依据较充分" },
            "feasibility": { "score": score(3), "remarks": "实施计划可行" },
        },
        "findings": findings,
        "recommendation": recommendation,
    })
}

/// Counts the review state of the database (all targets, not only the demo's).
fn review_counts(conn: &mut AnyConnection) -> Result<ReviewCounts, SeedError> {
    let mut counts = ReviewCounts::default();
    for (status, n) in store::targets::status_counts(conn, &TargetFilter::default())? {
        let n = usize::try_from(n).unwrap_or_default();
        match Status::parse(&status) {
            Some(Status::Draft) => counts.draft += n,
            Some(Status::Submitted) => counts.submitted += n,
            Some(Status::Returned) => counts.returned += n,
            Some(Status::Approved) => counts.approved += n,
            None => {}
        }
    }
    let count = |n: i64| usize::try_from(n).unwrap_or_default();
    counts.assignments = count(store::review::assignments_count(conn, None)?);
    counts.assessor_assignments = count(store::review::assignments_count(conn, Some(DEMO_ASSESSOR_ORG))?);
    counts.opinions = count(store::review::opinions_count(conn)?);
    counts.public = usize::try_from(store::review::approved_public_count(conn)?).unwrap_or_default();
    Ok(counts)
}

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

/// Demo tokens printed at start.
#[derive(Debug, Clone)]
pub struct DemoTokens {
    /// Finance (财政局).
    pub finance: NewToken,
    /// The first demo department, if the data set has one.
    pub department: Option<NewToken>,
    /// The second demo department, if the data set has two.
    pub second_department: Option<NewToken>,
    /// The assessor organisation [`DEMO_ASSESSOR_ORG`].
    pub assessor: NewToken,
}

/// Creates fresh demo tokens (only hashes are stored, so earlier ones cannot be shown
/// again). Earlier demo tokens stay valid, so a browser that kept one keeps working
/// after a restart; revoke them with `jixiao token revoke` if needed.
pub fn demo_tokens(db: &Database, data: &DemoDataset) -> Result<DemoTokens, SeedError> {
    let mut conn = db.conn()?;
    let finance = generate_token(DEMO_FINANCE_NAME, Role::Finance, None, None)?;
    let department_token = |i: usize| -> Result<Option<NewToken>, SeedError> {
        match data.departments.get(i) {
            Some(d) => Ok(Some(generate_token(&format!("demo {}", d.name), Role::Department, Some(&d.code), None)?)),
            None => Ok(None),
        }
    };
    let department = department_token(0)?;
    let second_department = department_token(1)?;
    let assessor = generate_token(&format!("demo {DEMO_ASSESSOR_ORG}"), Role::Assessor, None, Some(DEMO_ASSESSOR_ORG))?;
    conn.transaction::<_, SeedError, _>(|c| {
        let all = [Some(&finance), department.as_ref(), second_department.as_ref(), Some(&assessor)];
        for t in all.into_iter().flatten() {
            store::tokens::insert(c, &t.row)?;
        }
        Ok(())
    })?;
    Ok(DemoTokens { finance, department, second_department, assessor })
}

/// A demo user: the password is printed (only its hash is stored) and set afresh on every
/// demo start, so what is printed always works.
#[derive(Debug, Clone)]
pub struct DemoUser {
    /// Sign-in name.
    pub username: String,
    /// The password, shown once.
    pub password: String,
    /// The role.
    pub role: Role,
    /// Who the user is (shown beside the name).
    pub who: String,
}

fn demo_password() -> Result<String, SeedError> {
    // 12 characters from an alphabet without look-alikes, in three groups: easy to type.
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut raw = [0u8; 12];
    getrandom::fill(&mut raw).map_err(|e| jixiao_server::auth::TokenError::Random(e.to_string()))?;
    let chars: Vec<char> = raw.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect();
    Ok(chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-"))
}

/// The demo's people: an administrator, the bureau's reviewer, the first two departments'
/// clerks and the assessor organisation's reviewer, each with a fresh password.
pub fn demo_users(db: &Database, data: &DemoDataset) -> Result<Vec<DemoUser>, SeedError> {
    type Wanted = (String, String, Role, Option<String>, Option<String>);
    let mut wanted: Vec<Wanted> = vec![
        ("admin".into(), "系统管理员".into(), Role::Admin, None, None),
        ("czj".into(), "财政局绩效科".into(), Role::Finance, None, None),
    ];
    for d in data.departments.iter().take(2) {
        wanted.push((
            format!("dept{}", d.code),
            format!("{} 填报员", d.name),
            Role::Department,
            Some(d.code.clone()),
            None,
        ));
    }
    wanted.push((
        "pingshen".into(),
        format!("{DEMO_ASSESSOR_ORG} 评审员"),
        Role::Assessor,
        None,
        Some(DEMO_ASSESSOR_ORG.into()),
    ));
    let mut conn = db.conn()?;
    let mut out = Vec::new();
    for (username, who, role, department, org) in wanted {
        let password = demo_password()?;
        let new = jixiao_server::service::users::NewUser {
            username: &username,
            display_name: Some(&who),
            password: &password,
            role,
            department: department.as_deref(),
            org: org.as_deref(),
        };
        let row = jixiao_server::service::users::prepare(&new).map_err(SeedError::User)?;
        jixiao_server::service::users::upsert(&mut conn, row, DEMO_ACTOR).map_err(SeedError::User)?;
        out.push(DemoUser { username, password, role, who });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of_demo() -> (Vec<bool>, Vec<bool>, Vec<DemoReview>) {
        let data = crate::dataset::demo_dataset();
        let profile = Registry::builtin().default_profile().expect("default profile");
        let valid: Vec<bool> = data
            .targets
            .iter()
            .map(|t| t.as_object().is_some_and(|o| jixiao_rules::check(o, profile, Locale::ZhCn).valid))
            .collect();
        let classified: Vec<bool> = data.targets.iter().map(|t| t["classified"] == true).collect();
        let plan = review_plan(&valid, &classified);
        (valid, classified, plan)
    }

    #[test]
    fn plan_shares_are_those_of_a_review_season() {
        let (valid, _, plan) = plan_of_demo();
        let n_valid = valid.iter().filter(|v| **v).count();
        let share =
            |s: Status| plan.iter().zip(&valid).filter(|(p, v)| **v && p.status == s).count() * 100 / n_valid.max(1);
        assert!((57..=64).contains(&share(Status::Approved)), "approved {}%", share(Status::Approved));
        assert!((13..=17).contains(&share(Status::Submitted)), "submitted {}%", share(Status::Submitted));
        assert!((6..=9).contains(&share(Status::Returned)), "returned {}%", share(Status::Returned));
        assert_eq!(plan.len(), valid.len());
    }

    #[test]
    fn invalid_targets_stay_drafts_and_classified_ones_never_leave_finance() {
        let (valid, classified, plan) = plan_of_demo();
        for (i, p) in plan.iter().enumerate() {
            if !valid[i] {
                assert_eq!(*p, DemoReview::DRAFT, "target {i} has errors: it cannot be submitted");
            }
            if classified[i] {
                assert!(p.assessment.is_none(), "classified target {i} is not sent to a third party");
            }
        }
        assert!(plan.iter().zip(&classified).any(|(p, c)| *c && p.status == Status::Approved));
    }

    #[test]
    fn grades_fit_the_decisions() {
        let (_, _, plan) = plan_of_demo();
        for p in &plan {
            match p.status {
                Status::Approved => assert!(p.grade.is_some_and(ReviewGrade::approvable)),
                Status::Returned => assert!(p.grade.is_some()),
                _ => assert!(p.grade.is_none()),
            }
            if let Some(a) = p.assessment {
                assert_ne!(p.status, Status::Draft);
                if p.status == Status::Approved {
                    assert_eq!(a.opinion, Some(Recommendation::Approve));
                }
            }
        }
        let graded = |g: ReviewGrade| plan.iter().filter(|p| p.grade == Some(g)).count();
        assert_eq!(graded(ReviewGrade::Fair), 1);
        assert_eq!(graded(ReviewGrade::Poor), 1);
        assert!(graded(ReviewGrade::Good) > 0 && graded(ReviewGrade::Excellent) > graded(ReviewGrade::Good));
        let other = plan.iter().filter(|p| p.assessment.is_some_and(|a| a.org == DEMO_OTHER_ORG)).count();
        assert!(other > 0);
        let waiting_with_opinion = plan
            .iter()
            .filter(|p| p.status == Status::Submitted && p.assessment.is_some_and(|a| a.opinion.is_some()))
            .count();
        assert!((1..=8).contains(&waiting_with_opinion), "{waiting_with_opinion}");
    }

    #[test]
    fn the_first_two_departments_show_every_status() {
        let data = crate::dataset::demo_dataset();
        let (_, _, plan) = plan_of_demo();
        for d in data.departments.iter().take(2) {
            let statuses: std::collections::HashSet<&str> = data
                .targets
                .iter()
                .zip(&plan)
                .filter(|(t, _)| t["department"]["code"] == d.code.as_str())
                .map(|(_, p)| p.status.as_str())
                .collect();
            assert_eq!(statuses.len(), 4, "{}: {statuses:?}", d.name);
        }
    }

    #[test]
    fn demo_bodies_pass_the_review_rules() {
        use jixiao_rules::review::{AssessorOpinion, OpinionInput, ReviewDecision, ReviewInput};
        for i in 0..30 {
            for rec in [Recommendation::Approve, Recommendation::Revise] {
                let input: OpinionInput = serde_json::from_value(opinion_body(i, rec)).expect("opinion shape");
                AssessorOpinion::parse(input).expect("opinion accepted");
            }
            for (status, grade) in [
                (Status::Approved, ReviewGrade::Excellent),
                (Status::Approved, ReviewGrade::Good),
                (Status::Returned, ReviewGrade::Good),
                (Status::Returned, ReviewGrade::Fair),
                (Status::Returned, ReviewGrade::Poor),
            ] {
                let input: ReviewInput =
                    serde_json::from_value(review_body(i, status, grade, Some("86.40"))).expect("review shape");
                ReviewDecision::parse(input, None).expect("decision accepted");
            }
        }
    }
}
