//! Indicator frameworks and rule profiles. Both are data (JSON files shipped in
//! `data/`, or a region's own file), never enums, so a region can change thresholds
//! without a new release. Parsing a profile file is the only place profile JSON is read.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// Display labels in the two catalogue locales.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Labels {
    /// 简体中文.
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
    /// English.
    #[serde(default)]
    pub en: String,
}

/// A level-2 indicator category allowed under a level 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Level2 {
    /// Stable code, e.g. `quantity`.
    pub code: String,
    /// Labels.
    pub label: Labels,
}

/// A level-1 indicator category with its allowed level-2 codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Level1 {
    /// Stable code, e.g. `output`.
    pub code: String,
    /// Labels.
    pub label: Labels,
    /// Allowed level-2 categories.
    pub level2: Vec<Level2>,
}

/// An indicator framework (指标体系), e.g. `cn-2015`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Framework {
    /// Identifier, e.g. `cn-2021`.
    pub id: String,
    /// Labels.
    pub name: Labels,
    /// Level-1 categories in display order.
    pub level1: Vec<Level1>,
}

impl Framework {
    /// The level-1 entry with this code.
    pub fn level1(&self, code: &str) -> Option<&Level1> {
        self.level1.iter().find(|l| l.code == code)
    }

    /// Whether `level2` is allowed under `level1`.
    pub fn allows(&self, level1: &str, level2: &str) -> bool {
        self.level1(level1).is_some_and(|l| l.level2.iter().any(|c| c.code == level2))
    }
}

/// Review thresholds of a profile (FORMATS.md §2). `None` means "not enforced".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct ReviewRules {
    /// Minimum distinct level-1 categories.
    #[serde(default)]
    pub min_level1: Option<u32>,
    /// Minimum distinct (level 1, level 2) pairs.
    #[serde(default)]
    pub min_level2: Option<u32>,
    /// Minimum level-3 indicators.
    #[serde(default)]
    pub min_level3: Option<u32>,
    /// Minimum share of quantitative indicators, as a fraction (`"0.70"`).
    #[serde(default)]
    #[cfg_attr(feature = "utoipa", schema(value_type = Option<String>))]
    pub min_quantitative_share: Option<Decimal>,
    /// Level-1 codes that must be present.
    #[serde(default)]
    pub required_level1: Vec<String>,
    /// Required sum of indicator points.
    #[serde(default)]
    #[cfg_attr(feature = "utoipa", schema(value_type = Option<String>))]
    pub points_total: Option<Decimal>,
}

/// A named rounding strategy (every rounding in jixiao names one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// 四舍五入: half away from zero (the default).
    #[default]
    MidpointAwayFromZero,
    /// Banker's rounding.
    MidpointNearestEven,
    /// Truncate.
    ToZero,
}

impl Rounding {
    /// Rounds `d` to `dp` decimals with this strategy.
    pub fn round(self, d: Decimal, dp: u32) -> Decimal {
        let s = match self {
            Rounding::MidpointAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            Rounding::MidpointNearestEven => RoundingStrategy::MidpointNearestEven,
            Rounding::ToZero => RoundingStrategy::ToZero,
        };
        let mut r = d.round_dp_with_strategy(dp, s);
        // Fixed scale, so "10" prints as "10.00" like the worked fixtures.
        r.rescale(dp);
        r
    }
}

/// How a missed reverse (≤, <) indicator is scored (DOMAIN.md §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReverseRule {
    /// Variant A: points × target ÷ actual (the default).
    #[default]
    Ratio,
    /// Variant B: points × (1 − (actual − target) ÷ target), floored at 0.
    Linear,
}

/// Grade cut-offs (half-open bands): total ≥ `excellent` is 优, and so on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct GradeBands {
    /// Lower bound of 优.
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub excellent: Decimal,
    /// Lower bound of 良.
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub good: Decimal,
    /// Lower bound of 中.
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub fair: Decimal,
}

/// How budget execution is scored (FORMATS.md §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExecutionMethod {
    /// min(rate, 1) × execution points (the default).
    #[default]
    Linear,
    /// The score of the first band whose `min_rate` ≤ rate, else 0.
    Bands,
}

/// One execution band: a rate of at least `min_rate` scores `score` (FORMATS.md §4.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct ExecutionBand {
    /// Lowest execution rate of the band, as a fraction (`"0.95"`).
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub min_rate: Decimal,
    /// Score of the band (at most the execution points).
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub score: Decimal,
}

