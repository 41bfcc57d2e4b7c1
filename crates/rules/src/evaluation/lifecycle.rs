//! The life cycle of a self-evaluation (单位自评) and who may move it (the one place that
//! decides): the department drafts and submits the evaluation of its own approved target;
//! finance files it (备案) or returns it with an opinion; finance, or a third-party assessor
//! finance assigned to it, may re-evaluate (复评) a filed one; closing the year scores every
//! approved target without a filed evaluation 0 (未按要求开展绩效自评). Filed and
//! zero-scored evaluations are final. Evidence files (佐证材料) are attached and removed by
//! the department while the document may change.
//!
//! ```text
//! draft ──submit──▶ submitted ──file──▶ filed ──re-evaluate──▶ filed
//!   ▲                  │
//!   └──(edit) returned ◀┘ return          (close year: draft/submitted/returned/none ──▶ zero_scored)
//! ```

use serde::{Deserialize, Serialize};

pub use crate::monitoring::lifecycle::LifecycleError;
use crate::review::Actor;

/// Where a self-evaluation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EvaluationStatus {
    /// 草稿.
    Draft,
    /// 已提交, waiting for finance.
    Submitted,
    /// 已退回 with an opinion.
    Returned,
    /// 已备案: final (unless re-evaluated).
    Filed,
    /// 0 分: no filed self-evaluation when the year closed.
    ZeroScored,
}

impl EvaluationStatus {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EvaluationStatus::Draft => "draft",
            EvaluationStatus::Submitted => "submitted",
            EvaluationStatus::Returned => "returned",
            EvaluationStatus::Filed => "filed",
            EvaluationStatus::ZeroScored => "zero_scored",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<EvaluationStatus> {
        match s {
            "draft" => Some(EvaluationStatus::Draft),
            "submitted" => Some(EvaluationStatus::Submitted),
            "returned" => Some(EvaluationStatus::Returned),
            "filed" => Some(EvaluationStatus::Filed),
            "zero_scored" => Some(EvaluationStatus::ZeroScored),
            _ => None,
        }
    }

    /// Whether the document may still change.
    pub fn editable(self) -> bool {
        matches!(self, EvaluationStatus::Draft | EvaluationStatus::Returned)
    }

    /// Whether the evaluation has a final score (filed or zero).
    pub fn is_final(self) -> bool {
        matches!(self, EvaluationStatus::Filed | EvaluationStatus::ZeroScored)
    }
}

/// What is done to a self-evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EvaluationAction {
    /// Create the evaluation of an approved target of a year still open.
    Create,
    /// Replace the document.
    Edit,
    /// Submit to finance (no error may remain: checked by the caller).
    Submit,
    /// Finance files it (备案).
    File,
    /// Finance returns it with an opinion.
    Return,
    /// Finance re-evaluates a filed one (复评).
    ReEvaluate,
    /// Finance closes the year: a non-final evaluation becomes 0 分.
    CloseYear,
    /// Finance raises a rectification task (整改) on a final evaluation.
    Rectify,
    /// Finance assigns a filed evaluation to a third-party assessor for re-evaluation.
    Assign,
    /// The department attaches an evidence file.
    AttachEvidence,
    /// The department removes an evidence file.
    RemoveEvidence,
}

impl EvaluationAction {
    /// Stable name (audit trail).
    pub fn as_str(self) -> &'static str {
        match self {
            EvaluationAction::Create => "evaluation.create",
            EvaluationAction::Edit => "evaluation.update",
            EvaluationAction::Submit => "evaluation.submit",
            EvaluationAction::File => "evaluation.file",
            EvaluationAction::Return => "evaluation.return",
            EvaluationAction::ReEvaluate => "evaluation.re_evaluate",
            EvaluationAction::CloseYear => "evaluation.zero_score",
            EvaluationAction::Rectify => "evaluation.rectify",
            EvaluationAction::Assign => "evaluation.assign",
            EvaluationAction::AttachEvidence => "evaluation.evidence.attach",
            EvaluationAction::RemoveEvidence => "evaluation.evidence.remove",
        }
    }
}

/// Whether `actor` may read a self-evaluation (its department, finance, administrators, and
/// an assessor it is assigned to).
pub fn can_read(actor: Actor) -> bool {
    crate::monitoring::lifecycle::can_read(actor) || actor == Actor::Assessor { assigned: true }
}

