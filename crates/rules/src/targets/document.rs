//! Target documents (绩效目标申报表): the one place raw JSON becomes a typed
//! [`TargetDocument`]. Parsing never fails: what cannot be read becomes `None` and a
//! violation with a JSON Pointer, so every problem is reported, in document order.
//!
//! A document is read in pieces that both the whole check and the incremental
//! [`crate::session::CheckSession`] put together with the same code: the header (every
//! member but `indicators`), each indicator on its own ([`Slot`]), then what depends on
//! several pieces: duplicate ids and names ([`Duplicates`]) and date-in-period warnings.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::messages::Locale;
use crate::profile::Framework;
use crate::values::{Amount, Date, FISCAL_YEARS, is_blank, is_placeholder, parse_points, parse_signed_decimal};
use crate::violation::{Code, Sink, Violation, params};

/// Kind of target (FORMATS.md `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 项目支出.
    Project,
    /// 部门整体支出.
    Department,
}

/// A budget unit reference `{code, name}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Party {
    /// Code, if given.
    pub code: Option<String>,
    /// Name, if given.
    pub name: Option<String>,
}

/// The `project` block (project kind only).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Project {
    /// 项目编码.
    pub code: Option<String>,
    /// 项目名称.
    pub name: Option<String>,
    /// 新增 (`new`) or 延续 (`continuing`).
    pub attribute: Option<String>,
    /// Start date.
    pub start: Option<Date>,
    /// End date.
    pub end: Option<Date>,
}

/// Funds (万元).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Funds {
    /// 年度资金总额.
    pub annual_total: Option<Amount>,
    /// 中期资金总额.
    pub mid_term_total: Option<Amount>,
    /// Sources `(name, amount)`; an invalid amount is `None`.
    pub sources: Vec<(Option<String>, Option<Amount>)>,
}

/// Comparison operator of a quantitative indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// ≥
    Ge,
    /// >
    Gt,
    /// =
    Eq,
    /// ≤
    Le,
    /// <
    Lt,
}

impl Operator {
    /// Parses `ge`, `gt`, `eq`, `le`, `lt`.
    pub fn parse(s: &str) -> Option<Operator> {
        Some(match s {
            "ge" => Operator::Ge,
            "gt" => Operator::Gt,
            "eq" => Operator::Eq,
            "le" => Operator::Le,
            "lt" => Operator::Lt,
            _ => return None,
        })
    }

    /// The wire code: `ge`, `gt`, `eq`, `le`, `lt`.
    pub fn code(self) -> &'static str {
        match self {
            Operator::Ge => "ge",
            Operator::Gt => "gt",
            Operator::Eq => "eq",
            Operator::Le => "le",
            Operator::Lt => "lt",
        }
    }

    /// Whether this is a reverse (≤, <) operator.
    pub fn is_reverse(self) -> bool {
        matches!(self, Operator::Le | Operator::Lt)
    }
}

/// Nature (指标性质).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nature {
    /// 定量.
    Quantitative,
    /// 定性.
    Qualitative,
}

/// A target value, typed by what it parsed as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetValue {
    /// A decimal number (quantitative).
    Number(Decimal),
    /// A date (quantitative, e.g. a deadline).
    Date(Date),
    /// Text (qualitative).
    Text(String),
}

/// A level-3 indicator as far as it could be read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Indicator {
    /// Position in the `indicators` array.
    pub index: usize,
    /// `id`.
    pub id: Option<String>,
    /// `level1`, when it is a string.
    pub level1: Option<String>,
    /// `level2`, when it is a string.
    pub level2: Option<String>,
    /// `name`, when non-blank.
    pub name: Option<String>,
    /// `nature`.
    pub nature: Option<Nature>,
    /// `operator`.
    pub operator: Option<Operator>,
    /// `value`, when valid for its nature.
    pub value: Option<TargetValue>,
    /// `unit`, when non-blank.
    pub unit: Option<String>,
    /// `points`, when valid.
    pub points: Option<Decimal>,
    /// Whether level 1 is known and level 2 allowed under it (counted in tree checks).
    pub counted: bool,
    /// `core` flag.
    pub core: bool,
}

