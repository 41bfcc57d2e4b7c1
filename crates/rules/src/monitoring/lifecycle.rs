//! The life cycle of a monitoring report and who may move it (the one place that decides):
//! a department creates and edits a draft of its own target's report, submits it;
//! finance accepts it or returns it with an opinion; a returned report is edited and
//! submitted again. Submitted and accepted reports are immutable.
//!
//! ```text
//! draft ──submit──▶ submitted ──accept──▶ accepted
//!   ▲                  │
//!   └──(edit) returned ◀┘ return
//! ```

use serde::{Deserialize, Serialize};

use crate::Locale;
use crate::review::Actor;

/// Where a report is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// 草稿: the department is filling it in.
    Draft,
    /// 已报送: waiting for finance.
    Submitted,
    /// 已退回: finance returned it with an opinion.
    Returned,
    /// 已审核: accepted by finance; counts for coverage.
    Accepted,
}

impl ReportStatus {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Draft => "draft",
            ReportStatus::Submitted => "submitted",
            ReportStatus::Returned => "returned",
            ReportStatus::Accepted => "accepted",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<ReportStatus> {
        match s {
            "draft" => Some(ReportStatus::Draft),
            "submitted" => Some(ReportStatus::Submitted),
            "returned" => Some(ReportStatus::Returned),
            "accepted" => Some(ReportStatus::Accepted),
            _ => None,
        }
    }

    /// 草稿 / 已报送 / 已退回 / 已审核.
    pub fn label_zh(self) -> &'static str {
        match self {
            ReportStatus::Draft => "草稿",
            ReportStatus::Submitted => "已报送",
            ReportStatus::Returned => "已退回",
            ReportStatus::Accepted => "已审核",
        }
    }

    /// Whether the document may still change.
    pub fn editable(self) -> bool {
        matches!(self, ReportStatus::Draft | ReportStatus::Returned)
    }
}

/// What is done to a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportAction {
    /// Create the report of a due target.
    Create,
    /// Replace the document.
    Edit,
    /// Submit to finance (the document must have no error: checked by the caller).
    Submit,
    /// Finance accepts.
    Accept,
    /// Finance returns with an opinion.
    Return,
    /// Finance flags the report for rectification (需要整改) or records the result.
    Rectify,
}

impl ReportAction {
    /// Stable name (audit trail).
    pub fn as_str(self) -> &'static str {
        match self {
            ReportAction::Create => "monitoring.create",
            ReportAction::Edit => "monitoring.update",
            ReportAction::Submit => "monitoring.submit",
            ReportAction::Accept => "monitoring.accept",
            ReportAction::Return => "monitoring.return",
            ReportAction::Rectify => "monitoring.rectify",
        }
    }
}

/// Why an action is refused (by this life cycle and by the evaluation's, which shares it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    /// The caller may not see the record at all (answer as "not found").
    #[error("no such record")]
    Hidden,
    /// The caller's role may not do this.
    #[error("this role may not {0} it")]
    Forbidden(&'static str),
    /// Not in this state.
    #[error("it is {0}, so it cannot be {1}")]
    WrongState(&'static str, &'static str),
}

impl LifecycleError {
    /// A one-line message for users (the text is in [`crate::messages`], the one catalogue).
    pub fn message(&self, locale: Locale) -> String {
        crate::messages::lifecycle_refusal(self, locale)
    }
}

/// Whether `actor` may read a report (its department, finance, administrators).
pub fn can_read(actor: Actor) -> bool {
    matches!(actor, Actor::Department { own: true } | Actor::Finance | Actor::Admin)
}

