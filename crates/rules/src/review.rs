//! The review cycle of a target (绩效目标审核, 同上报、同审核、同批复; DOMAIN.md §3–4, §8).
//!
//! This module owns, as pure data and functions:
//! - the life cycle of a target as an explicit state machine ([`Lifecycle`], [`Status`]):
//!   draft → submitted → approved, or → returned → (edited) → submitted again; after
//!   approval a change is an adjustment (调整): a new version that is reviewed again while
//!   the approved version stays in force;
//! - who may do what ([`Actor`], [`Action`], [`authorize`]);
//! - the review decision of finance ([`ReviewInput`] → [`ReviewDecision`]) with the 88号
//!   grade consequences (优/良 may be approved; 中 must be returned; 差 is returned and
//!   marked as not entering the budget) and the approved amount (同批复);
//! - the structured opinion of a third-party assessor ([`OpinionInput`] → [`AssessorOpinion`]);
//! - a diff of two JSON documents as JSON Pointers with old and new values ([`diff`]).
//!
//! It must not do I/O, read a clock (timestamps are passed in by the caller) or invent
//! violation codes: problems with review input are [`ReviewError`]s, which the API maps to
//! 403/404/409/422 (shape errors are caught earlier by the JSON Schemas below → 400).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::messages::Locale;
use crate::values::Amount;
use crate::violation::Violation;

// ---------------------------------------------------------------------------------------------
// States
// ---------------------------------------------------------------------------------------------

/// Where a target stands in review (草稿 / 已提交 / 已退回 / 已批复).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 草稿: being written by the department (also an adjustment not yet submitted).
    Draft,
    /// 已提交: waiting for finance; read-only for the department.
    Submitted,
    /// 已退回: returned with an opinion; the department edits and resubmits.
    Returned,
    /// 已批复: approved together with the budget; the current version is in force.
    Approved,
}

impl Status {
    /// Every status, in life-cycle order.
    pub const ALL: [Status; 4] = [Status::Draft, Status::Submitted, Status::Returned, Status::Approved];

    /// The stable wire name (`draft`, `submitted`, `returned`, `approved`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Approved => "approved",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The label shown to users.
    pub fn label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Status::Draft, Locale::ZhCn) => "草稿",
            (Status::Submitted, Locale::ZhCn) => "已提交",
            (Status::Returned, Locale::ZhCn) => "已退回",
            (Status::Approved, Locale::ZhCn) => "已批复",
            (Status::Draft, Locale::En) => "Draft",
            (Status::Submitted, Locale::En) => "Submitted",
            (Status::Returned, Locale::En) => "Returned",
            (Status::Approved, Locale::En) => "Approved",
        }
    }
}

/// The review state of one target. Fields are private: a value is built by
/// [`Lifecycle::new`], [`Lifecycle::restore`] (which checks the invariants) or a transition,
/// so an illegal combination cannot exist.
///
/// Invariants: `version ≥ 1`; `in_force ≤ version`; an approved target has its current
/// version in force; an adjustment (`in_force < version`) is never approved; a target
/// marked as not entering the budget is not approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Lifecycle {
    status: Status,
    version: u32,
    in_force: Option<u32>,
    budget_excluded: bool,
}

/// A stored combination of fields that breaks the [`Lifecycle`] invariants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("illegal review state: {0}")]
pub struct IllegalState(&'static str);

impl Default for Lifecycle {
    fn default() -> Self {
        Lifecycle::new()
    }
}

impl Lifecycle {
    /// A new draft, version 1, nothing in force.
    pub fn new() -> Lifecycle {
        Lifecycle { status: Status::Draft, version: 1, in_force: None, budget_excluded: false }
    }

    /// Rebuilds a state read from storage, refusing combinations no transition produces.
    pub fn restore(
        status: Status,
        version: u32,
        in_force: Option<u32>,
        budget_excluded: bool,
    ) -> Result<Lifecycle, IllegalState> {
        if version == 0 {
            return Err(IllegalState("version starts at 1"));
        }
        match in_force {
            Some(v) if v == 0 || v > version => return Err(IllegalState("version in force out of range")),
            Some(v) if status != Status::Approved && v == version => {
                return Err(IllegalState("the version in force is not being reviewed again"));
            }
            _ => {}
        }
        if status == Status::Approved && in_force != Some(version) {
            return Err(IllegalState("an approved target has its current version in force"));
        }
        if status == Status::Approved && budget_excluded {
            return Err(IllegalState("an approved target enters the budget"));
        }
        if in_force.is_none() && version != 1 {
            return Err(IllegalState("only an approved target gets new versions"));
        }
        Ok(Lifecycle { status, version, in_force, budget_excluded })
    }

    /// The current status.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The version being worked on or approved (1 for the first declaration; each
    /// adjustment adds one).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The approved version in force, if any (it stays in force during an adjustment).
    pub fn in_force(&self) -> Option<u32> {
        self.in_force
    }

    /// Whether the current version is an adjustment (调整) of an approved one, not yet approved.
    pub fn is_adjustment(&self) -> bool {
        self.in_force.is_some_and(|v| v < self.version)
    }

    /// Whether finance graded the current version 差: it does not enter the budget.
    pub fn budget_excluded(&self) -> bool {
        self.budget_excluded
    }

    /// Whether the department may change the document now (draft or returned).
    pub fn editable(&self) -> bool {
        matches!(self.status, Status::Draft | Status::Returned)
    }

    /// Whether an approved version may be shown in the public listing (非涉密、全公开).
    /// `classified` is the 涉密 flag of the version in force.
    pub fn is_public(&self, classified: bool) -> bool {
        self.in_force.is_some() && !classified
    }
}

// ---------------------------------------------------------------------------------------------
// Actors and actions
// ---------------------------------------------------------------------------------------------

/// The role carried by a caller's token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A budget department (主管部门), scoped to its department code.
    Department,
    /// The finance bureau (财政局): reviews, assigns assessors.
    Finance,
    /// A third-party assessor organisation (第三方机构), scoped to its organisation.
    Assessor,
    /// Administers tokens and profiles; reads everything, decides nothing.
    Admin,
}

impl Role {
    /// The stored and serialized name (`department`, `finance`, `assessor`, `admin`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Department => "department",
            Role::Finance => "finance",
            Role::Assessor => "assessor",
            Role::Admin => "admin",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Role> {
        [Role::Department, Role::Finance, Role::Assessor, Role::Admin].into_iter().find(|r| r.as_str() == s)
    }

    /// 部门 / 财政局 / 第三方评价机构 / 系统管理员.
    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Department => "部门",
            Role::Finance => "财政局",
            Role::Assessor => "第三方评价机构",
            Role::Admin => "系统管理员",
        }
    }
}

impl core::fmt::Display for Role {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A caller as seen from one target: its role and its relation to that target.
/// The caller (the server) computes the relation; this module decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// No token.
    Anonymous,
    /// A department; `own` when the target belongs to its department.
    Department {
        /// The target is this department's.
        own: bool,
    },
    /// Finance.
    Finance,
    /// An assessor; `assigned` when finance assigned this target to its organisation.
    Assessor {
        /// The target is assigned to this assessor's organisation.
        assigned: bool,
    },
    /// An administrator.
    Admin,
}