/// A parsed target document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TargetDocument {
    /// Kind.
    pub kind: Option<Kind>,
    /// 年度.
    pub fiscal_year: Option<u16>,
    /// 区划 code.
    pub region: Option<String>,
    /// 主管部门.
    pub department: Option<Party>,
    /// 实施单位.
    pub unit: Option<Party>,
    /// Project block (project kind only).
    pub project: Option<Project>,
    /// Funds.
    pub funds: Funds,
    /// 年度目标.
    pub annual_goal: Option<String>,
    /// 涉密.
    pub classified: bool,
    /// Indicators that are objects (others are skipped with a violation).
    pub indicators: Vec<Indicator>,
}

impl TargetDocument {
    /// The period dates are checked against: the project period when both ends are valid
    /// and ordered (project kind), otherwise the fiscal year.
    pub fn period(&self) -> Option<(Date, Date)> {
        if let Some(p) = &self.project
            && let (Some(s), Some(e)) = (p.start, p.end)
            && s <= e
        {
            return Some((s, e));
        }
        self.fiscal_year.map(|y| (Date::first_of_year(y), Date::last_of_year(y)))
    }

    /// The indicators that results and reports can name: the first indicator of each
    /// non-blank id, in document order, and the set of those ids.
    pub fn nameable(&self) -> (Vec<&Indicator>, std::collections::HashSet<&str>) {
        let mut ids = std::collections::HashSet::new();
        let mut out = Vec::new();
        for ind in &self.indicators {
            if let Some(id) = ind.id.as_deref()
                && !id.trim().is_empty()
                && ids.insert(id)
            {
                out.push(ind);
            }
        }
        (out, ids)
    }

    /// The indicator with this id (first occurrence).
    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id.as_deref() == Some(id))
    }
}

/// Maximum indicator name length in Unicode scalar values.
pub const NAME_MAX_CHARS: usize = 100;

fn str_field<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    path: &str,
    sink: &mut Sink,
    required: bool,
) -> Option<&'a str> {
    let v = obj.get(key);
    if is_blank(v) {
        if required {
            sink.push(Code::DocFieldRequired, format!("{path}/{key}"));
        }
        return None;
    }
    match v {
        Some(Value::String(s)) => Some(s.as_str()),
        _ => {
            sink.push(Code::DocFieldInvalid, format!("{path}/{key}"));
            None
        }
    }
}

/// An object member that must be an object: `Ok(None)` when blank.
fn obj_field<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    sink: &mut Sink,
    required: bool,
) -> Option<&'a Map<String, Value>> {
    let v = obj.get(key);
    if is_blank(v) {
        if required {
            sink.push(Code::DocFieldRequired, format!("/{key}"));
        }
        return None;
    }
    match v {
        Some(Value::Object(o)) => Some(o),
        _ => {
            sink.push(Code::DocFieldInvalid, format!("/{key}"));
            None
        }
    }
}

fn amount_field(obj: &Map<String, Value>, key: &str, path: &str, sink: &mut Sink, required: bool) -> Option<Amount> {
    let v = obj.get(key);
    if is_blank(v) {
        if required {
            sink.push(Code::DocFieldRequired, format!("{path}/{key}"));
        }
        return None;
    }
    let parsed = match v {
        Some(Value::String(s)) => Amount::parse(s),
        _ => None,
    };
    if parsed.is_none() {
        sink.push(Code::AmountInvalid, format!("{path}/{key}"));
    }
    parsed
}

fn party(obj: &Map<String, Value>, key: &str, sink: &mut Sink, required: bool) -> Option<Party> {
    let o = obj_field(obj, key, sink, required)?;
    let path = format!("/{key}");
    let code = str_field(o, "code", &path, sink, false).map(str::to_owned);
    let name = str_field(o, "name", &path, sink, required).map(str::to_owned);
    Some(Party { code, name })
}

