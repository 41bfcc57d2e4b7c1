//! Review checks (绩效目标审核): parse a target document, then the profile's tree,
//! share, required-level-1 and points-total checks. Entry points: [`check`] and
//! [`check_str`].

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::document::{self, Indicator, Nature, TargetDocument};
use crate::messages::Locale;
use crate::profile::Profile;
use crate::violation::{Code, Severity, Sink, Violation, params};

/// The output of a check: `{"valid": bool, "violations": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct CheckReport {
    /// True when no error-level violation remains (warnings allowed).
    pub valid: bool,
    /// Every violation, in document order, tree checks last.
    pub violations: Vec<Violation>,
}

/// Counts used by the tree checks (also shown as the form's live meters). Serialized with
/// [`TreeCounts::quantitative_percent`] beside the four counts, so the form shows the rules'
/// share and never works it out itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TreeCounts {
    /// Distinct level-1 codes among counted indicators.
    pub level1: usize,
    /// Distinct (level 1, level 2) pairs.
    pub level2: usize,
    /// Counted indicators.
    pub level3: usize,
    /// Counted indicators whose nature is quantitative.
    pub quantitative: usize,
}

impl TreeCounts {
    /// The quantitative share in percent, as `TREE_QUANT_RATIO_MIN` states it
    /// (`actual_percent`: "75", "66.67"); `None` without level-3 indicators.
    pub fn quantitative_percent(&self) -> Option<String> {
        (self.level3 > 0).then(|| percent(Decimal::from(self.quantitative) / Decimal::from(self.level3)))
    }
}

impl Serialize for TreeCounts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let share = self.quantitative_percent();
        let mut st = s.serialize_struct("TreeCounts", 4 + usize::from(share.is_some()))?;
        st.serialize_field("level1", &self.level1)?;
        st.serialize_field("level2", &self.level2)?;
        st.serialize_field("level3", &self.level3)?;
        st.serialize_field("quantitative", &self.quantitative)?;
        if let Some(p) = share {
            st.serialize_field("quantitative_percent", &p)?;
        }
        st.end()
    }
}

/// Why an input could not be checked at all (the CLI's exit 2, the API's 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// The text is not JSON.
    #[error("input is not valid JSON: {0}")]
    NotJson(String),
    /// The JSON is not an object.
    #[error("input is a JSON {0}, not an object")]
    NotObject(&'static str),
    /// The text is empty or only whitespace.
    #[error("input is empty")]
    Empty,
}

/// The JSON type name of a value, for error messages.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Parses text into a JSON object, or says why it is not one. A leading byte-order
/// mark is ignored; empty text is [`InputError::Empty`].
pub fn parse_object(text: &str) -> Result<Map<String, Value>, InputError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(InputError::Empty);
    }
    let v: Value = serde_json::from_str(text).map_err(|e| InputError::NotJson(e.to_string()))?;
    match v {
        Value::Object(o) => Ok(o),
        other => Err(InputError::NotObject(json_type(&other))),
    }
}

/// Counts a parsed document's tree as FORMATS.md §2 prescribes.
pub fn tree_counts(doc: &TargetDocument) -> TreeCounts {
    count_tree(doc.indicators.iter())
}

/// Counts indicators (see [`tree_counts`]). Counted indicators name a level 1 and level 2
/// of the framework, so the distinct sets are small: a linear search beats a tree.
pub(crate) fn count_tree<'a>(indicators: impl Iterator<Item = &'a Indicator>) -> TreeCounts {
    let mut l1: Vec<&str> = Vec::new();
    let mut l2: Vec<(&str, &str)> = Vec::new();
    let mut c = TreeCounts::default();
    for i in indicators.filter(|i| i.counted) {
        if let (Some(a), Some(b)) = (i.level1.as_deref(), i.level2.as_deref()) {
            if !l1.contains(&a) {
                l1.push(a);
            }
            if !l2.contains(&(a, b)) {
                l2.push((a, b));
            }
        }
        c.level3 += 1;
        if i.nature == Some(Nature::Quantitative) {
            c.quantitative += 1;
        }
    }
    c.level1 = l1.len();
    c.level2 = l2.len();
    c
}