impl Actor {
    /// The role, or `None` for an anonymous caller.
    pub fn role(self) -> Option<Role> {
        match self {
            Actor::Anonymous => None,
            Actor::Department { .. } => Some(Role::Department),
            Actor::Finance => Some(Role::Finance),
            Actor::Assessor { .. } => Some(Role::Assessor),
            Actor::Admin => Some(Role::Admin),
        }
    }

    /// Whether this caller may see the (non-public) target at all: its department,
    /// finance, an assigned assessor and administrators. Others get "not found".
    pub fn can_read(self) -> bool {
        matches!(
            self,
            Actor::Department { own: true } | Actor::Finance | Actor::Assessor { assigned: true } | Actor::Admin
        )
    }
}

/// The kind of an action, also the `action` of an audit row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Create a draft.
    Create,
    /// Change the document.
    Edit,
    /// Submit for review.
    Submit,
    /// Finance approves.
    Approve,
    /// Finance returns.
    Return,
    /// Finance assigns the target to an assessor organisation.
    Assign,
    /// An assessor posts its opinion.
    Opinion,
    /// Start an adjustment (调整) of an approved target.
    Adjust,
    /// Delete a draft.
    Delete,
}

impl ActionKind {
    /// Every kind.
    pub const ALL: [ActionKind; 9] = [
        ActionKind::Create,
        ActionKind::Edit,
        ActionKind::Submit,
        ActionKind::Approve,
        ActionKind::Return,
        ActionKind::Assign,
        ActionKind::Opinion,
        ActionKind::Adjust,
        ActionKind::Delete,
    ];

    /// The stable wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Create => "create",
            ActionKind::Edit => "edit",
            ActionKind::Submit => "submit",
            ActionKind::Approve => "approve",
            ActionKind::Return => "return",
            ActionKind::Assign => "assign",
            ActionKind::Opinion => "opinion",
            ActionKind::Adjust => "adjust",
            ActionKind::Delete => "delete",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The role that may take this action (on a target it can read).
    pub fn role(self) -> Role {
        match self {
            ActionKind::Create | ActionKind::Edit | ActionKind::Submit | ActionKind::Adjust | ActionKind::Delete => {
                Role::Department
            }
            ActionKind::Approve | ActionKind::Return | ActionKind::Assign => Role::Finance,
            ActionKind::Opinion => Role::Assessor,
        }
    }
}

/// An action on a target, with what the machine needs to decide it.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    /// Create a draft (the state before is ignored).
    Create,
    /// Change the document.
    Edit,
    /// Submit; `violations` are the rule check of the document being submitted.
    Submit {
        /// The current check of the document.
        violations: &'a [Violation],
    },
    /// Finance decides (approve or return, per the decision).
    Review(&'a ReviewDecision),
    /// Finance assigns the target to an assessor organisation.
    Assign,
    /// An assessor posts an opinion.
    Opinion,
    /// Start an adjustment of an approved target.
    Adjust,
    /// Delete a draft that was never approved.
    Delete,
}

impl Action<'_> {
    /// The kind of this action.
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Create => ActionKind::Create,
            Action::Edit => ActionKind::Edit,
            Action::Submit { .. } => ActionKind::Submit,
            Action::Review(d) => match d.decision {
                Decision::Approve => ActionKind::Approve,
                Decision::Return => ActionKind::Return,
            },
            Action::Assign => ActionKind::Assign,
            Action::Opinion => ActionKind::Opinion,
            Action::Adjust => ActionKind::Adjust,
            Action::Delete => ActionKind::Delete,
        }
    }
}

/// Whether `actor` may take an action of `kind` on a target (state not considered).
/// `Err(NotFound)` when the caller may not even see the target, `Err(Forbidden)` when it
/// sees it but its role may not act; [`ReviewError::Unauthenticated`] for anonymous callers.
pub fn authorize(actor: Actor, kind: ActionKind) -> Result<(), ReviewError> {
    let Some(role) = actor.role() else {
        return Err(ReviewError::Unauthenticated);
    };
    if kind == ActionKind::Create {
        // Creation is checked against the department of the document by the caller.
        return if matches!(actor, Actor::Department { own: true }) { Ok(()) } else { Err(ReviewError::Forbidden) };
    }
    if !actor.can_read() {
        return Err(ReviewError::NotFound);
    }
    if kind.role() == role { Ok(()) } else { Err(ReviewError::Forbidden) }
}

/// What an accepted action did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// The kind of action taken (for the audit row).
    pub kind: ActionKind,
    /// The state before.
    pub from: Lifecycle,
    /// The state after.
    pub to: Lifecycle,
}

impl Lifecycle {
    /// Applies `action` by `actor`: first who (403/404), then the state (409), then the
    /// content (422). On success, the new state; `self` is left unchanged either way.
    pub fn apply(&self, actor: Actor, action: Action<'_>) -> Result<Transition, ReviewError> {
        let kind = action.kind();
        authorize(actor, kind)?;
        let st = self.status;
        let wrong_state = || ReviewError::WrongState { action: kind, status: st };
        let to = match action {
            Action::Create => Lifecycle::new(),
            Action::Edit => {
                if !self.editable() {
                    return Err(wrong_state());
                }
                *self
            }
            Action::Submit { violations } => {
                if !self.editable() {
                    return Err(wrong_state());
                }
                if crate::check::has_errors(violations) {
                    return Err(ReviewError::Violations);
                }
                Lifecycle { status: Status::Submitted, ..*self }
            }
            Action::Review(decision) => {
                if st != Status::Submitted {
                    return Err(wrong_state());
                }
                match decision.outcome() {
                    BudgetOutcome::Included { .. } => Lifecycle {
                        status: Status::Approved,
                        in_force: Some(self.version),
                        budget_excluded: false,
                        ..*self
                    },
                    BudgetOutcome::Resubmit => Lifecycle { status: Status::Returned, budget_excluded: false, ..*self },
                    BudgetOutcome::Excluded => Lifecycle { status: Status::Returned, budget_excluded: true, ..*self },
                }
            }
            Action::Assign | Action::Opinion => {
                if st != Status::Submitted {
                    return Err(wrong_state());
                }
                *self
            }
            Action::Adjust => {
                if st != Status::Approved {
                    return Err(wrong_state());
                }
                let version = self.version.checked_add(1).ok_or(ReviewError::TooManyVersions)?;
                Lifecycle { status: Status::Draft, version, ..*self }
            }
            Action::Delete => {
                if st != Status::Draft || self.in_force.is_some() {
                    return Err(wrong_state());
                }
                *self
            }
        };
        Ok(Transition { kind, from: *self, to })
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Why a review action was refused. The API maps [`ReviewError::class`] to an HTTP status;
/// [`ReviewError::code`] is the stable suffix of the problem `type`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    /// No credentials.
    #[error("authentication required")]
    Unauthenticated,
    /// The caller may not see this target.
    #[error("target not found")]
    NotFound,
    /// The caller sees the target but its role may not take this action.
    #[error("not allowed for this role")]
    Forbidden,
    /// The action is not possible in the current status.
    #[error("cannot {} a target that is {}", action.as_str(), status.as_str())]
    WrongState {
        /// The refused action.
        action: ActionKind,
        /// The current status.
        status: Status,
    },
    /// The document still has error-level violations (the caller sends the list).
    #[error("the target has error-level violations")]
    Violations,
    /// An opinion is required when returning.
    #[error("an opinion is required when returning a target")]
    OpinionRequired,
    /// The approved amount is required on approval.
    #[error("the approved amount is required on approval")]
    ApprovedAmountRequired,
    /// The approved amount is not a valid amount (digits, at most 2 decimals, ≥ 0).
    #[error("the approved amount is not a valid amount")]
    ApprovedAmountInvalid,
    /// An approved amount was sent with a return.
    #[error("an approved amount is only given on approval")]
    ApprovedAmountOnReturn,
    /// The approved amount exceeds the requested annual total.
    #[error("the approved amount exceeds the requested annual total")]
    ApprovedAmountExceedsRequest,
    /// 中 and 差 must be returned (财预〔2015〕88号).
    #[error("a target graded {} must be returned", grade.as_str())]
    GradeRequiresReturn {
        /// The grade given.
        grade: ReviewGrade,
    },
    /// An assessor's criterion score is outside 0–100 or not a decimal with at most 2 places.
    #[error("criterion score out of range")]
    ScoreInvalid {
        /// The criterion.
        criterion: Criterion,
    },
    /// An assessor's criterion remarks are blank.
    #[error("criterion remarks are required")]
    RemarksRequired {
        /// The criterion.
        criterion: Criterion,
    },
    /// Recommending revision requires at least one finding.
    #[error("a recommendation to revise needs at least one finding")]
    FindingsRequired,
    /// The version counter would overflow.
    #[error("too many versions")]
    TooManyVersions,
}

/// The family of a [`ReviewError`], for the HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// 401.
    Unauthenticated,
    /// 404 (existence is not revealed).
    NotFound,
    /// 403.
    Forbidden,
    /// 409: the target is not in a state that allows the action.
    Conflict,
    /// 422: the request is well-formed but its content is refused.
    Unprocessable,
}

