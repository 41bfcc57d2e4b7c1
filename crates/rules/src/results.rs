//! Results (结果应用, FORMATS.md §7): next year's recommended budget from this year's
//! final grade. Pure arithmetic on the profile's [`ResultsParams`](crate::profile::ResultsParams);
//! finance's own amount and reason are kept beside it by the server, not decided here.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::profile::{Profile, Rounding};
use crate::scoring::Grade;

/// Next year's recommended amount for one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Recommendation {
    /// The adjustment applied (e.g. `-0.1` for 中).
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub adjustment: Decimal,
    /// `annual_total` × (1 + adjustment), 2 decimals, midpoint away from zero (万元).
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub amount: Decimal,
}

/// The recommendation for a target of `annual_total` 万元 whose final grade is `grade`;
/// `zero_score` marks a target scored 0 for a missing self-evaluation (it takes the
/// profile's `zero` adjustment, −1 by default: not funded again without a new case).
/// `None` only when the product is beyond Decimal's range.
pub fn recommend(annual_total: Decimal, grade: Grade, zero_score: bool, profile: &Profile) -> Option<Recommendation> {
    let a = &profile.results.adjustment;
    let adjustment = if zero_score {
        a.zero
    } else {
        match grade {
            Grade::Excellent => a.excellent,
            Grade::Good => a.good,
            Grade::Fair => a.fair,
            Grade::Poor => a.poor,
        }
    };
    let factor = Decimal::ONE.checked_add(adjustment)?;
    let amount = Rounding::MidpointAwayFromZero.round(annual_total.checked_mul(factor)?, 2);
    Some(Recommendation { adjustment, amount: amount.max(Decimal::ZERO) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Registry;

    #[test]
    fn defaults_follow_the_contract() {
        let p = Registry::builtin().default_profile().cloned().unwrap_or_else(|| unreachable!());
        let r = |g, z| recommend(Decimal::new(8640, 2), g, z, &p).map(|r| r.amount.to_string());
        assert_eq!(r(Grade::Excellent, false).as_deref(), Some("86.40"));
        assert_eq!(r(Grade::Good, false).as_deref(), Some("86.40"));
        assert_eq!(r(Grade::Fair, false).as_deref(), Some("77.76"));
        assert_eq!(r(Grade::Poor, false).as_deref(), Some("60.48"));
        assert_eq!(r(Grade::Poor, true).as_deref(), Some("0.00"));
        // midpoint away from zero: 0.05 × 0.9 = 0.045 → 0.05
        assert_eq!(
            recommend(Decimal::new(5, 2), Grade::Fair, false, &p).map(|r| r.amount.to_string()).as_deref(),
            Some("0.05")
        );
    }
}