fn project(obj: &Map<String, Value>, sink: &mut Sink) -> Option<Project> {
    let o = obj_field(obj, "project", sink, true)?;
    let code = str_field(o, "code", "/project", sink, false).map(str::to_owned);
    let name = str_field(o, "name", "/project", sink, true).map(str::to_owned);
    let attribute = str_field(o, "attribute", "/project", sink, false).and_then(|a| {
        if a == "new" || a == "continuing" {
            Some(a.to_owned())
        } else {
            sink.push(Code::DocFieldInvalid, "/project/attribute");
            None
        }
    });
    let date = |key: &str, sink: &mut Sink| {
        str_field(o, key, "/project", sink, false).and_then(|s| {
            let d = Date::parse(s);
            if d.is_none() {
                sink.push(Code::DocFieldInvalid, format!("/project/{key}"));
            }
            d
        })
    };
    let start = date("start", sink);
    let end = date("end", sink);
    if let (Some(s), Some(e)) = (start, end)
        && s > e
    {
        sink.push(Code::DocFieldInvalid, "/project/end");
    }
    Some(Project { code, name, attribute, start, end })
}

fn funds(obj: &Map<String, Value>, sink: &mut Sink) -> Funds {
    let mut out = Funds::default();
    let Some(f) = obj_field(obj, "funds", sink, true) else {
        return out;
    };
    out.annual_total = amount_field(f, "annual_total", "/funds", sink, true);
    out.mid_term_total = amount_field(f, "mid_term_total", "/funds", sink, false);
    let mut sources_valid = true;
    let sources_present = match f.get("sources") {
        v if is_blank(v) => false,
        Some(Value::Array(items)) => {
            for (k, item) in items.iter().enumerate() {
                let path = format!("/funds/sources/{k}");
                match item {
                    Value::Object(s) => {
                        let name = str_field(s, "source", &path, sink, false).map(str::to_owned);
                        let amount = amount_field(s, "amount", &path, sink, true);
                        sources_valid &= amount.is_some();
                        out.sources.push((name, amount));
                    }
                    _ => {
                        sink.push(Code::DocFieldInvalid, path);
                        sources_valid = false;
                    }
                }
            }
            true
        }
        _ => {
            sink.push(Code::DocFieldInvalid, "/funds/sources");
            sources_valid = false;
            false
        }
    };
    if let (Some(annual), Some(mid)) = (out.annual_total, out.mid_term_total)
        && annual > mid
    {
        sink.push_with(
            Code::FundsAnnualExceedsMidTerm,
            "/funds/annual_total",
            params([("annual", annual.to_string().into()), ("mid_term", mid.to_string().into())]),
        );
    }
    if sources_present
        && sources_valid
        && let Some(annual) = out.annual_total
    {
        let sum = out.sources.iter().try_fold(Decimal::ZERO, |acc, (_, a)| a.and_then(|a| acc.checked_add(a.value())));
        if sum != Some(annual.value()) {
            let actual = sum.map_or(Value::Null, |s| Value::from(s.to_string()));
            sink.push_with(
                Code::FundsSourcesSum,
                "/funds/sources",
                params([("expected", annual.to_string().into()), ("actual", actual)]),
            );
        }
    }
    out
}

fn tasks(obj: &Map<String, Value>, sink: &mut Sink) {
    match obj.get("tasks") {
        v if is_blank(v) => {}
        Some(Value::Array(items)) => {
            for (k, item) in items.iter().enumerate() {
                let path = format!("/tasks/{k}");
                match item {
                    Value::Object(t) => {
                        str_field(t, "name", &path, sink, true);
                        str_field(t, "content", &path, sink, false);
                        amount_field(t, "amount", &path, sink, false);
                    }
                    _ => sink.push(Code::DocFieldInvalid, path),
                }
            }
        }
        _ => sink.push(Code::DocFieldInvalid, "/tasks"),
    }
}

/// One indicator object as read on its own: its typed value and the violations that
/// depend on no other indicator and not on the period, in document order.
#[derive(Debug, Clone)]
pub(crate) struct ReadIndicator {
    /// The typed indicator.
    pub(crate) ind: Indicator,
    /// Its own violations (no duplicate, no date-in-period warning).
    pub(crate) own: Vec<Violation>,
    /// How many of `own` come before the place of an `IND_NAME_DUPLICATE`.
    pub(crate) name_at: usize,
    /// Its `IND_DATE_OUT_OF_PERIOD` warning under the current period, if any.
    pub(crate) date: Option<Violation>,
}