/// Self-evaluation scoring parameters (FORMATS.md §4). Defaults are the contract's values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ScoringParams {
    /// Points of budget execution (预算执行率), 10.
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub execution_points: Decimal,
    /// An execution rate below this needs `execution.reason` (0.90).
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub execution_reason_below: Decimal,
    /// A positive result at or above this multiple of its target needs a reason (1.30).
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub over_achievement_ratio: Decimal,
    /// Lower bound of the `achieved` tier as a share of points (0.80; upper bound 1).
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub tier_achieved_min: Decimal,
    /// Lower bound of the `partial` tier (0.60; upper bound `tier_achieved_min`, exclusive).
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub tier_partial_min: Decimal,
    /// Reverse-indicator rule.
    pub reverse_rule: ReverseRule,
    /// Grade bands.
    pub grades: GradeBands,
    /// Decimals of each scored item (2).
    pub decimals: u32,
    /// Decimals of the reported execution rate (4).
    pub rate_decimals: u32,
    /// Rounding strategy of items and rate.
    pub rounding: Rounding,
    /// Linear or banded execution score.
    pub execution_method: ExecutionMethod,
    /// Execution bands, `min_rate` descending (used when `execution_method` is `bands`).
    pub execution_bands: Vec<ExecutionBand>,
}

impl Default for ScoringParams {
    fn default() -> Self {
        ScoringParams {
            execution_points: Decimal::TEN,
            execution_reason_below: Decimal::new(90, 2),
            over_achievement_ratio: Decimal::new(130, 2),
            tier_achieved_min: Decimal::new(80, 2),
            tier_partial_min: Decimal::new(60, 2),
            reverse_rule: ReverseRule::Ratio,
            grades: GradeBands { excellent: Decimal::from(90), good: Decimal::from(80), fair: Decimal::from(60) },
            decimals: 2,
            rate_decimals: 4,
            rounding: Rounding::MidpointAwayFromZero,
            execution_method: ExecutionMethod::Linear,
            execution_bands: Vec::new(),
        }
    }
}

/// Monitoring thresholds (绩效运行监控, FORMATS.md §6): a ratio below `red_below` is red,
/// below `yellow_below` yellow, from `blue_from` blue (over-run), green between.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct MonitoringParams {
    /// Red below this ratio of progress to time progress (0.6).
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub red_below: Decimal,
    /// Yellow below this ratio (0.8).
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub yellow_below: Decimal,
    /// Blue (over-run) from this ratio on (1.2); indicator rows only.
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub blue_from: Decimal,
    /// Level-2 codes whose indicators accumulate over the year and are compared with
    /// time progress (`["quantity"]`).
    pub cumulative_level2: Vec<String>,
}

impl Default for MonitoringParams {
    fn default() -> Self {
        MonitoringParams {
            red_below: Decimal::new(6, 1),
            yellow_below: Decimal::new(8, 1),
            blue_from: Decimal::new(12, 1),
            cumulative_level2: vec!["quantity".to_owned()],
        }
    }
}

/// Budget adjustment per final grade (结果应用, FORMATS.md §7): next year's recommended
/// amount = `annual_total` × (1 + adjustment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Adjustments {
    /// 优 (0).
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub excellent: Decimal,
    /// 良 (0).
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub good: Decimal,
    /// 中 (−0.1).
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub fair: Decimal,
    /// 差 (−0.3).
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub poor: Decimal,
    /// A zero score for a missing self-evaluation (−1: not funded again without a new case).
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub zero: Decimal,
}

impl Default for Adjustments {
    fn default() -> Self {
        Adjustments {
            excellent: Decimal::ZERO,
            good: Decimal::ZERO,
            fair: Decimal::new(-1, 1),
            poor: Decimal::new(-3, 1),
            zero: Decimal::NEGATIVE_ONE,
        }
    }
}

/// Results parameters (结果应用, FORMATS.md §7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ResultsParams {
    /// Budget adjustment per grade.
    pub adjustment: Adjustments,
}

/// A rule profile (审核规则): framework, review thresholds and scoring parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Profile {
    /// Identifier, e.g. `artux-2018`.
    pub id: String,
    /// Labels.
    pub name: Labels,
    /// The indicator framework in force.
    pub framework: Framework,
    /// Review thresholds.
    pub review: ReviewRules,
    /// Scoring parameters.
    pub scoring: ScoringParams,
    /// Monitoring thresholds.
    pub monitoring: MonitoringParams,
    /// Results (budget recommendation) parameters.
    pub results: ResultsParams,
}

/// The `framework` member of a profile file: a known id or an inline framework.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum FrameworkRef {
    Id(String),
    Inline(Framework),
}

