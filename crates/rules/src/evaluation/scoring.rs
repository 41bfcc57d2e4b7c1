//! Self-evaluation scoring (绩效自评, 财预〔2020〕10号; FORMATS.md §4): the execution
//! score, one row per target indicator, qualitative tiers, rounding, total and grade.
//! Every number comes from the profile's [`ScoringParams`].

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::document::{self, Nature, Operator, TargetDocument, TargetValue};
use crate::execution::amount;
use crate::messages::Locale;
use crate::profile::{ExecutionMethod, Profile, ReverseRule, ScoringParams};
use crate::values::{Date, is_blank, parse_signed_decimal};
use crate::violation::{Code, Sink, Violation, params};

/// Grade of a total (half-open bands).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// 优.
    Excellent,
    /// 良.
    Good,
    /// 中.
    Fair,
    /// 差.
    Poor,
}

impl Grade {
    /// The grade of `total` under `p`'s bands.
    pub fn of(total: Decimal, p: &ScoringParams) -> Grade {
        if total >= p.grades.excellent {
            Grade::Excellent
        } else if total >= p.grades.good {
            Grade::Good
        } else if total >= p.grades.fair {
            Grade::Fair
        } else {
            Grade::Poor
        }
    }

    /// 优 / 良 / 中 / 差.
    pub fn label_zh(self) -> &'static str {
        match self {
            Grade::Excellent => "优",
            Grade::Good => "良",
            Grade::Fair => "中",
            Grade::Poor => "差",
        }
    }
}

/// Which rule scored an indicator row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Target met: full points.
    Full,
    /// Positive indicator missed: points × actual ÷ target.
    Proportional,
    /// Reverse indicator missed.
    ReverseProportional,
    /// Target ≤ 0: all or nothing.
    ZeroTarget,
    /// Date target: all or nothing.
    Date,
    /// Qualitative tier with an evaluator's score.
    QualitativeTier,
    /// No result: 0.
    Missing,
}

/// Execution part of the output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct ExecutionScore {
    /// 执行率, rounded to the profile's rate decimals; null when the figures are invalid.
    #[cfg_attr(feature = "utoipa", schema(value_type = Option<String>))]
    pub rate: Option<Decimal>,
    /// Points of budget execution.
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub points: Decimal,
    /// Score, rounded; null when the figures are invalid. An assessor's override when one is applied.
    #[cfg_attr(feature = "utoipa", schema(value_type = Option<String>))]
    pub score: Option<Decimal>,
    /// `true` when `score` is an assessor's override (FORMATS.md §4.1).
    #[serde(rename = "override", default, skip_serializing_if = "std::ops::Not::not")]
    pub overridden: bool,
    /// What the rules gave, shown beside an override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "utoipa", schema(value_type = Option<String>))]
    pub formula_score: Option<Decimal>,
}

/// One scored indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct IndicatorScore {
    /// The target indicator's id.
    pub indicator_id: String,
    /// Its points (null when the target has none valid).
    #[cfg_attr(feature = "utoipa", schema(value_type = Option<String>))]
    pub points: Option<Decimal>,
    /// Rounded score (null when the result could not be scored).
    #[cfg_attr(feature = "utoipa", schema(value_type = Option<String>))]
    pub score: Option<Decimal>,
    /// The rule applied (null when not scored).
    pub rule: Option<Rule>,
    /// `true` when `score` is an assessor's override (FORMATS.md §4.1).
    #[serde(rename = "override", default, skip_serializing_if = "std::ops::Not::not")]
    pub overridden: bool,
    /// What the rules gave, shown beside an override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "utoipa", schema(value_type = Option<String>))]
    pub formula_score: Option<Decimal>,
}

impl IndicatorScore {
    fn new(indicator_id: String, points: Option<Decimal>, score: Option<Decimal>, rule: Option<Rule>) -> Self {
        IndicatorScore { indicator_id, points, score, rule, overridden: false, formula_score: None }
    }
}

/// The scoring output of FORMATS.md §4.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct ScoreReport {
    /// Budget execution.
    pub execution: ExecutionScore,
    /// One row per target indicator, in target order.
    pub indicators: Vec<IndicatorScore>,
    /// Sum of rounded items; null while any error remains.
    #[cfg_attr(feature = "utoipa", schema(value_type = Option<String>))]
    pub total: Option<Decimal>,
    /// Grade of the total; null while any error remains.
    pub grade: Option<Grade>,
    /// EVAL_* and input violations (paths point into the evaluation document).
    pub violations: Vec<Violation>,
}

