//! Monitoring (绩效运行监控, 双监控, 财预〔2019〕136号; FORMATS.md §6): a department's
//! report of budget execution and each indicator's progress through month N, checked
//! against its approved target, with a light per row and for the report.
//!
//! Every threshold is the profile's [`MonitoringParams`]. Lights are decided by exact
//! comparisons (cross-multiplied, never on a rounded or divided figure); only the printed
//! `rate`, `ratio` and `time_progress` are rounded (4 decimals, midpoint away from zero).
//! This module owns the rule; it does no I/O and knows nothing of rounds or storage.

pub mod lifecycle;

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::document::{self, Nature, Operator, TargetDocument, TargetValue};
use crate::execution::amount;
use crate::messages::Locale;
use crate::profile::{MonitoringParams, Profile, Rounding};
use crate::values::{Amount, Date, is_blank, parse_signed_decimal};
use crate::violation::{Code, Severity, Sink, Violation, params};

/// A monitoring light (红黄绿蓝灯).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Light {
    /// 红灯: seriously behind, or impossible.
    Red,
    /// 黄灯: behind.
    Yellow,
    /// 绿灯: on track.
    Green,
    /// 蓝灯: over-run (was the target set too low?); counts as green in the report's light.
    Blue,
}

impl Light {
    /// Severity for "the worst light": red > yellow > green = blue.
    fn rank(self) -> u8 {
        match self {
            Light::Red => 2,
            Light::Yellow => 1,
            Light::Green | Light::Blue => 0,
        }
    }

    /// 红 / 黄 / 绿 / 蓝.
    pub fn label_zh(self) -> &'static str {
        match self {
            Light::Red => "红",
            Light::Yellow => "黄",
            Light::Green => "绿",
            Light::Blue => "蓝",
        }
    }

    /// Whether the row deviates (red or yellow): causes and measures are then required.
    pub fn deviates(self) -> bool {
        matches!(self, Light::Red | Light::Yellow)
    }
}

/// How a row's light is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MonitorRule {
    /// Cumulative quantity: actual ÷ (target × time progress).
    TimeProportional,
    /// Met or not met as §4 reads "meets" (rates, quality, cost, reverse, zero targets).
    WithinTarget,
    /// A date target (deadline).
    Date,
    /// Qualitative: the likelihood decides.
    Qualitative,
    /// The report has no row for the indicator.
    Missing,
}

/// 完成目标可能性.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Likelihood {
    /// 确定能.
    Certain,
    /// 有可能.
    Possible,
    /// 完全不可能.
    Impossible,
}

impl Likelihood {
    fn parse(s: &str) -> Option<Likelihood> {
        match s {
            "certain" => Some(Likelihood::Certain),
            "possible" => Some(Likelihood::Possible),
            "impossible" => Some(Likelihood::Impossible),
            _ => None,
        }
    }
}

/// The causes of a deviation (偏差原因分析) a row may name.
pub const CAUSES: [&str; 5] = ["funding", "institutional", "staffing", "hardware", "other"];

/// Budget execution of the output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct ExecutionProgress {
    /// executed ÷ budget_full_year, 4 decimals; null when not computable.
    #[cfg_attr(feature = "utoipa", schema(value_type = Option<String>))]
    pub rate: Option<Decimal>,
    /// rate ÷ time progress, 4 decimals; null when not computable.
    #[cfg_attr(feature = "utoipa", schema(value_type = Option<String>))]
    pub ratio: Option<Decimal>,
    /// red / yellow / green; null when not computable.
    pub light: Option<Light>,
}

/// One indicator row of the output, in target order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct IndicatorProgress {
    /// The target indicator's id.
    pub indicator_id: String,
    /// How the light is decided (`missing` when the report has no row).
    pub rule: MonitorRule,
    /// Progress ÷ time-proportional standard, for `time_proportional` rows only.
    #[cfg_attr(feature = "utoipa", schema(value_type = Option<String>))]
    pub ratio: Option<Decimal>,
    /// The row's light; null when missing, invalid, or the period is invalid.
    pub light: Option<Light>,
}

/// How many lights of each colour (the execution light and every row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct LightCounts {
    /// 红灯.
    pub red: u32,
    /// 黄灯.
    pub yellow: u32,
    /// 绿灯.
    pub green: u32,
    /// 蓝灯.
    pub blue: u32,
}