/// One item of the `indicators` array.
#[derive(Debug, Clone)]
pub(crate) enum Slot {
    /// Not an object: `DOC_FIELD_INVALID` at `/indicators/N`.
    NotObject(Vec<Violation>),
    /// An indicator object.
    Object(Box<ReadIndicator>),
}

impl Slot {
    /// The typed indicator, for an object.
    pub(crate) fn indicator(&self) -> Option<&Indicator> {
        match self {
            Slot::Object(r) => Some(&r.ind),
            Slot::NotObject(_) => None,
        }
    }
}

/// Reads indicator `n` (an object): pushes its own violations into `sink` and returns
/// the typed indicator with the place of a name duplicate (counted from the first
/// violation pushed here). The id duplicate, if any, goes first; the date warning last.
fn read_indicator(n: usize, o: &Map<String, Value>, framework: &Framework, sink: &mut Sink) -> (Indicator, usize) {
    // Paths are formatted only when a violation is pushed.
    let at = |field: &str| format!("/indicators/{n}/{field}");
    let start = sink.items.len();
    let mut ind = Indicator { index: n, ..Indicator::default() };

    // id
    match o.get("id") {
        v if is_blank(v) => sink.push(Code::DocFieldRequired, at("id")),
        Some(Value::String(s)) => ind.id = Some(s.clone()),
        _ => sink.push(Code::DocFieldInvalid, at("id")),
    }

    // level1 / level2
    let level1 = match o.get("level1") {
        Some(Value::String(s)) => Some(s.as_str()),
        _ => None,
    };
    let level2 = match o.get("level2") {
        Some(Value::String(s)) => Some(s.as_str()),
        _ => None,
    };
    ind.level1 = level1.map(str::to_owned);
    ind.level2 = level2.map(str::to_owned);
    match level1.and_then(|l1| framework.level1(l1)) {
        None => sink.push(Code::IndLevel1Unknown, at("level1")),
        Some(l1) => {
            if level2.is_some_and(|l2| l1.level2.iter().any(|c| c.code == l2)) {
                ind.counted = true;
            } else {
                sink.push(Code::IndLevel2Invalid, at("level2"));
            }
        }
    }

    // name
    let mut name_at = sink.items.len() - start;
    match o.get("name") {
        Some(Value::String(s)) if !s.trim().is_empty() => {
            let chars = s.chars().count();
            if chars > NAME_MAX_CHARS {
                sink.push_with(
                    Code::IndNameTooLong,
                    at("name"),
                    params([("max", NAME_MAX_CHARS.into()), ("actual", chars.into())]),
                );
            }
            name_at = sink.items.len() - start;
            ind.name = Some(s.clone());
        }
        _ => sink.push(Code::IndNameRequired, at("name")),
    }

    // nature
    ind.nature = match o.get("nature") {
        Some(Value::String(s)) if s == "quantitative" => Some(Nature::Quantitative),
        Some(Value::String(s)) if s == "qualitative" => Some(Nature::Qualitative),
        _ => {
            sink.push(Code::IndNatureInvalid, at("nature"));
            None
        }
    };

    // operator
    let op_raw = o.get("operator");
    if is_blank(op_raw) {
        if ind.nature == Some(Nature::Quantitative) {
            sink.push(Code::IndOperatorRequired, at("operator"));
        }
    } else {
        let parsed = match op_raw {
            Some(Value::String(s)) => Operator::parse(s),
            _ => None,
        };
        match (ind.nature, parsed) {
            (Some(Nature::Qualitative), _) | (_, None) => sink.push(Code::IndOperatorInvalid, at("operator")),
            (_, Some(op)) => ind.operator = Some(op),
        }
    }

    // value
    let val_raw = o.get("value");
    if is_blank(val_raw) {
        sink.push(Code::IndValueRequired, at("value"));
    } else {
        match val_raw {
            Some(Value::String(s)) if is_placeholder(s) => sink.push(Code::IndValuePlaceholder, at("value")),
            Some(Value::String(s)) => match ind.nature {
                Some(Nature::Quantitative) => {
                    if let Some(d) = parse_signed_decimal(s) {
                        ind.value = Some(TargetValue::Number(d));
                    } else if let Some(d) = Date::parse(s) {
                        ind.value = Some(TargetValue::Date(d));
                    } else {
                        sink.push(Code::IndValueInvalid, at("value"));
                    }
                }
                Some(Nature::Qualitative) => ind.value = Some(TargetValue::Text(s.clone())),
                None => {}
            },
            _ => sink.push(Code::IndValueInvalid, at("value")),
        }
    }

    // unit
    ind.unit = match o.get("unit") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
        _ => None,
    };
    if let Some(TargetValue::Number(v)) = ind.value {
        if ind.unit.is_none() {
            sink.push(Code::IndUnitRequired, at("unit"));
        }
        if ind.unit.as_deref().is_some_and(|u| u.trim() == "%") {
            if v < Decimal::ZERO || v > Decimal::ONE_HUNDRED {
                sink.push_with(Code::IndPercentRange, at("value"), params([("min", 0.into()), ("max", 100.into())]));
            }
            if level1 == Some("satisfaction") && v < Decimal::from(80) {
                sink.push_with(Code::IndSatisfactionLow, at("value"), params([("min", 80.into())]));
            }
        }
    }

    // points
    let pts_raw = o.get("points");
    if !is_blank(pts_raw) {
        ind.points = match pts_raw {
            Some(Value::String(s)) => parse_points(s),
            _ => None,
        };
        if ind.points.is_none() {
            sink.push(Code::IndPointsInvalid, at("points"));
        }
    }

    // The optional fields (FORMATS §1): a text of another JSON type, an unknown basis or a
    // `core` that is not a boolean is DOC_FIELD_INVALID at that field (blank means absent).
    for key in ["explanation", "scoring_rule"] {
        if o.get(key).is_some_and(|v| !v.is_null() && !v.is_string()) {
            sink.push(Code::DocFieldInvalid, at(key));
        }
    }
    match o.get("basis") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if s.trim().is_empty() || BASES.contains(&s.as_str()) => {}
        Some(_) => sink.push(Code::DocFieldInvalid, at("basis")),
    }
    if o.get("core").is_some_and(|v| !v.is_null() && !v.is_boolean()) {
        sink.push(Code::DocFieldInvalid, at("core"));
    }
    ind.core = matches!(o.get("core"), Some(Value::Bool(true)));
    (ind, name_at)
}