/// Decides `action` by `actor` on a report in `status` (`None` before it exists):
/// the new status, or why not.
pub fn apply(actor: Actor, status: Option<ReportStatus>, action: ReportAction) -> Result<ReportStatus, LifecycleError> {
    use ReportAction as A;
    use ReportStatus as S;
    if status.is_some() && !can_read(actor) {
        return Err(LifecycleError::Hidden);
    }
    let department = matches!(actor, Actor::Department { own: true });
    let finance = matches!(actor, Actor::Finance);
    let (allowed, verb) = match action {
        A::Create | A::Edit | A::Submit => (department, "write"),
        A::Accept | A::Return | A::Rectify => (finance, "decide on"),
    };
    if !allowed {
        return Err(
            if matches!(actor, Actor::Department { own: false } | Actor::Assessor { .. } | Actor::Anonymous)
                && status.is_some()
            {
                LifecycleError::Hidden
            } else {
                LifecycleError::Forbidden(verb)
            },
        );
    }
    let wrong = |s: S, what: &'static str| Err(LifecycleError::WrongState(s.as_str(), what));
    match (action, status) {
        (A::Create, None) => Ok(S::Draft),
        (A::Create, Some(s)) => wrong(s, "created again"),
        (_, None) => Err(LifecycleError::Hidden),
        (A::Edit, Some(s)) if s.editable() => Ok(s),
        (A::Edit, Some(s)) => wrong(s, "edited"),
        (A::Submit, Some(s)) if s.editable() => Ok(S::Submitted),
        (A::Submit, Some(s)) => wrong(s, "submitted"),
        (A::Accept, Some(S::Submitted)) => Ok(S::Accepted),
        (A::Accept, Some(s)) => wrong(s, "accepted"),
        (A::Return, Some(S::Submitted)) => Ok(S::Returned),
        (A::Return, Some(s)) => wrong(s, "returned"),
        (A::Rectify, Some(s)) if matches!(s, S::Submitted | S::Accepted) => Ok(s),
        (A::Rectify, Some(s)) => wrong(s, "flagged for rectification"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportAction as A;
    use ReportStatus as S;

    const OWN: Actor = Actor::Department { own: true };
    const OTHER: Actor = Actor::Department { own: false };

    #[test]
    fn the_cycle_and_who_moves_it() {
        assert_eq!(apply(OWN, None, A::Create), Ok(S::Draft));
        assert_eq!(apply(OWN, Some(S::Draft), A::Edit), Ok(S::Draft));
        assert_eq!(apply(OWN, Some(S::Draft), A::Submit), Ok(S::Submitted));
        assert_eq!(apply(Actor::Finance, Some(S::Submitted), A::Return), Ok(S::Returned));
        assert_eq!(apply(OWN, Some(S::Returned), A::Edit), Ok(S::Returned));
        assert_eq!(apply(OWN, Some(S::Returned), A::Submit), Ok(S::Submitted));
        assert_eq!(apply(Actor::Finance, Some(S::Submitted), A::Accept), Ok(S::Accepted));
        assert_eq!(apply(Actor::Finance, Some(S::Accepted), A::Rectify), Ok(S::Accepted));
    }

    #[test]
    fn refusals() {
        assert_eq!(apply(OWN, Some(S::Submitted), A::Edit), Err(LifecycleError::WrongState("submitted", "edited")));
        assert_eq!(apply(OWN, Some(S::Accepted), A::Submit), Err(LifecycleError::WrongState("accepted", "submitted")));
        assert_eq!(apply(OWN, Some(S::Submitted), A::Accept), Err(LifecycleError::Forbidden("decide on")));
        assert_eq!(apply(Actor::Finance, Some(S::Draft), A::Edit), Err(LifecycleError::Forbidden("write")));
        assert_eq!(
            apply(Actor::Finance, Some(S::Draft), A::Accept),
            Err(LifecycleError::WrongState("draft", "accepted"))
        );
        assert_eq!(apply(OTHER, Some(S::Draft), A::Edit), Err(LifecycleError::Hidden));
        assert_eq!(
            apply(Actor::Assessor { assigned: true }, Some(S::Accepted), A::Accept),
            Err(LifecycleError::Hidden)
        );
        assert_eq!(apply(Actor::Admin, Some(S::Draft), A::Submit), Err(LifecycleError::Forbidden("write")));
        assert_eq!(apply(Actor::Finance, None, A::Create), Err(LifecycleError::Forbidden("write")));
    }
}