impl LightCounts {
    fn add(&mut self, l: Option<Light>) {
        match l {
            Some(Light::Red) => self.red += 1,
            Some(Light::Yellow) => self.yellow += 1,
            Some(Light::Green) => self.green += 1,
            Some(Light::Blue) => self.blue += 1,
            None => {}
        }
    }
}

/// The monitoring output of FORMATS.md §6.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct MonitorReport {
    /// through_month ÷ 12, 4 decimals; null when the period is invalid.
    #[cfg_attr(feature = "utoipa", schema(value_type = Option<String>))]
    pub time_progress: Option<Decimal>,
    /// Budget execution.
    pub execution: ExecutionProgress,
    /// One row per target indicator, in target order.
    pub indicators: Vec<IndicatorProgress>,
    /// The worst light (blue counts as green); null while any error remains.
    pub light: Option<Light>,
    /// Lights by colour.
    pub counts: LightCounts,
    /// MON_* and input violations (paths point into the report).
    pub violations: Vec<Violation>,
}

impl MonitorReport {
    /// Whether the report has no error (warnings allowed): it may be submitted.
    pub fn valid(&self) -> bool {
        !self.violations.iter().any(|v| v.severity == Severity::Error)
    }
}

/// The reporting period, once valid: month N of the target's fiscal year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Period {
    year: u16,
    month: u8,
}

impl Period {
    /// Last day of `month`.
    fn last_day(self) -> Option<Date> {
        (28..=31).rev().find_map(|d| Date::parse(&format!("{:04}-{:02}-{d:02}", self.year, self.month)))
    }
}

/// `ratio < threshold` where ratio = num × 12 ÷ (den × month), decided by
/// cross-multiplying (num × 12 < threshold × den × month) so no division rounds.
/// All of `den`, `month` and `threshold` are ≥ 0 here.
fn ratio_below(num: Decimal, den: Decimal, month: u8, threshold: Decimal) -> bool {
    let m = Decimal::from(month);
    let lhs = num.checked_mul(Decimal::from(12));
    let rhs = threshold.checked_mul(den).and_then(|x| x.checked_mul(m));
    match (lhs, rhs) {
        (Some(l), Some(r)) => l < r,
        // Beyond Decimal's range: compare the quotients (as exact as Decimal allows).
        _ => match (num.checked_div(den), threshold.checked_mul(m).and_then(|x| x.checked_div(Decimal::from(12)))) {
            (Some(q), Some(t)) => q < t,
            _ => false,
        },
    }
}

/// The printed ratio num × 12 ÷ (den × month), 4 decimals.
fn printed_ratio(num: Decimal, den: Decimal, month: u8) -> Option<Decimal> {
    let m = Decimal::from(month);
    let q = num
        .checked_mul(Decimal::from(12))
        .and_then(|n| den.checked_mul(m).and_then(|d| n.checked_div(d)))
        .or_else(|| num.checked_div(den).and_then(|r| r.checked_mul(Decimal::from(12))).and_then(|r| r.checked_div(m)));
    q.map(round4)
}

fn round4(d: Decimal) -> Decimal {
    Rounding::MidpointAwayFromZero.round(d, 4)
}

/// The light of a progress ratio (num × 12 ÷ (den × month)) under the thresholds.
fn light_of_ratio(num: Decimal, den: Decimal, month: u8, m: &MonitoringParams, blue: bool) -> Light {
    if ratio_below(num, den, month, m.red_below) {
        Light::Red
    } else if ratio_below(num, den, month, m.yellow_below) {
        Light::Yellow
    } else if blue && !ratio_below(num, den, month, m.blue_from) {
        Light::Blue
    } else {
        Light::Green
    }
}

/// Whether `actual` meets a decimal `target` as §4 reads "meets".
fn meets(actual: Decimal, target: Decimal, op: Operator) -> bool {
    let at_most = op.is_reverse() || (target <= Decimal::ZERO && op == Operator::Eq);
    if at_most { actual <= target } else { actual >= target }
}

/// Whether a date meets a date target (on or before for `le`/`lt`/`eq`).
fn date_meets(actual: Date, target: Date, op: Operator) -> bool {
    if op.is_reverse() || op == Operator::Eq { actual <= target } else { actual >= target }
}

/// What a target indicator is measured by.
enum Measure {
    Cumulative(Decimal),
    Within(Decimal),
    Deadline(Date),
    Qualitative,
}