/// The bases of a target value (指标值确定依据, FORMATS §1): 计划标准, 行业标准, 历史标准,
/// 预算支出标准, 其他.
pub const BASES: [&str; 5] = ["plan", "industry", "history", "budget_standard", "other"];

/// `IND_DATE_OUT_OF_PERIOD` for a date value outside the period.
fn date_warning(ind: &Indicator, period: Option<(Date, Date)>, sink: &mut Sink) {
    if let (Some(TargetValue::Date(d)), Some((start, end))) = (&ind.value, period)
        && (*d < start || *d > end)
    {
        sink.push_with(
            Code::IndDateOutOfPeriod,
            format!("/indicators/{}/value", ind.index),
            params([("start", start.to_string().into()), ("end", end.to_string().into())]),
        );
    }
}

/// The date warning of an indicator under `period`, rendered in `locale`.
pub(crate) fn date_violation(ind: &Indicator, period: Option<(Date, Date)>, locale: Locale) -> Option<Violation> {
    let mut sink = Sink::new(locale);
    date_warning(ind, period, &mut sink);
    sink.items.pop()
}

/// Reads item `n` of the `indicators` array on its own.
pub(crate) fn read_slot(
    n: usize,
    item: &Value,
    framework: &Framework,
    period: Option<(Date, Date)>,
    locale: Locale,
) -> Slot {
    let mut sink = Sink::new(locale);
    match item {
        Value::Object(o) => {
            let (ind, name_at) = read_indicator(n, o, framework, &mut sink);
            let date = date_violation(&ind, period, locale);
            Slot::Object(Box::new(ReadIndicator { ind, own: sink.items, name_at, date }))
        }
        _ => {
            sink.push(Code::DocFieldInvalid, format!("/indicators/{n}"));
            Slot::NotObject(sink.items)
        }
    }
}