impl ReviewError {
    /// The family of this error.
    pub fn class(&self) -> ErrorClass {
        use ReviewError::*;
        match self {
            Unauthenticated => ErrorClass::Unauthenticated,
            NotFound => ErrorClass::NotFound,
            Forbidden => ErrorClass::Forbidden,
            WrongState { .. } | TooManyVersions => ErrorClass::Conflict,
            Violations
            | OpinionRequired
            | ApprovedAmountRequired
            | ApprovedAmountInvalid
            | ApprovedAmountOnReturn
            | ApprovedAmountExceedsRequest
            | GradeRequiresReturn { .. }
            | ScoreInvalid { .. }
            | RemarksRequired { .. }
            | FindingsRequired => ErrorClass::Unprocessable,
        }
    }

    /// A stable snake_case code (the last segment of the problem `type`).
    pub fn code(&self) -> &'static str {
        use ReviewError::*;
        match self {
            Unauthenticated => "unauthenticated",
            NotFound => "not_found",
            Forbidden => "forbidden",
            WrongState { .. } => "wrong_state",
            Violations => "violations",
            OpinionRequired => "opinion_required",
            ApprovedAmountRequired => "approved_amount_required",
            ApprovedAmountInvalid => "approved_amount_invalid",
            ApprovedAmountOnReturn => "approved_amount_on_return",
            ApprovedAmountExceedsRequest => "approved_amount_exceeds_request",
            GradeRequiresReturn { .. } => "grade_requires_return",
            ScoreInvalid { .. } => "score_invalid",
            RemarksRequired { .. } => "remarks_required",
            FindingsRequired => "findings_required",
            TooManyVersions => "too_many_versions",
        }
    }

    /// The JSON Pointer into the request body the error is about, if any.
    pub fn pointer(&self) -> Option<String> {
        use ReviewError::*;
        match self {
            OpinionRequired => Some("/opinion".into()),
            ApprovedAmountRequired | ApprovedAmountInvalid | ApprovedAmountOnReturn | ApprovedAmountExceedsRequest => {
                Some("/approved_amount".into())
            }
            GradeRequiresReturn { .. } => Some("/decision".into()),
            ScoreInvalid { criterion } => Some(format!("/criteria/{}/score", criterion.as_str())),
            RemarksRequired { criterion } => Some(format!("/criteria/{}/remarks", criterion.as_str())),
            FindingsRequired => Some("/findings".into()),
            _ => None,
        }
    }

    /// A one-line message for users, from this module's catalogue.
    pub fn message(&self, locale: Locale) -> String {
        use ReviewError::*;
        let zh = locale == Locale::ZhCn;
        match self {
            Unauthenticated => pick(zh, "请先登录", "Authentication required").into(),
            NotFound => pick(zh, "未找到该绩效目标", "Target not found").into(),
            Forbidden => pick(zh, "当前角色无权执行此操作", "Your role may not do this").into(),
            WrongState { action, status } => {
                if zh {
                    format!("绩效目标当前为“{}”，不能{}", status.label(locale), action_label_zh(*action))
                } else {
                    format!("Cannot {} a target that is {}", action.as_str(), status.as_str())
                }
            }
            Violations => {
                pick(zh, "绩效目标仍有错误，不能提交", "The target still has errors and cannot be submitted").into()
            }
            OpinionRequired => pick(zh, "退回时必须填写审核意见", "An opinion is required when returning").into(),
            ApprovedAmountRequired => {
                pick(zh, "批复时必须填写批复金额（万元）", "The approved amount is required on approval").into()
            }
            ApprovedAmountInvalid => pick(
                zh,
                "批复金额须为不超过两位小数的非负数字字符串（万元）",
                "The approved amount must be a string of digits with at most 2 decimals",
            )
            .into(),
            ApprovedAmountOnReturn => {
                pick(zh, "退回时不能填写批复金额", "No approved amount may be given when returning").into()
            }
            ApprovedAmountExceedsRequest => pick(
                zh,
                "批复金额不得超过申报的年度资金总额",
                "The approved amount may not exceed the requested annual total",
            )
            .into(),
            GradeRequiresReturn { grade } => {
                if zh {
                    format!("审核结果为“{}”的绩效目标必须退回（财预〔2015〕88号）", grade.label_zh())
                } else {
                    format!("A target graded {} must be returned (Cai Yu [2015] No. 88)", grade.as_str())
                }
            }
            ScoreInvalid { criterion } => {
                if zh {
                    format!("“{}”得分须为 0–100 之间、最多两位小数的数字", criterion.label_zh())
                } else {
                    format!("The {} score must be a number from 0 to 100 with at most 2 decimals", criterion.as_str())
                }
            }
            RemarksRequired { criterion } => {
                if zh {
                    format!("“{}”必须填写评审意见", criterion.label_zh())
                } else {
                    format!("Remarks on {} are required", criterion.as_str())
                }
            }
            FindingsRequired => {
                pick(zh, "建议修改时至少列出一条发现的问题", "A recommendation to revise needs at least one finding")
                    .into()
            }
            TooManyVersions => pick(zh, "版本数过多", "Too many versions").into(),
        }
    }
}

fn pick(zh: bool, a: &'static str, b: &'static str) -> &'static str {
    if zh { a } else { b }
}

