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

    /// A one-line message for users, from this module's catalogue.
    pub fn message(&self, locale: Locale) -> String {
        use ReviewError::*;
        let zh = locale == Locale::ZhCn;
        match self {
            Unauthenticated => pick(zh, "请先登录", "Authentication required").into(),
            NotFound => pick(zh, "未找到该绩效目标", "Target not found").into(),
            Forbidden => pick(zh, "当前角色无权执行此操作", "Your role may not do this").into(),
            WrongState { action, status } => {
                // What would make the action possible, so the message says how to go on.
                let (zh_when, en_when) = match action {
                    ActionKind::Edit => {
                        ("只有草稿和已退回的绩效目标可以修改", "only draft and returned targets can be edited")
                    }
                    ActionKind::Submit => {
                        ("只有草稿和已退回的绩效目标可以提交", "only draft and returned targets can be submitted")
                    }
                    ActionKind::Delete => {
                        ("只有从未批复的草稿可以删除", "only drafts that were never approved can be deleted")
                    }
                    ActionKind::Adjust => ("只有已批复的绩效目标可以调整", "only approved targets can be adjusted"),
                    ActionKind::Approve | ActionKind::Return | ActionKind::Assign | ActionKind::Opinion => {
                        ("只有已提交的绩效目标可以审核", "only submitted targets are reviewed")
                    }
                    ActionKind::Create => ("", ""),
                };
                let sep = if zh_when.is_empty() { "" } else { "；" };
                if zh {
                    format!("绩效目标当前为“{}”，不能{}{sep}{zh_when}", status.label(locale), action_label_zh(*action))
                } else {
                    let sep = if en_when.is_empty() { "" } else { "; " };
                    format!("Cannot {} a target that is {}{sep}{en_when}", action.as_str(), status.as_str())
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