#[derive(Debug, Clone, Deserialize)]
struct ProfileFile {
    id: String,
    #[serde(default)]
    name: Labels,
    framework: FrameworkRef,
    #[serde(default)]
    review: ReviewRules,
    #[serde(default)]
    scoring: ScoringParams,
    #[serde(default)]
    monitoring: MonitoringParams,
    #[serde(default)]
    results: ResultsParams,
}

/// Why a profile or framework file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The JSON does not have the profile/framework shape.
    #[error("invalid profile file: {0}")]
    Shape(#[from] serde_json::Error),
    /// The profile names a framework that is not known.
    #[error("unknown framework `{0}`")]
    UnknownFramework(String),
    /// A value is out of range (e.g. a share above 1).
    #[error("invalid profile: {0}")]
    Invalid(String),
}

/// Built-in frameworks and profiles, plus any a region loads.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    frameworks: BTreeMap<String, Framework>,
    profiles: Vec<Profile>,
}

/// The id of the default profile.
pub const DEFAULT_PROFILE: &str = "artux-2018";

const BUILTIN_FRAMEWORKS: [&str; 2] =
    [include_str!("../data/frameworks/cn-2015.json"), include_str!("../data/frameworks/cn-2021.json")];
const BUILTIN_PROFILES: [&str; 3] = [
    include_str!("../data/profiles/artux-2018.json"),
    include_str!("../data/profiles/national-2015.json"),
    include_str!("../data/profiles/national-2021.json"),
];

impl Registry {
    /// The built-in registry (parsed once). The data files are tested to parse.
    pub fn builtin() -> &'static Registry {
        static REG: OnceLock<Registry> = OnceLock::new();
        REG.get_or_init(|| Registry::load_builtin().unwrap_or_default())
    }

    fn load_builtin() -> Result<Registry, ProfileError> {
        let mut r = Registry::default();
        for f in BUILTIN_FRAMEWORKS {
            r.add_framework_json(f)?;
        }
        for p in BUILTIN_PROFILES {
            r.add_profile_json(p)?;
        }
        Ok(r)
    }

    /// Adds (or replaces) a framework given as JSON.
    pub fn add_framework_json(&mut self, json: &str) -> Result<&Framework, ProfileError> {
        let f: Framework = serde_json::from_str(json)?;
        validate_framework(&f)?;
        let id = f.id.clone();
        self.frameworks.insert(id.clone(), f);
        self.frameworks.get(&id).ok_or(ProfileError::UnknownFramework(id))
    }

    /// Parses a profile file against this registry's frameworks, without adding it.
    pub fn parse_profile_json(&self, json: &str) -> Result<Profile, ProfileError> {
        let raw: ProfileFile = serde_json::from_str(json)?;
        let framework = match raw.framework {
            FrameworkRef::Id(id) => self.frameworks.get(&id).cloned().ok_or(ProfileError::UnknownFramework(id))?,
            FrameworkRef::Inline(f) => {
                validate_framework(&f)?;
                f
            }
        };
        let profile = Profile {
            id: raw.id,
            name: raw.name,
            framework,
            review: raw.review,
            scoring: raw.scoring,
            monitoring: raw.monitoring,
            results: raw.results,
        };
        validate_profile(&profile)?;
        Ok(profile)
    }

    /// Adds (or replaces) a profile given as JSON.
    pub fn add_profile_json(&mut self, json: &str) -> Result<&Profile, ProfileError> {
        let p = self.parse_profile_json(json)?;
        Ok(self.add_profile(p))
    }

    /// Adds (or replaces) a parsed profile.
    pub fn add_profile(&mut self, p: Profile) -> &Profile {
        let idx = match self.profiles.iter().position(|q| q.id == p.id) {
            Some(i) => {
                if let Some(slot) = self.profiles.get_mut(i) {
                    *slot = p;
                }
                i
            }
            None => {
                self.profiles.push(p);
                self.profiles.len() - 1
            }
        };
        #[allow(clippy::indexing_slicing)] // idx is a valid index by construction
        &self.profiles[idx]
    }

    /// The profile with this id.
    pub fn profile(&self, id: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    /// The default profile (`artux-2018`).
    pub fn default_profile(&self) -> Option<&Profile> {
        self.profile(DEFAULT_PROFILE)
    }

    /// All profiles, in load order.
    pub fn profiles(&self) -> &[Profile] {
        &self.profiles
    }

    /// The framework with this id.
    pub fn framework(&self, id: &str) -> Option<&Framework> {
        self.frameworks.get(id)
    }
}