fn measure_of(ind: &document::Indicator, m: &MonitoringParams) -> Measure {
    let op = ind.operator.unwrap_or(Operator::Ge);
    match (&ind.nature, &ind.value) {
        (Some(Nature::Quantitative), Some(TargetValue::Number(t))) => {
            let cumulative = !op.is_reverse()
                && *t > Decimal::ZERO
                && ind.level2.as_deref().is_some_and(|l2| m.cumulative_level2.iter().any(|c| c == l2));
            if cumulative { Measure::Cumulative(*t) } else { Measure::Within(*t) }
        }
        (Some(Nature::Quantitative), Some(TargetValue::Date(d))) => Measure::Deadline(*d),
        // Qualitative, or a target whose value is unusable (it could not have been approved):
        // the department's likelihood is all there is to go on.
        _ => Measure::Qualitative,
    }
}

impl Measure {
    fn rule(&self) -> MonitorRule {
        match self {
            Measure::Cumulative(_) => MonitorRule::TimeProportional,
            Measure::Within(_) => MonitorRule::WithinTarget,
            Measure::Deadline(_) => MonitorRule::Date,
            Measure::Qualitative => MonitorRule::Qualitative,
        }
    }
}

fn text<'a>(o: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    match o.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.as_str()),
        _ => None,
    }
}

fn period(report: &Map<String, Value>, doc: &TargetDocument, sink: &mut Sink) -> Option<Period> {
    let p = match report.get("period") {
        v if is_blank(v) => {
            sink.push(Code::DocFieldRequired, "/period");
            return None;
        }
        Some(Value::Object(p)) => p,
        _ => {
            sink.push(Code::DocFieldInvalid, "/period");
            return None;
        }
    };
    let year = p.get("fiscal_year").and_then(Value::as_u64).and_then(|y| u16::try_from(y).ok());
    let year_ok = year.is_some() && year == doc.fiscal_year;
    if !year_ok {
        sink.push(Code::MonPeriodInvalid, "/period/fiscal_year");
    }
    let month = p
        .get("through_month")
        .and_then(Value::as_u64)
        .and_then(|m| u8::try_from(m).ok())
        .filter(|m| (1..=12).contains(m));
    if month.is_none() {
        sink.push(Code::MonPeriodInvalid, "/period/through_month");
    }
    match (year, month) {
        (Some(year), Some(month)) if year_ok => Some(Period { year, month }),
        _ => None,
    }
}

/// The `executed` of a previous report, when it is a valid amount.
fn previous_executed(previous: &Map<String, Value>) -> Option<Decimal> {
    match previous.get("execution")?.get("executed")? {
        Value::String(s) => Amount::parse(s).map(Amount::value),
        _ => None,
    }
}

