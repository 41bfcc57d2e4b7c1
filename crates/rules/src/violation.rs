//! Violations: the closed set of codes of FORMATS.md §3, §4, §4.1 and §6, their severities, and the
//! violation record every check returns. Messages come from [`crate::messages`] only.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::messages::{Locale, render};

/// How serious a violation is: errors block submission, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks submission.
    Error,
    /// Shown, but does not block.
    Warning,
}

macro_rules! codes {
    ($( $variant:ident = $name:literal, $sev:ident; )*) => {
        /// The closed set of violation codes (FORMATS.md). No other code is ever emitted.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
        pub enum Code {
            $(
                #[doc = $name]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable wire name, e.g. `IND_UNIT_REQUIRED`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The severity fixed by the contract for this code.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)* }
            }

            /// Looks a code up by its wire name.
            pub fn parse(s: &str) -> Option<Code> {
                match s { $($name => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    DocFieldRequired = "DOC_FIELD_REQUIRED", Error;
    DocFieldInvalid = "DOC_FIELD_INVALID", Error;
    AmountInvalid = "AMOUNT_INVALID", Error;
    FundsSourcesSum = "FUNDS_SOURCES_SUM", Error;
    FundsAnnualExceedsMidTerm = "FUNDS_ANNUAL_EXCEEDS_MID_TERM", Error;
    TreeLevel1Min = "TREE_LEVEL1_MIN", Error;
    TreeLevel2Min = "TREE_LEVEL2_MIN", Error;
    TreeLevel3Min = "TREE_LEVEL3_MIN", Error;
    TreeQuantRatioMin = "TREE_QUANT_RATIO_MIN", Error;
    TreeLevel1Required = "TREE_LEVEL1_REQUIRED", Error;
    PointsTotal = "POINTS_TOTAL", Error;
    IndIdDuplicate = "IND_ID_DUPLICATE", Error;
    IndLevel1Unknown = "IND_LEVEL1_UNKNOWN", Error;
    IndLevel2Invalid = "IND_LEVEL2_INVALID", Error;
    IndNameRequired = "IND_NAME_REQUIRED", Error;
    IndNameTooLong = "IND_NAME_TOO_LONG", Error;
    IndNameDuplicate = "IND_NAME_DUPLICATE", Error;
    IndNatureInvalid = "IND_NATURE_INVALID", Error;
    IndOperatorRequired = "IND_OPERATOR_REQUIRED", Error;
    IndOperatorInvalid = "IND_OPERATOR_INVALID", Error;
    IndValueRequired = "IND_VALUE_REQUIRED", Error;
    IndValuePlaceholder = "IND_VALUE_PLACEHOLDER", Error;
    IndValueInvalid = "IND_VALUE_INVALID", Error;
    IndUnitRequired = "IND_UNIT_REQUIRED", Error;
    IndPointsInvalid = "IND_POINTS_INVALID", Error;
    IndPercentRange = "IND_PERCENT_RANGE", Warning;
    IndSatisfactionLow = "IND_SATISFACTION_LOW", Warning;
    IndDateOutOfPeriod = "IND_DATE_OUT_OF_PERIOD", Warning;
    EvalResultMissing = "EVAL_RESULT_MISSING", Error;
    EvalResultUnknown = "EVAL_RESULT_UNKNOWN", Error;
    EvalPointsMissing = "EVAL_POINTS_MISSING", Error;
    EvalActualInvalid = "EVAL_ACTUAL_INVALID", Error;
    EvalTierInvalid = "EVAL_TIER_INVALID", Error;
    EvalScoreOutOfTier = "EVAL_SCORE_OUT_OF_TIER", Error;
    EvalReasonRequired = "EVAL_REASON_REQUIRED", Error;
    EvalOverrideReasonRequired = "EVAL_OVERRIDE_REASON_REQUIRED", Error;
    EvalOverrideOutOfRange = "EVAL_OVERRIDE_OUT_OF_RANGE", Error;
    MonPeriodInvalid = "MON_PERIOD_INVALID", Error;
    MonExecutedExceedsBudget = "MON_EXECUTED_EXCEEDS_BUDGET", Error;
    MonReasonRequired = "MON_REASON_REQUIRED", Error;
    MonResultMissing = "MON_RESULT_MISSING", Error;
    MonResultUnknown = "MON_RESULT_UNKNOWN", Error;
    MonActualInvalid = "MON_ACTUAL_INVALID", Error;
    MonLikelihoodInvalid = "MON_LIKELIHOOD_INVALID", Error;
    MonCauseInvalid = "MON_CAUSE_INVALID", Error;
    MonCausesRequired = "MON_CAUSES_REQUIRED", Error;
    MonMeasuresRequired = "MON_MEASURES_REQUIRED", Error;
    MonExecutionDecreased = "MON_EXECUTION_DECREASED", Warning;
    MonLikelihoodInconsistent = "MON_LIKELIHOOD_INCONSISTENT", Warning;
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Code::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown code {s}")))
    }
}

/// One problem found in a document: a stable code, a JSON Pointer, numbers in `params`,
/// and a message rendered from the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Violation {
    /// Stable code from the closed set.
    #[cfg_attr(feature = "utoipa", schema(value_type = String, example = "IND_UNIT_REQUIRED"))]
    pub code: Code,
    /// `error` or `warning`.
    pub severity: Severity,
    /// JSON Pointer into the submitted document.
    #[cfg_attr(feature = "utoipa", schema(example = "/indicators/3/unit"))]
    pub path: String,
    /// Numbers and names the message refers to (`min`, `actual`, …).
    #[cfg_attr(feature = "utoipa", schema(value_type = Object))]
    pub params: Map<String, Value>,
    /// Message in the requested locale.
    pub message: String,
}

/// Collects violations while a document is walked; renders messages in one locale.
#[derive(Debug)]
pub(crate) struct Sink {
    locale: Locale,
    pub(crate) items: Vec<Violation>,
}

impl Sink {
    pub(crate) fn new(locale: Locale) -> Self {
        Sink { locale, items: Vec::new() }
    }

    /// Adds a violation with no params.
    pub(crate) fn push(&mut self, code: Code, path: impl Into<String>) {
        self.push_with(code, path, Map::new());
    }

    /// Adds a violation with params.
    pub(crate) fn push_with(&mut self, code: Code, path: impl Into<String>, params: Map<String, Value>) {
        let message = render(code, &params, self.locale);
        self.items.push(Violation { code, severity: code.severity(), path: path.into(), params, message });
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.items.iter().any(|v| v.severity == Severity::Error)
    }
}

/// Builds a params map from `(name, value)` pairs.
pub(crate) fn params<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}