fn action_label_zh(k: ActionKind) -> &'static str {
    match k {
        ActionKind::Create => "创建",
        ActionKind::Edit => "修改",
        ActionKind::Submit => "提交",
        ActionKind::Approve => "批复",
        ActionKind::Return => "退回",
        ActionKind::Assign => "委托第三方审核",
        ActionKind::Opinion => "提交第三方意见",
        ActionKind::Adjust => "调整",
        ActionKind::Delete => "删除",
    }
}

// ---------------------------------------------------------------------------------------------
// The review decision (finance)
// ---------------------------------------------------------------------------------------------

/// Approve or return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// 批复: approve with the budget.
    Approve,
    /// 退回: return for revision.
    Return,
}

/// The review grade of 财预〔2015〕88号 (优 / 良 / 中 / 差).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewGrade {
    /// 优: proceeds to budget arrangement.
    Excellent,
    /// 良: fixed jointly with the department, then proceeds.
    Good,
    /// 中: revised and resubmitted for review.
    Fair,
    /// 差: may not enter budget arrangement.
    Poor,
}

impl ReviewGrade {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewGrade::Excellent => "excellent",
            ReviewGrade::Good => "good",
            ReviewGrade::Fair => "fair",
            ReviewGrade::Poor => "poor",
        }
    }

    /// 优 / 良 / 中 / 差.
    pub fn label_zh(self) -> &'static str {
        match self {
            ReviewGrade::Excellent => "优",
            ReviewGrade::Good => "良",
            ReviewGrade::Fair => "中",
            ReviewGrade::Poor => "差",
        }
    }

    /// Whether a target with this grade may be approved (优 and 良 only).
    pub fn approvable(self) -> bool {
        matches!(self, ReviewGrade::Excellent | ReviewGrade::Good)
    }
}

/// The four review criteria of 88号 (完整性, 相关性, 适当性, 可行性).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// 完整性.
    Completeness,
    /// 相关性.
    Relevance,
    /// 适当性.
    Appropriateness,
    /// 可行性.
    Feasibility,
}

impl Criterion {
    /// The four criteria in 88号 order.
    pub const ALL: [Criterion; 4] =
        [Criterion::Completeness, Criterion::Relevance, Criterion::Appropriateness, Criterion::Feasibility];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::Completeness => "completeness",
            Criterion::Relevance => "relevance",
            Criterion::Appropriateness => "appropriateness",
            Criterion::Feasibility => "feasibility",
        }
    }

    /// 完整性 / 相关性 / 适当性 / 可行性.
    pub fn label_zh(self) -> &'static str {
        match self {
            Criterion::Completeness => "完整性",
            Criterion::Relevance => "相关性",
            Criterion::Appropriateness => "适当性",
            Criterion::Feasibility => "可行性",
        }
    }
}

/// Free-text notes on the four criteria (each optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CriteriaNotes {
    /// 完整性.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completeness: Option<String>,
    /// 相关性.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevance: Option<String>,
    /// 适当性.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appropriateness: Option<String>,
    /// 可行性.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feasibility: Option<String>,
}

/// The body of a review request as sent (`POST /targets/{id}/review`), after the JSON Schema
/// [`REVIEW_DECISION_SCHEMA`] accepted its shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    /// `approve` or `return`.
    pub decision: Decision,
    /// 优 / 良 / 中 / 差.
    pub grade: ReviewGrade,
    /// Notes on the four criteria.
    #[serde(default)]
    pub criteria: CriteriaNotes,
    /// The reviewer's opinion (审核意见); required when returning.
    #[serde(default)]
    pub opinion: Option<String>,
    /// On approval, the approved amount in 万元 as a decimal string (同批复).
    #[serde(default)]
    pub approved_amount: Option<String>,
}

/// What the decision means for the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum BudgetOutcome {
    /// Approved: enters the budget with this amount.
    Included {
        /// 批复金额 (万元).
        #[cfg_attr(feature = "utoipa", schema(value_type = String))]
        amount: Decimal,
    },
    /// Returned for revision and resubmission.
    Resubmit,
    /// Returned and not entering the budget (差).
    Excluded,
}

/// A validated review decision. Built only by [`ReviewDecision::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct ReviewDecision {
    decision: Decision,
    grade: ReviewGrade,
    criteria: CriteriaNotes,
    opinion: Option<String>,
    #[cfg_attr(feature = "utoipa", schema(value_type = Option<String>))]
    approved_amount: Option<Decimal>,
}

impl ReviewDecision {
    /// Validates `input` against the 88号 rules. `requested` is the annual total of the
    /// document being reviewed, when it is a valid amount (the approval may not exceed it).
    pub fn parse(input: ReviewInput, requested: Option<Amount>) -> Result<ReviewDecision, ReviewError> {
        let opinion = input.opinion.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        // Numbers in strings are matched whole (FORMATS §3): " 86.40" is not an amount; an empty
        // or blank field counts as absent.
        let amount_text = input.approved_amount.as_deref().filter(|s| !s.trim().is_empty());
        let criteria = CriteriaNotes {
            completeness: non_blank(input.criteria.completeness),
            relevance: non_blank(input.criteria.relevance),
            appropriateness: non_blank(input.criteria.appropriateness),
            feasibility: non_blank(input.criteria.feasibility),
        };
        let approved_amount = match input.decision {
            Decision::Return => {
                if opinion.is_none() {
                    return Err(ReviewError::OpinionRequired);
                }
                if amount_text.is_some() {
                    return Err(ReviewError::ApprovedAmountOnReturn);
                }
                None
            }
            Decision::Approve => {
                if !input.grade.approvable() {
                    return Err(ReviewError::GradeRequiresReturn { grade: input.grade });
                }
                let text = amount_text.ok_or(ReviewError::ApprovedAmountRequired)?;
                let amount = Amount::parse(text).ok_or(ReviewError::ApprovedAmountInvalid)?;
                if requested.is_some_and(|r| amount > r) {
                    return Err(ReviewError::ApprovedAmountExceedsRequest);
                }
                Some(amount.value())
            }
        };
        Ok(ReviewDecision { decision: input.decision, grade: input.grade, criteria, opinion, approved_amount })
    }

    /// Approve or return.
    pub fn decision(&self) -> Decision {
        self.decision
    }

    /// The grade.
    pub fn grade(&self) -> ReviewGrade {
        self.grade
    }

    /// The criteria notes (blank ones dropped).
    pub fn criteria(&self) -> &CriteriaNotes {
        &self.criteria
    }

    /// The opinion, trimmed (always present on a return).
    pub fn opinion(&self) -> Option<&str> {
        self.opinion.as_deref()
    }

    /// The approved amount (present exactly on approval).
    pub fn approved_amount(&self) -> Option<Decimal> {
        self.approved_amount
    }

    /// The budget consequence of this decision.
    pub fn outcome(&self) -> BudgetOutcome {
        match (self.decision, self.approved_amount, self.grade) {
            (Decision::Approve, Some(amount), _) => BudgetOutcome::Included { amount },
            (_, _, ReviewGrade::Poor) => BudgetOutcome::Excluded,
            _ => BudgetOutcome::Resubmit,
        }
    }
}

fn non_blank(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

// ---------------------------------------------------------------------------------------------
// Third-party opinion (委托第三方审核)
// ---------------------------------------------------------------------------------------------

/// An assessor's recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    /// 建议通过.
    Approve,
    /// 建议修改.
    Revise,
}

