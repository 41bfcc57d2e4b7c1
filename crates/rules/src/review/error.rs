//! Why a review action was refused ([`ReviewError`]), its HTTP family and its messages.

use super::{ActionKind, Criterion, ReviewGrade, Status};
use crate::messages::Locale;

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

    /// A one-line message for users (the text is in [`crate::messages`], the one catalogue).
    pub fn message(&self, locale: Locale) -> String {
        crate::messages::review_refusal(self, locale)
    }
}