fn reason_given(o: &Map<String, Value>, key: &str) -> bool {
    matches!(o.get(key), Some(Value::String(s)) if !s.trim().is_empty())
}

fn execution(eval: &Map<String, Value>, p: &ScoringParams, sink: &mut Sink) -> ExecutionScore {
    let mut out =
        ExecutionScore { rate: None, points: p.execution_points, score: None, overridden: false, formula_score: None };
    let e = match eval.get("execution") {
        v if is_blank(v) => {
            sink.push(Code::DocFieldRequired, "/execution");
            return out;
        }
        Some(Value::Object(e)) => e,
        _ => {
            sink.push(Code::DocFieldInvalid, "/execution");
            return out;
        }
    };
    amount(e, "budget_initial", sink, false);
    let full = amount(e, "budget_full_year", sink, true);
    let executed = amount(e, "executed", sink, true);
    let full = match full {
        Some(f) if f.value().is_zero() => {
            sink.push(Code::DocFieldInvalid, "/execution/budget_full_year");
            None
        }
        f => f,
    };
    if let (Some(full), Some(executed)) = (full, executed) {
        let (full, executed) = (full.value(), executed.value());
        // A rate too large for a Decimal is still ≥ 1: it is not shown, the score is capped.
        let rate = executed.checked_div(full);
        out.rate = rate.map(|r| p.rounding.round(r, p.rate_decimals));
        let score = match p.execution_method {
            ExecutionMethod::Linear if executed >= full => p.execution_points,
            // executed < full, so the rate is below 1 and defined.
            ExecutionMethod::Linear => ratio_of(p.execution_points, executed, full),
            // The first band whose min_rate ≤ rate, decided exactly (min_rate × full ≤ executed).
            ExecutionMethod::Bands => p
                .execution_bands
                .iter()
                .find(|b| b.min_rate.checked_mul(full).is_none_or(|x| x <= executed))
                .map_or(Decimal::ZERO, |b| b.score),
        };
        out.score = Some(p.rounding.round(score, p.decimals));
        if rate.is_some_and(|r| r < p.execution_reason_below) && !reason_given(e, "reason") {
            let shown = rate.map(|r| p.rounding.round(r, p.rate_decimals).normalize().to_string());
            sink.push_with(Code::EvalReasonRequired, "/execution/reason", params([("rate", shown.into())]));
        }
    }
    if let Some(o) = assessor_override(e, "/execution", p.execution_points, p, sink) {
        out.formula_score = out.score;
        out.score = Some(o);
        out.overridden = true;
    }
    out
}

/// Reads an assessor's override (`{score, reason}`) at `base/override` (FORMATS.md §4.1):
/// the score when it is valid, after reporting what is not.
fn assessor_override(
    o: &Map<String, Value>,
    base: &str,
    points: Decimal,
    p: &ScoringParams,
    sink: &mut Sink,
) -> Option<Decimal> {
    let ov = match o.get("override") {
        None | Some(Value::Null) => return None,
        Some(Value::Object(ov)) => ov,
        Some(_) => {
            sink.push(Code::DocFieldInvalid, format!("{base}/override"));
            return None;
        }
    };
    let reason_ok = reason_given(ov, "reason");
    if !reason_ok {
        sink.push(Code::EvalOverrideReasonRequired, format!("{base}/override/reason"));
    }
    let score = match ov.get("score") {
        Some(Value::String(s)) => crate::values::parse_unsigned_decimal(s),
        _ => None,
    }
    .filter(|s| *s <= points && s.scale() <= p.decimals);
    if score.is_none() {
        sink.push_with(
            Code::EvalOverrideOutOfRange,
            format!("{base}/override/score"),
            params([("max", points.normalize().to_string().into()), ("decimals", p.decimals.into())]),
        );
    }
    score.filter(|_| reason_ok)
}

/// `points × num ÷ den` where `num ÷ den` is a share of the points: exact when the product
/// fits in a Decimal, dividing first otherwise, so a large figure never overflows.
fn ratio_of(points: Decimal, num: Decimal, den: Decimal) -> Decimal {
    points
        .checked_mul(num)
        .and_then(|x| x.checked_div(den))
        .or_else(|| num.checked_div(den).and_then(|f| f.checked_mul(points)))
        .unwrap_or(Decimal::ZERO)
}

/// Outcome of scoring one result row before rounding.
enum Outcome {
    Scored { score: Decimal, rule: Rule, missed: bool, over: bool },
    Unscored,
}