fn execution(
    report: &Map<String, Value>,
    period: Option<Period>,
    m: &MonitoringParams,
    previous: Option<&Map<String, Value>>,
    sink: &mut Sink,
) -> ExecutionProgress {
    let mut out = ExecutionProgress { rate: None, ratio: None, light: None };
    let e = match report.get("execution") {
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
    let full = amount(e, "budget_full_year", sink, true);
    let executed = amount(e, "executed", sink, true);
    amount(e, "forecast_full_year", sink, false);
    if let (Some(x), Some(prev)) = (executed, previous.and_then(previous_executed))
        && x.value() < prev
    {
        sink.push(Code::MonExecutionDecreased, "/execution/executed");
    }
    let full = match full {
        Some(f) if f.value().is_zero() => {
            sink.push(Code::DocFieldInvalid, "/execution/budget_full_year");
            None
        }
        f => f,
    };
    let (Some(full), Some(executed)) = (full.map(Amount::value), executed.map(Amount::value)) else {
        return out;
    };
    if executed > full {
        sink.push(Code::MonExecutedExceedsBudget, "/execution/executed");
    }
    out.rate = executed.checked_div(full).map(round4);
    let Some(period) = period else {
        return out;
    };
    out.ratio = printed_ratio(executed, full, period.month);
    let light = light_of_ratio(executed, full, period.month, m, false);
    out.light = Some(light);
    if light.deviates() && text(e, "reason").is_none() {
        sink.push(Code::MonReasonRequired, "/execution/reason");
    }
    out
}

/// An actual value, read as the target's kind of value needs it.
enum Actual {
    Number(Decimal),
    Date(Date),
    /// A date target with no completion date yet.
    NotYet,
    /// Qualitative: the text is not read.
    Text,
}

fn read_actual(measure: &Measure, r: &Map<String, Value>, base: &str, sink: &mut Sink) -> Option<Actual> {
    let raw = r.get("actual_to_date");
    let path = || format!("{base}/actual_to_date");
    match measure {
        Measure::Qualitative => Some(Actual::Text),
        Measure::Deadline(_) if is_blank(raw) => Some(Actual::NotYet),
        Measure::Cumulative(_) | Measure::Within(_) if is_blank(raw) => {
            sink.push(Code::DocFieldRequired, path());
            None
        }
        _ => {
            let parsed = match (measure, raw) {
                (Measure::Deadline(_), Some(Value::String(s))) => Date::parse(s).map(Actual::Date),
                (_, Some(Value::String(s))) => parse_signed_decimal(s).map(Actual::Number),
                _ => None,
            };
            if parsed.is_none() {
                sink.push(Code::MonActualInvalid, path());
            }
            parsed
        }
    }
}

/// The light and (time-proportional) ratio of a row whose fields are usable.
fn row_light(
    measure: &Measure,
    actual: &Actual,
    op: Operator,
    likelihood: Likelihood,
    period: Period,
    m: &MonitoringParams,
) -> (Option<Decimal>, Light) {
    let met = |ok: bool| if ok { Light::Green } else { Light::Red };
    let (ratio, light) = match (measure, actual) {
        (Measure::Cumulative(t), Actual::Number(a)) => {
            (printed_ratio(*a, *t, period.month), light_of_ratio(*a, *t, period.month, m, true))
        }
        (Measure::Within(t), Actual::Number(a)) => (None, met(meets(*a, *t, op))),
        (Measure::Deadline(t), Actual::Date(a)) => (None, met(date_meets(*a, *t, op))),
        (Measure::Deadline(t), Actual::NotYet) => {
            let deadline = op.is_reverse() || op == Operator::Eq;
            (None, met(!deadline || period.last_day().is_none_or(|d| d <= *t)))
        }
        _ => (
            None,
            match likelihood {
                Likelihood::Certain => Light::Green,
                Likelihood::Possible => Light::Yellow,
                Likelihood::Impossible => Light::Red,
            },
        ),
    };
    if likelihood == Likelihood::Impossible { (ratio, Light::Red) } else { (ratio, light) }
}

/// Checks one row: its actual and likelihood, its light, and the explanations a
/// deviating row needs. Returns the printed ratio and the light.
fn row(
    ind: &document::Indicator,
    measure: &Measure,
    r: &Map<String, Value>,
    base: &str,
    period: Option<Period>,
    m: &MonitoringParams,
    sink: &mut Sink,
) -> (Option<Decimal>, Option<Light>) {
    let op = ind.operator.unwrap_or(Operator::Ge);
    let actual = read_actual(measure, r, base, sink);
    let likelihood = match r.get("likelihood") {
        Some(Value::String(s)) => Likelihood::parse(s),
        _ => None,
    };
    if likelihood.is_none() {
        sink.push(Code::MonLikelihoodInvalid, format!("{base}/likelihood"));
    }
    // A row whose actual or likelihood is unusable gets no light and no further check.
    let (Some(actual), Some(likelihood)) = (actual, likelihood) else {
        return (None, None);
    };
    let (ratio, light) = match period {
        Some(p) => {
            let (ratio, light) = row_light(measure, &actual, op, likelihood, p, m);
            (ratio, Some(light))
        }
        None => (None, None),
    };

    let needed = light.is_some_and(Light::deviates) || likelihood != Likelihood::Certain;
    match r.get("causes") {
        None | Some(Value::Null) => {
            if needed {
                sink.push(Code::MonCausesRequired, format!("{base}/causes"));
            }
        }
        Some(Value::Array(items)) => {
            for (j, item) in items.iter().enumerate() {
                if !matches!(item, Value::String(s) if CAUSES.contains(&s.as_str())) {
                    sink.push(Code::MonCauseInvalid, format!("{base}/causes/{j}"));
                }
            }
            if needed && items.is_empty() {
                sink.push(Code::MonCausesRequired, format!("{base}/causes"));
            }
        }
        Some(_) => sink.push(Code::MonCauseInvalid, format!("{base}/causes")),
    }
    if needed && text(r, "measures").is_none() {
        sink.push(Code::MonMeasuresRequired, format!("{base}/measures"));
    }

    if likelihood == Likelihood::Certain
        && let (Measure::Cumulative(t) | Measure::Within(t), Some(Value::String(f))) =
            (measure, r.get("forecast_full_year"))
        && let Some(forecast) = parse_signed_decimal(f)
        && !meets(forecast, *t, op)
    {
        sink.push(Code::MonLikelihoodInconsistent, format!("{base}/likelihood"));
    }
    (ratio, light)
}

/// Checks a monitoring report against its approved target (both JSON objects) under a
/// profile; `previous` is the department's previous report of the year, if any.
pub fn monitor(
    target: &Map<String, Value>,
    report: &Map<String, Value>,
    profile: &Profile,
    previous: Option<&Map<String, Value>>,
    locale: Locale,
) -> MonitorReport {
    let mut discard = Sink::new(locale);
    let doc = document::parse(target, &profile.framework, &mut discard);
    monitor_document(&doc, report, profile, previous, locale)
}

/// Checks a monitoring report against an already parsed target.
pub fn monitor_document(
    doc: &TargetDocument,
    report: &Map<String, Value>,
    profile: &Profile,
    previous: Option<&Map<String, Value>>,
    locale: Locale,
) -> MonitorReport {
    let m = &profile.monitoring;
    let mut sink = Sink::new(locale);
    let period = period(report, doc, &mut sink);
    let time_progress = period.map(|p| round4(Decimal::from(p.month) / Decimal::from(12)));
    let execution = execution(report, period, m, previous, &mut sink);

    // Target indicators rows can name: the first indicator of each id.
    let (targets, target_ids) = doc.nameable();

    // The first row per indicator id; unknown ids are reported in row order.
    let mut first: HashMap<&str, (usize, &Map<String, Value>)> = HashMap::new();
    match report.get("indicators") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (k, item) in items.iter().enumerate() {
                let Value::Object(r) = item else {
                    sink.push(Code::DocFieldInvalid, format!("/indicators/{k}"));
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
                    None => sink.push(Code::MonResultUnknown, format!("/indicators/{k}/indicator_id")),
                }
            }
        }
        Some(_) => sink.push(Code::DocFieldInvalid, "/indicators"),
    }

    let mut rows = Vec::with_capacity(targets.len());
    let mut missing: Vec<String> = Vec::new();
    let mut row_sinks: Vec<(usize, Vec<Violation>)> = Vec::new();
    for ind in &targets {
        let id = ind.id.clone().unwrap_or_default();
        let Some(&(k, r)) = first.get(id.as_str()) else {
            rows.push(IndicatorProgress {
                indicator_id: id.clone(),
                rule: MonitorRule::Missing,
                ratio: None,
                light: None,
            });
            missing.push(id);
            continue;
        };
        let measure = measure_of(ind, m);
        let mut rs = Sink::new(locale);
        let (ratio, light) = row(ind, &measure, r, &format!("/indicators/{k}"), period, m, &mut rs);
        rows.push(IndicatorProgress { indicator_id: id, rule: measure.rule(), ratio, light });
        row_sinks.push((k, rs.items));
    }
    row_sinks.sort_by_key(|(k, _)| *k);
    for (_, items) in row_sinks {
        sink.items.extend(items);
    }
    for id in missing {
        sink.push_with(Code::MonResultMissing, "/indicators", params([("indicator_id", id.into())]));
    }

    let mut counts = LightCounts::default();
    counts.add(execution.light);
    for r in &rows {
        counts.add(r.light);
    }
    let light = if sink.has_errors() {
        None
    } else {
        std::iter::once(execution.light)
            .chain(rows.iter().map(|r| r.light))
            .flatten()
            .max_by_key(|l| l.rank())
            .map(|l| if l == Light::Blue { Light::Green } else { l })
    };
    MonitorReport { time_progress, execution, indicators: rows, light, counts, violations: sink.items }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_at_a_threshold_is_not_below_it() {
        // 0.6 exactly: executed 7.20, budget 12, month 12 → ratio 0.6 (not red).
        assert!(!ratio_below(Decimal::new(720, 2), Decimal::from(12), 12, Decimal::new(6, 1)));
        // One cent under: red.
        assert!(ratio_below(Decimal::new(719, 2), Decimal::from(12), 12, Decimal::new(6, 1)));
        // 1/3 of the budget at month 7: 0.5714… (yellow band is below 0.8, red below 0.6).
        assert!(ratio_below(Decimal::ONE, Decimal::from(3), 7, Decimal::new(6, 1)));
    }

    #[test]
    fn last_days_of_months() {
        let p = |month| Period { year: 2020, month }.last_day().map(|d| d.to_string());
        assert_eq!(p(2).as_deref(), Some("2020-02-29"));
        assert_eq!(p(11).as_deref(), Some("2020-11-30"));
        assert_eq!(p(12).as_deref(), Some("2020-12-31"));
    }
}
