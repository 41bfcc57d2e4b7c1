//! The review decision of finance ([`ReviewInput`] → [`ReviewDecision`]) with the 88号
//! grade consequences (优/良 may be approved; 中 must be returned; 差 is returned and marked
//! as not entering the budget) and the approved amount (同批复).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::ReviewError;
use crate::values::Amount;

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
    #[cfg_attr(feature = "utoipa", schema(max_length = 4000))]
    pub completeness: Option<String>,
    /// 相关性.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "utoipa", schema(max_length = 4000))]
    pub relevance: Option<String>,
    /// 适当性.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "utoipa", schema(max_length = 4000))]
    pub appropriateness: Option<String>,
    /// 可行性.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "utoipa", schema(max_length = 4000))]
    pub feasibility: Option<String>,
}

/// The body of a review request as sent (`POST /targets/{id}/review`), after its JSON Schema
/// (this type's, as published) accepted its shape.
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
    #[cfg_attr(feature = "utoipa", schema(max_length = 4000))]
    pub opinion: Option<String>,
    /// On approval, the approved amount in 万元 as a decimal string (同批复).
    #[serde(default)]
    #[cfg_attr(feature = "utoipa", schema(max_length = 32))]
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