/// Reads the `indicators` member: the violation of the member itself (missing, or not
/// an array) and one slot per array item.
pub(crate) fn read_list(
    doc: &Map<String, Value>,
    framework: &Framework,
    period: Option<(Date, Date)>,
    locale: Locale,
) -> (Vec<Violation>, Vec<Slot>) {
    let mut sink = Sink::new(locale);
    match doc.get("indicators") {
        v if is_blank(v) => sink.push(Code::DocFieldRequired, "/indicators"),
        Some(Value::Array(items)) => {
            let slots =
                items.iter().enumerate().map(|(n, item)| read_slot(n, item, framework, period, locale)).collect();
            return (sink.items, slots);
        }
        _ => sink.push(Code::DocFieldInvalid, "/indicators"),
    }
    (sink.items, Vec::new())
}

/// For each slot, the index of the first earlier indicator with the same id and the
/// same (trimmed) name: the cross-indicator part of the check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Duplicates {
    /// `first_id[n]`: the first index holding slot `n`'s id, when that is not `n`.
    pub(crate) first_id: Vec<Option<usize>>,
    /// `first_name[n]`: likewise for the name.
    pub(crate) first_name: Vec<Option<usize>>,
}

impl Duplicates {
    /// Finds the duplicates among the slots.
    pub(crate) fn find(slots: &[Slot]) -> Duplicates {
        let mut ids: HashMap<&str, usize> = HashMap::with_capacity(slots.len());
        let mut names: HashMap<&str, usize> = HashMap::with_capacity(slots.len());
        let mut out =
            Duplicates { first_id: Vec::with_capacity(slots.len()), first_name: Vec::with_capacity(slots.len()) };
        for (n, slot) in slots.iter().enumerate() {
            let ind = slot.indicator();
            out.first_id.push(ind.and_then(|i| i.id.as_deref()).and_then(|id| first_of(&mut ids, id, n)));
            out.first_name
                .push(ind.and_then(|i| i.name.as_deref()).and_then(|name| first_of(&mut names, name.trim(), n)));
        }
        out
    }

    /// Recomputes the names only (an edit changed a name and no id).
    pub(crate) fn refind_names(&mut self, slots: &[Slot]) {
        let mut names: HashMap<&str, usize> = HashMap::with_capacity(slots.len());
        self.first_name.clear();
        for (n, slot) in slots.iter().enumerate() {
            let name = slot.indicator().and_then(|i| i.name.as_deref());
            self.first_name.push(name.and_then(|name| first_of(&mut names, name.trim(), n)));
        }
    }
}

/// The first index recorded for `key`, or records `n` as the first.
fn first_of<'a>(seen: &mut HashMap<&'a str, usize>, key: &'a str, n: usize) -> Option<usize> {
    match seen.get(key) {
        Some(&first) => Some(first),
        None => {
            seen.insert(key, n);
            None
        }
    }
}

/// Pushes slot `n`'s violations in document order: the id duplicate, its own violations
/// up to the name, the name duplicate, the rest of its own, then the date warning.
pub(crate) fn emit_slot<I: IntoIterator<Item = Violation>>(
    sink: &mut Sink,
    n: usize,
    slot: SlotView<'_, I>,
    dups: &Duplicates,
) {
    match slot {
        SlotView::NotObject(v) => sink.items.extend(v),
        SlotView::Object { ind, own, name_at, date } => {
            if let (Some(&Some(first)), Some(id)) = (dups.first_id.get(n), ind.id.as_deref()) {
                sink.push_with(
                    Code::IndIdDuplicate,
                    format!("/indicators/{n}/id"),
                    params([("id", id.into()), ("first", first.into())]),
                );
            }
            let mut own = own.into_iter();
            sink.items.extend(own.by_ref().take(name_at));
            if let Some(&Some(first)) = dups.first_name.get(n) {
                sink.push_with(
                    Code::IndNameDuplicate,
                    format!("/indicators/{n}/name"),
                    params([("first", (first + 1).into()), ("first_index", first.into())]),
                );
            }
            sink.items.extend(own);
            sink.items.extend(date);
        }
    }
}