/// Checks a target document (a JSON object) against a profile.
pub fn check(doc: &Map<String, Value>, profile: &Profile, locale: Locale) -> CheckReport {
    let (_, report) = check_parsed(doc, profile, locale);
    report
}

/// Like [`check`], also returning the typed document for callers that store it.
pub fn check_parsed(doc: &Map<String, Value>, profile: &Profile, locale: Locale) -> (TargetDocument, CheckReport) {
    let (parsed, mut sink) = document::read_into(doc, &profile.framework, locale);
    tree_checks(parsed.indicators.iter(), profile, &mut sink);
    let valid = !sink.has_errors();
    (parsed, CheckReport { valid, violations: sink.items })
}

/// Parses and checks JSON text.
pub fn check_str(text: &str, profile: &Profile, locale: Locale) -> Result<CheckReport, InputError> {
    Ok(check(&parse_object(text)?, profile, locale))
}

fn min_check(sink: &mut Sink, code: Code, min: Option<u32>, actual: usize) {
    if let Some(min) = min
        && actual < min as usize
    {
        sink.push_with(code, "/indicators", params([("min", min.into()), ("actual", actual.into())]));
    }
}

fn percent(d: Decimal) -> String {
    (d * Decimal::ONE_HUNDRED).round_dp(2).normalize().to_string()
}

/// The checks over the whole list of indicators (typed, in array order): tree minimums,
/// quantitative share, required level 1 and points total. They come last in a report.
pub(crate) fn tree_checks<'a, I>(indicators: I, profile: &Profile, sink: &mut Sink)
where
    I: Iterator<Item = &'a Indicator> + Clone,
{
    let rules = &profile.review;
    let c = count_tree(indicators.clone());
    min_check(sink, Code::TreeLevel1Min, rules.min_level1, c.level1);
    min_check(sink, Code::TreeLevel2Min, rules.min_level2, c.level2);
    min_check(sink, Code::TreeLevel3Min, rules.min_level3, c.level3);

    if let Some(min) = rules.min_quantitative_share
        && c.level3 > 0
    {
        // quantitative / level3 >= min  <=>  quantitative >= min * level3 (exact).
        let needed = min * Decimal::from(c.level3);
        if Decimal::from(c.quantitative) < needed {
            let share = Decimal::from(c.quantitative) / Decimal::from(c.level3);
            // `actual_percent` is `c.quantitative_percent()`: the meter and the message agree.
            sink.push_with(
                Code::TreeQuantRatioMin,
                "/indicators",
                params([
                    ("min", min.normalize().to_string().into()),
                    ("actual", share.round_dp(4).normalize().to_string().into()),
                    ("min_percent", percent(min).into()),
                    ("actual_percent", percent(share).into()),
                    ("quantitative", c.quantitative.into()),
                    ("total", c.level3.into()),
                ]),
            );
        }
    }

    for l1 in &rules.required_level1 {
        if !indicators.clone().any(|i| i.counted && i.level1.as_deref() == Some(l1.as_str())) {
            sink.push_with(Code::TreeLevel1Required, "/indicators", params([("level1", l1.as_str().into())]));
        }
    }

    if let Some(expected) = rules.points_total {
        // Every indicator object counts, counted or not; invalid points add 0 (an
        // indicator keeps its points exactly when they are valid).
        let sum = indicators.filter_map(|i| i.points).try_fold(Decimal::ZERO, |acc, p| acc.checked_add(p));
        if sum != Some(expected) {
            let actual = sum.map_or(Value::Null, |s| s.normalize().to_string().into());
            sink.push_with(
                Code::PointsTotal,
                "/indicators",
                params([("expected", expected.normalize().to_string().into()), ("actual", actual)]),
            );
        }
    }
}

/// Whether a list holds an error-level violation.
pub fn has_errors(v: &[Violation]) -> bool {
    v.iter().any(|x| x.severity == Severity::Error)
}