fn validate_framework(f: &Framework) -> Result<(), ProfileError> {
    if f.id.trim().is_empty() {
        return Err(ProfileError::Invalid("framework id is empty".into()));
    }
    let mut seen = std::collections::BTreeSet::new();
    for l1 in &f.level1 {
        if !seen.insert(l1.code.as_str()) {
            return Err(ProfileError::Invalid(format!("level 1 `{}` repeats in framework `{}`", l1.code, f.id)));
        }
    }
    Ok(())
}

fn validate_profile(p: &Profile) -> Result<(), ProfileError> {
    if p.id.trim().is_empty() {
        return Err(ProfileError::Invalid("profile id is empty".into()));
    }
    if let Some(s) = p.review.min_quantitative_share
        && (s < Decimal::ZERO || s > Decimal::ONE)
    {
        return Err(ProfileError::Invalid("min_quantitative_share must lie in 0..=1".into()));
    }
    if p.review.points_total.is_some_and(|t| t <= Decimal::ZERO) {
        return Err(ProfileError::Invalid("points_total must be > 0".into()));
    }
    let s = &p.scoring;
    let unit = Decimal::ZERO..=Decimal::ONE;
    if !unit.contains(&s.tier_partial_min)
        || !unit.contains(&s.tier_achieved_min)
        || s.tier_partial_min > s.tier_achieved_min
    {
        return Err(ProfileError::Invalid("tiers must satisfy 0 ≤ partial_min ≤ achieved_min ≤ 1".into()));
    }
    if s.execution_points < Decimal::ZERO
        || s.over_achievement_ratio <= Decimal::ZERO
        || s.execution_reason_below < Decimal::ZERO
    {
        return Err(ProfileError::Invalid("scoring numbers must be positive".into()));
    }
    if !(s.grades.excellent >= s.grades.good && s.grades.good >= s.grades.fair) {
        return Err(ProfileError::Invalid("grade bands must satisfy excellent ≥ good ≥ fair".into()));
    }
    if s.decimals > 2 || s.rate_decimals > 10 {
        return Err(ProfileError::Invalid("scoring decimals must be 0–2 and rate_decimals ≤ 10".into()));
    }
    let mut previous: Option<Decimal> = None;
    for (i, band) in s.execution_bands.iter().enumerate() {
        if band.score > s.execution_points {
            return Err(ProfileError::Invalid(format!(
                "execution band {i} scores {} above the execution points {}",
                band.score, s.execution_points
            )));
        }
        if band.min_rate < Decimal::ZERO || previous.is_some_and(|p| band.min_rate >= p) {
            return Err(ProfileError::Invalid("execution_bands must be sorted by min_rate, descending".into()));
        }
        previous = Some(band.min_rate);
    }
    if s.execution_method == ExecutionMethod::Bands && s.execution_bands.is_empty() {
        return Err(ProfileError::Invalid("execution_method `bands` needs execution_bands".into()));
    }
    let m = &p.monitoring;
    if !(Decimal::ZERO <= m.red_below && m.red_below <= m.yellow_below && m.yellow_below <= m.blue_from) {
        return Err(ProfileError::Invalid(
            "monitoring thresholds must satisfy 0 ≤ red_below ≤ yellow_below ≤ blue_from".into(),
        ));
    }
    if Decimal::ONE < m.yellow_below || m.blue_from < Decimal::ONE {
        return Err(ProfileError::Invalid("monitoring thresholds must satisfy yellow_below ≤ 1 ≤ blue_from".into()));
    }
    let a = &p.results.adjustment;
    if [a.excellent, a.good, a.fair, a.poor, a.zero].iter().any(|x| *x < Decimal::NEGATIVE_ONE) {
        return Err(ProfileError::Invalid("a budget adjustment below -1 would recommend a negative amount".into()));
    }
    for l1 in &p.review.required_level1 {
        if p.framework.level1(l1).is_none() {
            return Err(ProfileError::Invalid(format!(
                "required level 1 `{l1}` is not in framework `{}`",
                p.framework.id
            )));
        }
    }
    Ok(())
}

/// The JSON Schema of a profile file (checked by the CLI and the server before parsing).
pub const PROFILE_SCHEMA: &str = include_str!("../data/profile.schema.json");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_data_parses() {
        let r = Registry::load_builtin().map_err(|e| e.to_string());
        let r = r.as_ref().map_err(|e| e.as_str());
        assert!(r.is_ok(), "{r:?}");
        let r = Registry::builtin();
        assert_eq!(r.profiles().len(), 3);
        assert!(r.default_profile().is_some());
        assert!(r.profile("national-2021").is_some_and(|p| p.framework.allows("cost", "social")));
        assert!(r.profile("artux-2018").is_some_and(|p| !p.framework.allows("cost", "social")));
    }
}