/// A score and remarks on one criterion, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CriterionInput {
    /// 0–100 as a decimal string with at most 2 decimals.
    pub score: String,
    /// 评审意见.
    pub remarks: String,
}

/// The four criteria of an assessor's opinion, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpinionCriteriaInput {
    /// 完整性.
    pub completeness: CriterionInput,
    /// 相关性.
    pub relevance: CriterionInput,
    /// 适当性.
    pub appropriateness: CriterionInput,
    /// 可行性.
    pub feasibility: CriterionInput,
}

/// The body of `POST .../opinions` as sent, after [`ASSESSOR_OPINION_SCHEMA`] accepted its shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpinionInput {
    /// Score and remarks per criterion.
    pub criteria: OpinionCriteriaInput,
    /// Findings (发现的问题).
    #[serde(default)]
    pub findings: Vec<String>,
    /// Approve or revise.
    pub recommendation: Recommendation,
}

/// A validated criterion opinion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct CriterionOpinion {
    /// The criterion.
    pub criterion: Criterion,
    /// 0–100.
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub score: Decimal,
    /// Remarks, trimmed and non-blank.
    pub remarks: String,
}

/// A validated third-party opinion. Built only by [`AssessorOpinion::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct AssessorOpinion {
    criteria: Vec<CriterionOpinion>,
    findings: Vec<String>,
    recommendation: Recommendation,
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    average: Decimal,
}

impl AssessorOpinion {
    /// Validates an opinion: every score 0–100 with at most 2 decimals, every remark
    /// non-blank, and at least one finding when recommending revision.
    pub fn parse(input: OpinionInput) -> Result<AssessorOpinion, ReviewError> {
        let c = input.criteria;
        let pairs = [
            (Criterion::Completeness, c.completeness),
            (Criterion::Relevance, c.relevance),
            (Criterion::Appropriateness, c.appropriateness),
            (Criterion::Feasibility, c.feasibility),
        ];
        let mut criteria = Vec::with_capacity(4);
        let mut sum = Decimal::ZERO;
        for (criterion, ci) in pairs {
            let score = Amount::parse(&ci.score)
                .map(Amount::value)
                .filter(|d| *d <= Decimal::ONE_HUNDRED)
                .ok_or(ReviewError::ScoreInvalid { criterion })?;
            let remarks = ci.remarks.trim().to_owned();
            if remarks.is_empty() {
                return Err(ReviewError::RemarksRequired { criterion });
            }
            sum += score;
            criteria.push(CriterionOpinion { criterion, score, remarks });
        }
        let findings: Vec<String> =
            input.findings.into_iter().map(|f| f.trim().to_owned()).filter(|f| !f.is_empty()).collect();
        if input.recommendation == Recommendation::Revise && findings.is_empty() {
            return Err(ReviewError::FindingsRequired);
        }
        let average =
            (sum / Decimal::from(4)).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        Ok(AssessorOpinion { criteria, findings, recommendation: input.recommendation, average })
    }

    /// The four criteria in 88号 order.
    pub fn criteria(&self) -> &[CriterionOpinion] {
        &self.criteria
    }

    /// The findings (blank ones dropped).
    pub fn findings(&self) -> &[String] {
        &self.findings
    }

    /// The recommendation.
    pub fn recommendation(&self) -> Recommendation {
        self.recommendation
    }

    /// The mean of the four scores, rounded to 2 decimals (midpoint away from zero).
    pub fn average(&self) -> Decimal {
        self.average
    }
}

// ---------------------------------------------------------------------------------------------
// JSON Schemas of the request bodies (checked by the server before parsing; shape → 400)
// ---------------------------------------------------------------------------------------------

/// JSON Schema of the body of `POST /api/v1/targets/{id}/review` ([`ReviewInput`]).
pub const REVIEW_DECISION_SCHEMA: &str = r##"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://jixiao.example/schemas/review-decision.json",
  "title": "ReviewDecision",
  "type": "object",
  "additionalProperties": false,
  "required": ["decision", "grade"],
  "properties": {
    "decision": { "enum": ["approve", "return"] },
    "grade": { "enum": ["excellent", "good", "fair", "poor"] },
    "criteria": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "completeness": { "type": ["string", "null"], "maxLength": 4000 },
        "relevance": { "type": ["string", "null"], "maxLength": 4000 },
        "appropriateness": { "type": ["string", "null"], "maxLength": 4000 },
        "feasibility": { "type": ["string", "null"], "maxLength": 4000 }
      }
    },
    "opinion": { "type": ["string", "null"], "maxLength": 4000 },
    "approved_amount": { "type": ["string", "null"], "maxLength": 32 }
  }
}"##;

/// JSON Schema of the body of an assessor's opinion ([`OpinionInput`]).
pub const ASSESSOR_OPINION_SCHEMA: &str = r##"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://jixiao.example/schemas/assessor-opinion.json",
  "title": "AssessorOpinion",
  "type": "object",
  "additionalProperties": false,
  "required": ["criteria", "recommendation"],
  "$defs": {
    "criterion": {
      "type": "object",
      "additionalProperties": false,
      "required": ["score", "remarks"],
      "properties": {
        "score": { "type": "string", "maxLength": 8 },
        "remarks": { "type": "string", "maxLength": 4000 }
      }
    }
  },
  "properties": {
    "criteria": {
      "type": "object",
      "additionalProperties": false,
      "required": ["completeness", "relevance", "appropriateness", "feasibility"],
      "properties": {
        "completeness": { "$ref": "#/$defs/criterion" },
        "relevance": { "$ref": "#/$defs/criterion" },
        "appropriateness": { "$ref": "#/$defs/criterion" },
        "feasibility": { "$ref": "#/$defs/criterion" }
      }
    },
    "findings": { "type": "array", "maxItems": 100, "items": { "type": "string", "maxLength": 4000 } },
    "recommendation": { "enum": ["approve", "revise"] }
  }
}"##;

/// JSON Schema of the body of an assignment to a third-party assessor
/// (`{"target_ids": [...], "organisation": "...", "due": "YYYY-MM-DD"}`).
pub const ASSIGNMENT_SCHEMA: &str = r##"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://jixiao.example/schemas/assignment.json",
  "title": "Assignment",
  "type": "object",
  "additionalProperties": false,
  "required": ["target_ids", "organisation", "due"],
  "properties": {
    "target_ids": { "type": "array", "minItems": 1, "maxItems": 500, "uniqueItems": true,
                    "items": { "type": "string", "minLength": 1, "maxLength": 64 } },
    "organisation": { "type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S" },
    "due": { "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" }
  }
}"##;

// ---------------------------------------------------------------------------------------------
// JSON diff
// ---------------------------------------------------------------------------------------------

/// One difference between two JSON documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Change {
    /// JSON Pointer of the changed value.
    pub path: String,
    /// The value before (`null` when the member or element was added).
    #[serde(default)]
    pub old: Option<Value>,
    /// The value after (`null` when the member or element was removed).
    #[serde(default)]
    pub new: Option<Value>,
}

/// The differences from `old` to `new`, as JSON Pointers with old and new values, in a
/// stable order (object members by key, array elements by index). Objects are compared
/// member by member and arrays element by element; any other difference (including a
/// change of type) is one change at that path. Equal documents give an empty list.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    diff_into(&mut String::new(), old, new, &mut out);
    out
}