fn score_quantitative(
    ind: &document::Indicator,
    points: Decimal,
    r: &Map<String, Value>,
    base: &str,
    p: &ScoringParams,
    sink: &mut Sink,
) -> Outcome {
    let actual_raw = match r.get("actual") {
        Some(Value::String(s)) => Some(s.as_str()),
        _ => None,
    };
    let op = ind.operator.unwrap_or(Operator::Ge);
    let invalid = |sink: &mut Sink| {
        sink.push(Code::EvalActualInvalid, format!("{base}/actual"));
        Outcome::Unscored
    };
    match &ind.value {
        Some(TargetValue::Date(target)) => {
            let Some(actual) = actual_raw.and_then(Date::parse) else {
                return invalid(sink);
            };
            let met = if op.is_reverse() || op == Operator::Eq { actual <= *target } else { actual >= *target };
            Outcome::Scored {
                score: if met { points } else { Decimal::ZERO },
                rule: Rule::Date,
                missed: !met,
                over: false,
            }
        }
        Some(TargetValue::Number(target)) => {
            let Some(actual) = actual_raw.and_then(parse_signed_decimal) else {
                return invalid(sink);
            };
            let target = *target;
            if target <= Decimal::ZERO {
                let met = if op.is_reverse() || op == Operator::Eq { actual <= target } else { actual >= target };
                return Outcome::Scored {
                    score: if met { points } else { Decimal::ZERO },
                    rule: Rule::ZeroTarget,
                    missed: !met,
                    over: false,
                };
            }
            if op.is_reverse() {
                if actual <= target {
                    return Outcome::Scored { score: points, rule: Rule::Full, missed: false, over: false };
                }
                // actual > target > 0 here, so the divisions are defined.
                let raw = match p.reverse_rule {
                    ReverseRule::Ratio => ratio_of(points, target, actual),
                    // 1 − (actual − target) ÷ target, floored at 0; actual − target > 0 cannot overflow
                    ReverseRule::Linear => {
                        let lost = ratio_of(points, actual - target, target);
                        (points - lost.min(points)).max(Decimal::ZERO)
                    }
                };
                let score = raw.clamp(Decimal::ZERO, points);
                Outcome::Scored { score, rule: Rule::ReverseProportional, missed: true, over: false }
            } else {
                let over = match target.checked_mul(p.over_achievement_ratio) {
                    Some(threshold) => actual >= threshold,
                    // the threshold is beyond Decimal's range: compare the ratio instead
                    None => actual.checked_div(target).is_some_and(|r| r >= p.over_achievement_ratio),
                };
                if actual >= target {
                    return Outcome::Scored { score: points, rule: Rule::Full, missed: false, over };
                }
                let score = ratio_of(points, actual, target).clamp(Decimal::ZERO, points);
                Outcome::Scored { score, rule: Rule::Proportional, missed: true, over: false }
            }
        }
        // The target's own value is unusable (its check fails): the actual cannot be compared.
        _ => invalid(sink),
    }
}

fn score_qualitative(
    points: Decimal,
    r: &Map<String, Value>,
    base: &str,
    p: &ScoringParams,
    sink: &mut Sink,
) -> Outcome {
    let tier = match r.get("tier") {
        Some(Value::String(s)) => s.as_str(),
        _ => "",
    };
    let (lo, hi, hi_inclusive, achieved) = match tier {
        "achieved" => (p.tier_achieved_min, Decimal::ONE, true, true),
        "partial" => (p.tier_partial_min, p.tier_achieved_min, false, false),
        "not_achieved" => (Decimal::ZERO, p.tier_partial_min, false, false),
        _ => {
            sink.push(Code::EvalTierInvalid, format!("{base}/tier"));
            return Outcome::Unscored;
        }
    };
    let min = lo * points;
    let max = hi * points;
    let score = match r.get("score") {
        Some(Value::String(s)) => parse_signed_decimal(s),
        _ => None,
    };
    let in_range = score.is_some_and(|s| s >= min && if hi_inclusive { s <= max } else { s < max });
    match score {
        Some(s) if in_range => {
            Outcome::Scored { score: s, rule: Rule::QualitativeTier, missed: !achieved, over: false }
        }
        _ => {
            sink.push_with(
                Code::EvalScoreOutOfTier,
                format!("{base}/score"),
                params([
                    ("tier", tier.into()),
                    ("min", min.normalize().to_string().into()),
                    ("max", max.normalize().to_string().into()),
                    ("max_inclusive", hi_inclusive.into()),
                ]),
            );
            Outcome::Unscored
        }
    }
}

