//! The life cycle of a target as an explicit state machine: draft → submitted → approved,
//! or → returned → (edited) → submitted again; after approval a change is an adjustment
//! (调整), reviewed again while the approved version stays in force. [`Lifecycle::apply`]
//! decides every action on a target: who (policy), then the state, then the content.

use serde::{Deserialize, Serialize};

use super::{Action, ActionKind, Actor, BudgetOutcome, ReviewError, authorize};
use crate::messages::Locale;

/// Where a target stands in review (草稿 / 已提交 / 已退回 / 已批复).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema), schema(as = TargetStatus))]
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