fn diff_into(path: &mut String, old: &Value, new: &Value, out: &mut Vec<Change>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => diff_objects(path, a, b, out),
        (Value::Array(a), Value::Array(b)) => {
            let len = a.len().max(b.len());
            for i in 0..len {
                let mark = path.len();
                path.push('/');
                path.push_str(&i.to_string());
                match (a.get(i), b.get(i)) {
                    (Some(x), Some(y)) => diff_into(path, x, y, out),
                    (x, y) => out.push(Change { path: path.clone(), old: x.cloned(), new: y.cloned() }),
                }
                path.truncate(mark);
            }
        }
        _ if old == new => {}
        _ => out.push(Change { path: path.clone(), old: Some(old.clone()), new: Some(new.clone()) }),
    }
}

fn diff_objects(path: &mut String, a: &Map<String, Value>, b: &Map<String, Value>, out: &mut Vec<Change>) {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        let mark = path.len();
        path.push('/');
        path.push_str(&k.replace('~', "~0").replace('/', "~1"));
        match (a.get(k), b.get(k)) {
            (Some(x), Some(y)) => diff_into(path, x, y, out),
            (x, y) => out.push(Change { path: path.clone(), old: x.cloned(), new: y.cloned() }),
        }
        path.truncate(mark);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::violation::{Code, Severity};
    use proptest::prelude::*;
    use serde_json::json;

    const DEPT: Actor = Actor::Department { own: true };
    const OTHER_DEPT: Actor = Actor::Department { own: false };
    const ASSESSOR: Actor = Actor::Assessor { assigned: true };
    const STRANGER: Actor = Actor::Assessor { assigned: false };

    fn error_violation() -> Violation {
        Violation {
            code: Code::IndUnitRequired,
            severity: Severity::Error,
            path: "/indicators/0/unit".into(),
            params: Map::new(),
            message: String::new(),
        }
    }

    fn warning_violation() -> Violation {
        Violation { severity: Severity::Warning, code: Code::IndPercentRange, ..error_violation() }
    }

    fn input(decision: Decision, grade: ReviewGrade, opinion: Option<&str>, amount: Option<&str>) -> ReviewInput {
        ReviewInput {
            decision,
            grade,
            criteria: CriteriaNotes::default(),
            opinion: opinion.map(Into::into),
            approved_amount: amount.map(Into::into),
        }
    }

    fn approve(amount: &str) -> ReviewDecision {
        ReviewDecision::parse(input(Decision::Approve, ReviewGrade::Excellent, None, Some(amount)), None).unwrap()
    }

    fn ret(grade: ReviewGrade) -> ReviewDecision {
        ReviewDecision::parse(input(Decision::Return, grade, Some("补充成本指标"), None), None).unwrap()
    }

    fn step(s: Lifecycle, actor: Actor, action: Action<'_>) -> Lifecycle {
        s.apply(actor, action).unwrap().to
    }

    #[test]
    fn full_cycle_with_return_resubmission_and_adjustment() {
        let s = Lifecycle::new();
        assert_eq!((s.status(), s.version(), s.in_force()), (Status::Draft, 1, None));
        let errs = [error_violation()];
        assert_eq!(s.apply(DEPT, Action::Submit { violations: &errs }).unwrap_err(), ReviewError::Violations);
        let warns = [warning_violation()];
        let s = step(s, DEPT, Action::Submit { violations: &warns });
        assert_eq!(s.status(), Status::Submitted);
        // read-only for the department until returned
        assert_eq!(
            s.apply(DEPT, Action::Edit).unwrap_err(),
            ReviewError::WrongState { action: ActionKind::Edit, status: Status::Submitted }
        );
        let s = step(s, Actor::Finance, Action::Assign);
        let s = step(s, ASSESSOR, Action::Opinion);
        let r = ret(ReviewGrade::Fair);
        let s = step(s, Actor::Finance, Action::Review(&r));
        assert_eq!(s.status(), Status::Returned);
        assert!(!s.budget_excluded());
        let s = step(s, DEPT, Action::Edit);
        assert_eq!(s.status(), Status::Returned);
        let s = step(s, DEPT, Action::Submit { violations: &[] });
        let a = approve("86.40");
        let t = s.apply(Actor::Finance, Action::Review(&a)).unwrap();
        assert_eq!(t.kind, ActionKind::Approve);
        let s = t.to;
        assert_eq!((s.status(), s.in_force()), (Status::Approved, Some(1)));
        assert!(s.is_public(false));
        assert!(!s.is_public(true));
        assert!(s.apply(DEPT, Action::Edit).is_err());
        // adjustment: version 2 is reviewed while version 1 stays in force
        let s = step(s, DEPT, Action::Adjust);
        assert_eq!((s.status(), s.version(), s.in_force()), (Status::Draft, 2, Some(1)));
        assert!(s.is_adjustment());
        assert!(s.is_public(false));
        assert!(s.apply(DEPT, Action::Delete).is_err());
        let s = step(s, DEPT, Action::Submit { violations: &[] });
        let s = step(s, Actor::Finance, Action::Review(&ret(ReviewGrade::Poor)));
        assert_eq!((s.status(), s.in_force()), (Status::Returned, Some(1)));
        assert!(s.budget_excluded());
        let s = step(s, DEPT, Action::Submit { violations: &[] });
        let s = step(s, Actor::Finance, Action::Review(&a));
        assert_eq!((s.status(), s.version(), s.in_force()), (Status::Approved, 2, Some(2)));
        assert!(!s.budget_excluded() && !s.is_adjustment());
    }

    #[test]
    fn who_may_do_what() {
        let submitted = step(Lifecycle::new(), DEPT, Action::Submit { violations: &[] });
        let a = approve("1");
        for actor in [DEPT, OTHER_DEPT, ASSESSOR, STRANGER, Actor::Admin, Actor::Anonymous] {
            assert!(submitted.apply(actor, Action::Review(&a)).is_err(), "{actor:?} reviewed");
            assert!(submitted.apply(actor, Action::Assign).is_err(), "{actor:?} assigned");
        }
        assert_eq!(submitted.apply(OTHER_DEPT, Action::Review(&a)).unwrap_err(), ReviewError::NotFound);
        assert_eq!(submitted.apply(DEPT, Action::Review(&a)).unwrap_err(), ReviewError::Forbidden);
        assert_eq!(submitted.apply(Actor::Anonymous, Action::Assign).unwrap_err(), ReviewError::Unauthenticated);
        assert_eq!(submitted.apply(STRANGER, Action::Opinion).unwrap_err(), ReviewError::NotFound);
        assert_eq!(submitted.apply(Actor::Finance, Action::Opinion).unwrap_err(), ReviewError::Forbidden);
        assert!(submitted.apply(ASSESSOR, Action::Opinion).is_ok());
        let draft = Lifecycle::new();
        assert_eq!(draft.apply(OTHER_DEPT, Action::Edit).unwrap_err(), ReviewError::NotFound);
        assert_eq!(draft.apply(Actor::Finance, Action::Edit).unwrap_err(), ReviewError::Forbidden);
        assert_eq!(draft.apply(Actor::Finance, Action::Create).unwrap_err(), ReviewError::Forbidden);
        assert_eq!(draft.apply(OTHER_DEPT, Action::Create).unwrap_err(), ReviewError::Forbidden);
        assert!(draft.apply(DEPT, Action::Create).is_ok());
        // assignment and opinions only while submitted
        assert!(matches!(draft.apply(Actor::Finance, Action::Assign), Err(ReviewError::WrongState { .. })));
        assert!(matches!(draft.apply(ASSESSOR, Action::Opinion), Err(ReviewError::WrongState { .. })));
        assert!(draft.apply(DEPT, Action::Delete).is_ok());
        assert!(Actor::Admin.can_read() && Actor::Finance.can_read() && !STRANGER.can_read());
    }

    #[test]
    fn grades_follow_88() {
        for g in [ReviewGrade::Fair, ReviewGrade::Poor] {
            let e = ReviewDecision::parse(input(Decision::Approve, g, None, Some("10")), None).unwrap_err();
            assert_eq!(e, ReviewError::GradeRequiresReturn { grade: g });
            assert_eq!(e.class(), ErrorClass::Unprocessable);
            assert_eq!(e.pointer().as_deref(), Some("/decision"));
        }
        assert_eq!(ret(ReviewGrade::Poor).outcome(), BudgetOutcome::Excluded);
        assert_eq!(ret(ReviewGrade::Fair).outcome(), BudgetOutcome::Resubmit);
        assert_eq!(ret(ReviewGrade::Good).outcome(), BudgetOutcome::Resubmit);
        let good =
            ReviewDecision::parse(input(Decision::Approve, ReviewGrade::Good, None, Some("80.5")), None).unwrap();
        assert_eq!(good.outcome(), BudgetOutcome::Included { amount: Decimal::new(805, 1) });
    }

    #[test]
    fn decision_validation() {
        let req = Amount::parse("86.40");
        let cases: [(ReviewInput, ReviewError); 6] = [
            (input(Decision::Return, ReviewGrade::Fair, None, None), ReviewError::OpinionRequired),
            (input(Decision::Return, ReviewGrade::Fair, Some("  \n"), None), ReviewError::OpinionRequired),
            (input(Decision::Return, ReviewGrade::Fair, Some("x"), Some("1")), ReviewError::ApprovedAmountOnReturn),
            (input(Decision::Approve, ReviewGrade::Good, None, None), ReviewError::ApprovedAmountRequired),
            (input(Decision::Approve, ReviewGrade::Good, None, Some("1.234")), ReviewError::ApprovedAmountInvalid),
            (
                input(Decision::Approve, ReviewGrade::Good, None, Some("86.41")),
                ReviewError::ApprovedAmountExceedsRequest,
            ),
        ];
        for (i, e) in cases {
            assert_eq!(ReviewDecision::parse(i, req).unwrap_err(), e);
            assert_eq!(e.class(), ErrorClass::Unprocessable);
            assert!(!e.message(Locale::ZhCn).is_empty() && !e.message(Locale::En).is_empty());
        }
        let ok =
            ReviewDecision::parse(input(Decision::Approve, ReviewGrade::Excellent, None, Some("86.40")), req).unwrap();
        assert_eq!(ok.approved_amount(), Some(Decimal::new(8640, 2)));
        let ser = serde_json::to_value(&ok).unwrap();
        assert_eq!(ser["approved_amount"], json!("86.40"));
        let parsed: ReviewInput =
            serde_json::from_value(json!({"decision": "return", "grade": "poor", "opinion": "差"})).unwrap();
        assert_eq!(parsed.decision, Decision::Return);
        assert!(serde_json::from_value::<ReviewInput>(json!({"decision": "x", "grade": "poor"})).is_err());
    }

    fn opinion(score: &str, remarks: &str, findings: &[&str], rec: Recommendation) -> OpinionInput {
        let c = || CriterionInput { score: score.into(), remarks: remarks.into() };
        OpinionInput {
            criteria: OpinionCriteriaInput {
                completeness: c(),
                relevance: c(),
                appropriateness: CriterionInput { score: "70".into(), remarks: "资金测算偏高".into() },
                feasibility: c(),
            },
            findings: findings.iter().map(|s| s.to_string()).collect(),
            recommendation: rec,
        }
    }

    #[test]
    fn assessor_opinion_validation() {
        let ok = AssessorOpinion::parse(opinion("85.5", "较完整", &[], Recommendation::Approve)).unwrap();
        assert_eq!(ok.average(), Decimal::new(8163, 2)); // (85.5*3 + 70)/4 = 81.625 → 81.63
        assert_eq!(ok.criteria().len(), 4);
        let e = AssessorOpinion::parse(opinion("100.01", "x", &[], Recommendation::Approve)).unwrap_err();
        assert_eq!(e, ReviewError::ScoreInvalid { criterion: Criterion::Completeness });
        assert_eq!(e.pointer().as_deref(), Some("/criteria/completeness/score"));
        let e = AssessorOpinion::parse(opinion("-1", "x", &[], Recommendation::Approve)).unwrap_err();
        assert_eq!(e, ReviewError::ScoreInvalid { criterion: Criterion::Completeness });
        let e = AssessorOpinion::parse(opinion("90", " ", &[], Recommendation::Approve)).unwrap_err();
        assert_eq!(e, ReviewError::RemarksRequired { criterion: Criterion::Completeness });
        let e = AssessorOpinion::parse(opinion("90", "x", &[" "], Recommendation::Revise)).unwrap_err();
        assert_eq!(e, ReviewError::FindingsRequired);
        assert!(AssessorOpinion::parse(opinion("90", "x", &["成本指标缺失"], Recommendation::Revise)).is_ok());
    }

    #[test]
    fn schemas_are_json_and_restore_checks_invariants() {
        for s in [REVIEW_DECISION_SCHEMA, ASSESSOR_OPINION_SCHEMA, ASSIGNMENT_SCHEMA] {
            let v: Value = serde_json::from_str(s).unwrap();
            assert_eq!(v["type"], "object");
        }
        assert!(Lifecycle::restore(Status::Approved, 1, Some(1), false).is_ok());
        assert!(Lifecycle::restore(Status::Draft, 2, Some(1), false).is_ok());
        assert!(Lifecycle::restore(Status::Returned, 2, Some(1), true).is_ok());
        assert!(Lifecycle::restore(Status::Approved, 1, None, false).is_err());
        assert!(Lifecycle::restore(Status::Approved, 2, Some(1), false).is_err());
        assert!(Lifecycle::restore(Status::Approved, 1, Some(1), true).is_err());
        assert!(Lifecycle::restore(Status::Draft, 1, Some(1), false).is_err());
        assert!(Lifecycle::restore(Status::Draft, 2, None, false).is_err());
        assert!(Lifecycle::restore(Status::Draft, 0, None, false).is_err());
        for st in Status::ALL {
            assert_eq!(Status::parse(st.as_str()), Some(st));
        }
        for k in ActionKind::ALL {
            assert_eq!(ActionKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn diff_reports_pointers_with_old_and_new_values() {
        let old = json!({"funds": {"annual_total": "86.40"}, "indicators": [{"name": "a", "value": "1"}],
                         "a/b": 1, "gone": true});
        let new = json!({"funds": {"annual_total": "80.00"}, "indicators": [{"name": "a", "value": "2"}, {"name": "b"}],
                         "a/b": 2, "added": null});
        let d = diff(&old, &new);
        let paths: Vec<&str> = d.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["/a~1b", "/added", "/funds/annual_total", "/gone", "/indicators/0/value", "/indicators/1"]);
        assert_eq!(d[2].old, Some(json!("86.40")));
        assert_eq!(d[2].new, Some(json!("80.00")));
        assert_eq!(d[3].new, None);
        assert_eq!(d[1].old, None);
        assert_eq!(d[1].new, Some(Value::Null));
        assert!(diff(&old, &old).is_empty());
        assert_eq!(diff(&json!(1), &json!("1")).len(), 1);
        assert_eq!(diff(&json!(1), &json!("1"))[0].path, "");
    }

    fn actor() -> impl Strategy<Value = Actor> {
        prop_oneof![
            Just(Actor::Anonymous),
            any::<bool>().prop_map(|own| Actor::Department { own }),
            Just(Actor::Finance),
            any::<bool>().prop_map(|assigned| Actor::Assessor { assigned }),
            Just(Actor::Admin),
        ]
    }

    #[derive(Debug, Clone)]
    enum Op {
        Create,
        Edit,
        Submit(bool),
        Review(ReviewInput),
        Assign,
        Opinion,
        Adjust,
        Delete,
    }

    fn op() -> impl Strategy<Value = Op> {
        let decision = prop_oneof![Just(Decision::Approve), Just(Decision::Return)];
        let grade = prop_oneof![
            Just(ReviewGrade::Excellent),
            Just(ReviewGrade::Good),
            Just(ReviewGrade::Fair),
            Just(ReviewGrade::Poor)
        ];
        let review = (decision, grade, proptest::option::of("[ a-z]{0,3}"), proptest::option::of("[0-9.]{0,4}"))
            .prop_map(|(d, g, o, a)| {
                Op::Review(ReviewInput {
                    decision: d,
                    grade: g,
                    criteria: CriteriaNotes::default(),
                    opinion: o,
                    approved_amount: a,
                })
            });
        prop_oneof![
            Just(Op::Create),
            Just(Op::Edit),
            any::<bool>().prop_map(Op::Submit),
            review,
            Just(Op::Assign),
            Just(Op::Opinion),
            Just(Op::Adjust),
            Just(Op::Delete),
        ]
    }

    proptest! {
        #[test]
        fn no_sequence_of_actions_reaches_an_illegal_state(ops in proptest::collection::vec((actor(), op()), 0..60)) {
            let mut s = Lifecycle::new();
            let errs = [error_violation()];
            for (who, o) in ops {
                let decision;
                let action = match &o {
                    Op::Create => continue, // a new target, not a transition of this one
                    Op::Edit => Action::Edit,
                    Op::Submit(with_errors) => Action::Submit { violations: if *with_errors { &errs } else { &[] } },
                    Op::Review(i) => match ReviewDecision::parse(i.clone(), None) {
                        Ok(d) => { decision = d; Action::Review(&decision) }
                        Err(e) => {
                            prop_assert_eq!(e.class(), ErrorClass::Unprocessable);
                            let grade_refused = matches!(e, ReviewError::GradeRequiresReturn { .. });
                            if i.decision == Decision::Approve { prop_assert!(i.grade.approvable() || grade_refused); }
                            continue;
                        }
                    },
                    Op::Assign => Action::Assign,
                    Op::Opinion => Action::Opinion,
                    Op::Adjust => Action::Adjust,
                    Op::Delete => Action::Delete,
                };
                let before = s;
                match s.apply(who, action) {
                    Ok(t) => {
                        let n = t.to;
                        // the result is a state `restore` accepts
                        prop_assert_eq!(Lifecycle::restore(n.status(), n.version(), n.in_force(), n.budget_excluded()), Ok(n));
                        // only the role of the action acts, and only on targets it can read
                        prop_assert!(who.can_read());
                        prop_assert_eq!(who.role(), Some(t.kind.role()));
                        // a submitted or approved target is never edited or resubmitted
                        if matches!(t.kind, ActionKind::Edit | ActionKind::Submit) { prop_assert!(before.editable()); }
                        if t.kind == ActionKind::Submit { prop_assert!(!matches!(o, Op::Submit(true))); }
                        // only finance leaves `submitted`, towards approved or returned
                        if before.status() == Status::Submitted && n.status() != Status::Submitted {
                            prop_assert_eq!(who, Actor::Finance);
                            prop_assert!(matches!(n.status(), Status::Approved | Status::Returned));
                        }
                        if n.status() == Status::Approved && before.status() != Status::Approved {
                            prop_assert_eq!(before.status(), Status::Submitted);
                        }
                        // an approved version stays in force until another is approved
                        if let Some(v) = before.in_force() {
                            let now = n.in_force();
                            prop_assert!(now == Some(v) || (now == Some(n.version()) && n.status() == Status::Approved));
                        }
                        prop_assert!(n.version() >= before.version());
                        if t.kind != ActionKind::Delete { s = n; } else { s = Lifecycle::new(); }
                    }
                    Err(e) => {
                        prop_assert_eq!(s, before);
                        if !who.can_read() { prop_assert!(matches!(e, ReviewError::NotFound | ReviewError::Unauthenticated)); }
                    }
                }
            }
        }
    }

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (0i64..5).prop_map(Value::from),
            "[a~/b]{0,2}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map("[a~/b]{0,2}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn unescape(t: &str) -> String {
        t.replace("~1", "/").replace("~0", "~")
    }

    /// Sets (`Some`) or removes (`None`) the value at a pointer whose parent exists.
    fn put(doc: &mut Value, path: &str, v: Option<Value>) {
        if path.is_empty() {
            *doc = v.unwrap_or(Value::Null);
            return;
        }
        let (parent, last) = path.rsplit_once('/').unwrap();
        let target = doc.pointer_mut(parent).unwrap();
        let last = unescape(last);
        match (target, v) {
            (Value::Object(m), Some(v)) => {
                m.insert(last, v);
            }
            (Value::Object(m), None) => {
                m.remove(&last);
            }
            (Value::Array(a), Some(v)) => {
                let i: usize = last.parse().unwrap();
                if i == a.len() { a.push(v) } else { a[i] = v }
            }
            (Value::Array(a), None) => {
                a.remove(last.parse::<usize>().unwrap());
            }
            (other, _) => panic!("parent of {path} is {other}"),
        }
    }

    proptest! {
        #[test]
        fn applying_the_diff_to_the_old_document_gives_the_new_one(old in json(), new in json()) {
            let changes = diff(&old, &new);
            prop_assert_eq!(changes.is_empty(), old == new);
            // Sets in order (array elements are appended in increasing index), then removals
            // from the last (so earlier indices stay valid).
            let mut doc = old.clone();
            for c in changes.iter().filter(|c| c.new.is_some()) {
                put(&mut doc, &c.path, c.new.clone());
            }
            for c in changes.iter().rev().filter(|c| c.new.is_none()) {
                prop_assert_eq!(doc.pointer(&c.path).cloned(), c.old.clone());
                put(&mut doc, &c.path, None);
            }
            prop_assert_eq!(doc, new);
        }
    }
}