/// A slot's parts for [`emit_slot`], borrowed (a session) or moved (a whole check).
pub(crate) enum SlotView<'a, I> {
    /// Not an object: its violation.
    NotObject(I),
    /// An indicator object.
    Object {
        /// The typed indicator.
        ind: &'a Indicator,
        /// Its own violations.
        own: I,
        /// See [`ReadIndicator::name_at`].
        name_at: usize,
        /// Its date warning.
        date: Option<Violation>,
    },
}

/// Reads the header: every member but `indicators`. The returned document has no
/// indicators; its [`TargetDocument::period`] is the one dates are checked against.
pub(crate) fn read_header(doc: &Map<String, Value>, sink: &mut Sink) -> TargetDocument {
    let mut out = TargetDocument::default();

    match doc.get("kind") {
        v if is_blank(v) => sink.push(Code::DocFieldRequired, "/kind"),
        Some(Value::String(s)) if s == "project" => out.kind = Some(Kind::Project),
        Some(Value::String(s)) if s == "department" => out.kind = Some(Kind::Department),
        _ => sink.push(Code::DocFieldInvalid, "/kind"),
    }

    match doc.get("fiscal_year") {
        v if is_blank(v) => sink.push(Code::DocFieldRequired, "/fiscal_year"),
        Some(Value::Number(n))
            if n.as_u64().and_then(|y| u16::try_from(y).ok()).is_some_and(|y| FISCAL_YEARS.contains(&y)) =>
        {
            out.fiscal_year = n.as_u64().and_then(|y| u16::try_from(y).ok());
        }
        _ => sink.push(Code::DocFieldInvalid, "/fiscal_year"),
    }

    out.region = str_field(doc, "region", "", sink, false).and_then(|r| {
        if r.len() == 6 && r.bytes().all(|b| b.is_ascii_digit()) {
            Some(r.to_owned())
        } else {
            sink.push(Code::DocFieldInvalid, "/region");
            None
        }
    });

    out.department = party(doc, "department", sink, true);
    out.unit = party(doc, "unit", sink, false);
    if out.kind == Some(Kind::Project) {
        out.project = project(doc, sink);
    }
    if out.kind == Some(Kind::Department) {
        tasks(doc, sink);
    }
    out.funds = funds(doc, sink);

    if let Some(g) = obj_field(doc, "goals", sink, true) {
        out.annual_goal = str_field(g, "annual", "/goals", sink, true).map(str::to_owned);
        str_field(g, "mid_term", "/goals", sink, false);
    }

    match doc.get("classified") {
        v if is_blank(v) => {}
        Some(Value::Bool(b)) => out.classified = *b,
        _ => sink.push(Code::DocFieldInvalid, "/classified"),
    }
    out
}

/// Reads a whole target document into `sink` (document order): the header, the
/// `indicators` member, each indicator with its duplicates and date warning.
pub(crate) fn read_into(doc: &Map<String, Value>, framework: &Framework, locale: Locale) -> (TargetDocument, Sink) {
    let mut sink = Sink::new(locale);
    let mut out = read_header(doc, &mut sink);
    let (list, slots) = read_list(doc, framework, out.period(), locale);
    sink.items.extend(list);
    let dups = Duplicates::find(&slots);
    out.indicators.reserve(slots.len());
    for (n, slot) in slots.into_iter().enumerate() {
        match slot {
            Slot::NotObject(v) => emit_slot(&mut sink, n, SlotView::NotObject(v), &dups),
            Slot::Object(r) => {
                let ReadIndicator { ind, own, name_at, date } = *r;
                emit_slot(&mut sink, n, SlotView::Object { ind: &ind, own, name_at, date }, &dups);
                out.indicators.push(ind);
            }
        }
    }
    (out, sink)
}

/// Reads a target document. `doc` must be a JSON object (callers reject anything else
/// before, with their own error: exit 2 on the CLI, 400 on the API).
pub(crate) fn parse(doc: &Map<String, Value>, framework: &Framework, sink: &mut Sink) -> TargetDocument {
    // The violations are rendered again in the sink's own locale.
    let (out, read) = read_into(doc, framework, Locale::default());
    for v in read.items {
        sink.push_with(v.code, v.path, v.params);
    }
    out
}
