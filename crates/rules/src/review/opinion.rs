//! The structured opinion of a third-party assessor ([`OpinionInput`] → [`AssessorOpinion`]).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Criterion, ReviewError};
use crate::values::Amount;

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
    #[cfg_attr(feature = "utoipa", schema(max_length = 8))]
    pub score: String,
    /// 评审意见.
    #[cfg_attr(feature = "utoipa", schema(max_length = 4000))]
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

/// The body of `POST .../opinions` as sent, after its JSON Schema (this type's, as published)
/// accepted its shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpinionInput {
    /// Score and remarks per criterion.
    pub criteria: OpinionCriteriaInput,
    /// Findings (发现的问题), at most 100 of at most 4000 characters each.
    #[serde(default)]
    #[cfg_attr(feature = "utoipa", schema(schema_with = findings_schema))]
    pub findings: Vec<String>,
    /// Approve or revise.
    pub recommendation: Recommendation,
}

/// `findings` as the server checks it: at most 100 strings of at most 4000 characters.
#[cfg(feature = "utoipa")]
fn findings_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(ObjectBuilder::new().schema_type(Type::String).max_length(Some(4000)))
        .max_items(Some(100))
        .description(Some("Findings (发现的问题), at most 100 of at most 4000 characters each."))
        .build()
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