/// Scores an evaluation against its approved target (both JSON objects).
pub fn score(
    target: &Map<String, Value>,
    evaluation: &Map<String, Value>,
    profile: &Profile,
    locale: Locale,
) -> ScoreReport {
    let mut discard = Sink::new(locale);
    let doc = document::parse(target, &profile.framework, &mut discard);
    score_document(&doc, evaluation, profile, locale)
}

/// Scores an evaluation against an already parsed target.
pub fn score_document(
    doc: &TargetDocument,
    evaluation: &Map<String, Value>,
    profile: &Profile,
    locale: Locale,
) -> ScoreReport {
    let p = &profile.scoring;
    let mut sink = Sink::new(locale);
    let execution = execution(evaluation, p, &mut sink);

    // Target indicators that results can name: the first indicator of each id.
    let (targets, target_ids) = doc.nameable();

    // First result per indicator id; unknown ids are reported in result order.
    let mut first: HashMap<&str, (usize, &Map<String, Value>)> = HashMap::new();
    match evaluation.get("results") {
        v if is_blank(v) => sink.push(Code::DocFieldRequired, "/results"),
        Some(Value::Array(items)) => {
            for (k, item) in items.iter().enumerate() {
                let Value::Object(r) = item else {
                    sink.push(Code::DocFieldInvalid, format!("/results/{k}"));
                    continue;
                };
                let id = match r.get("indicator_id") {
                    Some(Value::String(s)) => Some(s.as_str()),
                    _ => None,
                };
                match id.filter(|id| target_ids.contains(id)) {
                    Some(id) => {
                        first.entry(id).or_insert((k, r));
                    }
                    None => sink.push(Code::EvalResultUnknown, format!("/results/{k}/indicator_id")),
                }
            }
        }
        _ => sink.push(Code::DocFieldInvalid, "/results"),
    }

    // Rows in target order; row violations sorted by result position for a stable order.
    let mut rows = Vec::with_capacity(targets.len());
    let mut missing: Vec<String> = Vec::new();
    let mut row_sinks: Vec<(usize, Vec<Violation>)> = Vec::new();
    for ind in &targets {
        let id = ind.id.clone().unwrap_or_default();
        let Some(&(k, r)) = first.get(id.as_str()) else {
            rows.push(IndicatorScore::new(id.clone(), ind.points, Some(Decimal::ZERO), Some(Rule::Missing)));
            missing.push(id);
            continue;
        };
        let base = format!("/results/{k}");
        let mut rs = Sink::new(locale);
        let Some(points) = ind.points else {
            rs.push(Code::EvalPointsMissing, base);
            rows.push(IndicatorScore::new(id, None, None, None));
            row_sinks.push((k, rs.items));
            continue;
        };
        let outcome = if ind.nature == Some(Nature::Qualitative) {
            score_qualitative(points, r, &base, p, &mut rs)
        } else {
            score_quantitative(ind, points, r, &base, p, &mut rs)
        };
        let mut scored = match outcome {
            Outcome::Scored { score, rule, missed, over } => {
                if (missed || over) && !reason_given(r, "deviation_reason") {
                    rs.push_with(
                        Code::EvalReasonRequired,
                        format!("{base}/deviation_reason"),
                        params([("indicator_id", id.as_str().into())]),
                    );
                }
                let rounded = p.rounding.round(score, p.decimals);
                IndicatorScore::new(id, Some(points), Some(rounded), Some(rule))
            }
            Outcome::Unscored => IndicatorScore::new(id, Some(points), None, None),
        };
        if let Some(o) = assessor_override(r, &base, points, p, &mut rs) {
            scored.formula_score = scored.score;
            scored.score = Some(o);
            scored.overridden = true;
        }
        rows.push(scored);
        row_sinks.push((k, rs.items));
    }
    row_sinks.sort_by_key(|(k, _)| *k);
    for (_, items) in row_sinks {
        sink.items.extend(items);
    }
    for id in missing {
        sink.push_with(Code::EvalResultMissing, "/results", params([("indicator_id", id.into())]));
    }

    let (total, grade) = if sink.has_errors() {
        (None, None)
    } else {
        let sum = rows.iter().try_fold(execution.score.unwrap_or(Decimal::ZERO), |acc, r| {
            acc.checked_add(r.score.unwrap_or(Decimal::ZERO))
        });
        match sum {
            Some(t) => (Some(t), Some(Grade::of(t, p))),
            None => (None, None),
        }
    };
    ScoreReport { execution, indicators: rows, total, grade, violations: sink.items }
}