/// Decides `action` by `actor` on an evaluation in `status` (`None` before it exists).
pub fn apply(
    actor: Actor,
    status: Option<EvaluationStatus>,
    action: EvaluationAction,
) -> Result<EvaluationStatus, LifecycleError> {
    use EvaluationAction as A;
    use EvaluationStatus as S;
    let department = matches!(actor, Actor::Department { own: true });
    let finance = matches!(actor, Actor::Finance);
    if status.is_some() && !can_read(actor) {
        return Err(LifecycleError::Hidden);
    }
    let writes = matches!(action, A::Create | A::Edit | A::Submit | A::AttachEvidence | A::RemoveEvidence);
    let allowed = match action {
        _ if writes => department,
        A::ReEvaluate => finance || actor == Actor::Assessor { assigned: true },
        _ => finance,
    };
    if !allowed {
        let verb = if writes { "write" } else { "decide on" };
        return Err(if !can_read(actor) { LifecycleError::Hidden } else { LifecycleError::Forbidden(verb) });
    }
    let wrong = |s: S, what: &'static str| Err(LifecycleError::WrongState(s.as_str(), what));
    match (action, status) {
        (A::Create, None) => Ok(S::Draft),
        (A::Create, Some(s)) => wrong(s, "created again"),
        (A::CloseYear, None) => Ok(S::ZeroScored),
        (A::CloseYear, Some(s)) if !s.is_final() => Ok(S::ZeroScored),
        (A::CloseYear, Some(s)) => wrong(s, "zero-scored"),
        (_, None) => Err(LifecycleError::Hidden),
        (A::Edit, Some(s)) if s.editable() => Ok(s),
        (A::Edit, Some(s)) => wrong(s, "edited"),
        (A::Submit, Some(s)) if s.editable() => Ok(S::Submitted),
        (A::Submit, Some(s)) => wrong(s, "submitted"),
        (A::File, Some(S::Submitted)) => Ok(S::Filed),
        (A::File, Some(s)) => wrong(s, "filed"),
        (A::Return, Some(S::Submitted)) => Ok(S::Returned),
        (A::Return, Some(s)) => wrong(s, "returned"),
        (A::ReEvaluate, Some(S::Filed)) => Ok(S::Filed),
        (A::ReEvaluate, Some(s)) => wrong(s, "re-evaluated"),
        (A::Rectify, Some(s)) if s.is_final() => Ok(s),
        (A::Rectify, Some(s)) => wrong(s, "given a rectification task"),
        (A::Assign, Some(S::Filed)) => Ok(S::Filed),
        (A::Assign, Some(s)) => wrong(s, "assigned for re-evaluation"),
        (A::AttachEvidence | A::RemoveEvidence, Some(s)) if s.editable() => Ok(s),
        (A::AttachEvidence, Some(s)) => wrong(s, "given more evidence"),
        (A::RemoveEvidence, Some(s)) => wrong(s, "stripped of evidence"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EvaluationAction as A;
    use EvaluationStatus as S;

    const OWN: Actor = Actor::Department { own: true };

    #[test]
    fn the_cycle_close_and_refusals() {
        assert_eq!(apply(OWN, None, A::Create), Ok(S::Draft));
        assert_eq!(apply(OWN, Some(S::Draft), A::Submit), Ok(S::Submitted));
        assert_eq!(apply(Actor::Finance, Some(S::Submitted), A::Return), Ok(S::Returned));
        assert_eq!(apply(OWN, Some(S::Returned), A::Submit), Ok(S::Submitted));
        assert_eq!(apply(Actor::Finance, Some(S::Submitted), A::File), Ok(S::Filed));
        assert_eq!(apply(Actor::Finance, Some(S::Filed), A::ReEvaluate), Ok(S::Filed));
        assert_eq!(apply(Actor::Finance, None, A::CloseYear), Ok(S::ZeroScored));
        assert_eq!(apply(Actor::Finance, Some(S::Draft), A::CloseYear), Ok(S::ZeroScored));
        assert_eq!(
            apply(Actor::Finance, Some(S::Filed), A::CloseYear),
            Err(LifecycleError::WrongState("filed", "zero-scored"))
        );
        assert_eq!(apply(OWN, Some(S::Filed), A::Edit), Err(LifecycleError::WrongState("filed", "edited")));
        assert_eq!(apply(OWN, Some(S::Submitted), A::File), Err(LifecycleError::Forbidden("decide on")));
        assert_eq!(apply(Actor::Department { own: false }, Some(S::Draft), A::Edit), Err(LifecycleError::Hidden));
        assert_eq!(
            apply(Actor::Finance, Some(S::ZeroScored), A::ReEvaluate),
            Err(LifecycleError::WrongState("zero_scored", "re-evaluated"))
        );
    }

    #[test]
    fn assessors_re_evaluate_what_they_are_assigned_and_nothing_else() {
        const ASSIGNED: Actor = Actor::Assessor { assigned: true };
        const STRANGER: Actor = Actor::Assessor { assigned: false };
        assert_eq!(apply(Actor::Finance, Some(S::Filed), A::Assign), Ok(S::Filed));
        assert_eq!(
            apply(Actor::Finance, Some(S::Submitted), A::Assign),
            Err(LifecycleError::WrongState("submitted", "assigned for re-evaluation"))
        );
        assert!(can_read(ASSIGNED) && !can_read(STRANGER));
        assert_eq!(apply(ASSIGNED, Some(S::Filed), A::ReEvaluate), Ok(S::Filed));
        assert_eq!(apply(STRANGER, Some(S::Filed), A::ReEvaluate), Err(LifecycleError::Hidden));
        assert_eq!(apply(ASSIGNED, Some(S::Filed), A::Assign), Err(LifecycleError::Forbidden("decide on")));
        assert_eq!(apply(ASSIGNED, Some(S::Filed), A::File), Err(LifecycleError::Forbidden("decide on")));
        assert_eq!(apply(ASSIGNED, Some(S::Draft), A::Edit), Err(LifecycleError::Forbidden("write")));
    }

    #[test]
    fn evidence_changes_while_the_document_may() {
        assert_eq!(apply(OWN, Some(S::Draft), A::AttachEvidence), Ok(S::Draft));
        assert_eq!(apply(OWN, Some(S::Returned), A::RemoveEvidence), Ok(S::Returned));
        assert_eq!(
            apply(OWN, Some(S::Submitted), A::AttachEvidence),
            Err(LifecycleError::WrongState("submitted", "given more evidence"))
        );
        assert_eq!(
            apply(OWN, Some(S::Filed), A::RemoveEvidence),
            Err(LifecycleError::WrongState("filed", "stripped of evidence"))
        );
        assert_eq!(apply(Actor::Finance, Some(S::Draft), A::AttachEvidence), Err(LifecycleError::Forbidden("write")));
        assert_eq!(
            apply(Actor::Department { own: false }, Some(S::Draft), A::AttachEvidence),
            Err(LifecycleError::Hidden)
        );
    }

    #[test]
    fn every_refusal_reads_in_chinese() {
        use crate::Locale;
        use crate::monitoring::lifecycle::{ReportAction as RA, ReportStatus as RS};
        let actors = [
            Actor::Anonymous,
            OWN,
            Actor::Department { own: false },
            Actor::Finance,
            Actor::Assessor { assigned: true },
            Actor::Assessor { assigned: false },
            Actor::Admin,
        ];
        let mut refusals = Vec::new();
        for actor in actors {
            let statuses =
                [None, Some(S::Draft), Some(S::Submitted), Some(S::Returned), Some(S::Filed), Some(S::ZeroScored)];
            for status in statuses {
                let actions = [
                    A::Create,
                    A::Edit,
                    A::Submit,
                    A::File,
                    A::Return,
                    A::ReEvaluate,
                    A::CloseYear,
                    A::Rectify,
                    A::Assign,
                    A::AttachEvidence,
                    A::RemoveEvidence,
                ];
                refusals.extend(actions.into_iter().filter_map(|a| apply(actor, status, a).err()));
            }
            for status in [None, Some(RS::Draft), Some(RS::Submitted), Some(RS::Returned), Some(RS::Accepted)] {
                let actions = [RA::Create, RA::Edit, RA::Submit, RA::Accept, RA::Return, RA::Rectify];
                refusals.extend(
                    actions.into_iter().filter_map(|a| crate::monitoring::lifecycle::apply(actor, status, a).err()),
                );
            }
        }
        assert!(refusals.len() > 50);
        for e in refusals {
            let zh = e.message(Locale::ZhCn);
            assert!(
                !zh.chars().any(|c| c.is_ascii_alphabetic()) && !zh.contains("其他") && !zh.contains("执行此操作"),
                "{e:?}: {zh}"
            );
            assert_eq!(e.message(Locale::En), e.to_string());
        }
    }
}
