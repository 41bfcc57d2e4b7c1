//! Who may do what: the roles, a caller as seen from one target ([`Actor`]), the kinds of
//! action and [`authorize`] (state not considered; [`super::Lifecycle::apply`] adds it).

use serde::{Deserialize, Serialize};

use super::{Decision, ReviewDecision, ReviewError};
use crate::violation::Violation;

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
            Action::Review(d) => match d.decision() {
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
///
/// An administrator may also keep a department's drafts (create, edit, delete: data
/// maintenance on its behalf); it never submits, adjusts or decides.
pub fn authorize(actor: Actor, kind: ActionKind) -> Result<(), ReviewError> {
    let Some(role) = actor.role() else {
        return Err(ReviewError::Unauthenticated);
    };
    let keeps_drafts = matches!(kind, ActionKind::Create | ActionKind::Edit | ActionKind::Delete);
    if keeps_drafts && actor == Actor::Admin {
        return Ok(());
    }
    if kind == ActionKind::Create {
        // Creation is checked against the department of the document by the caller.
        return if matches!(actor, Actor::Department { own: true }) { Ok(()) } else { Err(ReviewError::Forbidden) };
    }
    if !actor.can_read() {
        return Err(ReviewError::NotFound);
    }
    if kind.role() == role { Ok(()) } else { Err(ReviewError::Forbidden) }
}
