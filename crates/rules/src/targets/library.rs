//! The common-indicator library (共性指标库): level-3 indicators that county budget
//! projects use again and again — by sector (social security, education, health,
//! agriculture, infrastructure, administration, and general ones), each with its level 1 /
//! level 2, usual operator, unit, explanation (指标解释) and a typical value — suggested
//! while a department types an indicator name. Data, like the frameworks
//! (`data/library/common-indicators.json`), read once into typed entries.
//!
//! The entries are placed in the `cn-2021` framework (成本 is a level 1); under a framework
//! where cost is a level 2 of 产出 (`cn-2015`) they move there, and an entry whose place the
//! framework does not have is not suggested.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::document::{Nature, Operator};
use crate::profile::{Framework, Labels};

const DATA: &str = include_str!("../../data/library/common-indicators.json");

/// The most suggestions one call returns.
pub const MAX_SUGGESTIONS: usize = 50;

/// A sector of the library (项目类型).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sector {
    /// Stable code, e.g. `education`.
    pub code: String,
    /// Labels.
    pub label: Labels,
}

/// One library entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommonIndicator {
    /// Sector code.
    pub sector: String,
    /// Level 1 (cn-2021 codes).
    pub level1: String,
    /// Level 2.
    pub level2: String,
    /// 三级指标名称.
    pub name: String,
    /// 定量 when it has an operator, else 定性.
    pub nature: Nature,
    /// The usual operator (quantitative only).
    pub operator: Option<Operator>,
    /// The usual unit (quantitative only).
    pub unit: Option<String>,
    /// A typical value (the user still sets the value).
    pub typical_value: Option<String>,
    /// 指标解释.
    pub explanation: String,
    /// Other words a user may type for it.
    pub keywords: Vec<String>,
}

/// The library: its sectors and entries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Library {
    /// Identifier of the data set.
    pub id: String,
    /// Labels.
    pub name: Labels,
    /// Sectors in display order.
    pub sectors: Vec<Sector>,
    /// Entries in library order.
    pub indicators: Vec<CommonIndicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLibrary {
    id: String,
    name: Labels,
    sectors: Vec<Sector>,
    indicators: Vec<RawIndicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    sector: String,
    level1: String,
    level2: String,
    name: String,
    #[serde(default)]
    operator: Option<String>,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    value: Option<String>,
    explanation: String,
    #[serde(default)]
    keywords: Vec<String>,
}

/// Why library data was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryError(pub String);

impl std::fmt::Display for LibraryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LibraryError {}

impl Library {
    /// Parses library JSON: every entry names a known sector, a valid operator, and a unit
    /// when it is quantitative; nothing is dropped silently.
    pub fn parse(json: &str) -> Result<Library, LibraryError> {
        let raw: RawLibrary = serde_json::from_str(json).map_err(|e| LibraryError(e.to_string()))?;
        let mut indicators = Vec::with_capacity(raw.indicators.len());
        for (n, r) in raw.indicators.into_iter().enumerate() {
            let at = |what: &str| LibraryError(format!("indicators[{n}] ({}): {what}", r.name));
            if !raw.sectors.iter().any(|s| s.code == r.sector) {
                return Err(at("unknown sector"));
            }
            if r.name.trim().is_empty() || r.name.chars().count() > 100 {
                return Err(at("name must have 1–100 characters"));
            }
            let operator = match r.operator.as_deref() {
                None => None,
                Some(s) => Some(Operator::parse(s).ok_or_else(|| at("unknown operator"))?),
            };
            if operator.is_some() && r.unit.as_deref().is_none_or(|u| u.trim().is_empty()) {
                return Err(at("a quantitative entry needs a unit"));
            }
            if operator.is_none() && r.unit.is_some() {
                return Err(at("a qualitative entry takes no unit"));
            }
            indicators.push(CommonIndicator {
                sector: r.sector,
                level1: r.level1,
                level2: r.level2,
                nature: if operator.is_some() { Nature::Quantitative } else { Nature::Qualitative },
                name: r.name,
                operator,
                unit: r.unit,
                typical_value: r.value,
                explanation: r.explanation,
                keywords: r.keywords,
            });
        }
        Ok(Library { id: raw.id, name: raw.name, sectors: raw.sectors, indicators })
    }

    /// The library shipped with the crate (empty only if its data were broken, which the
    /// crate's tests rule out).
    pub fn builtin() -> &'static Library {
        static LIB: OnceLock<Library> = OnceLock::new();
        LIB.get_or_init(|| Library::parse(DATA).unwrap_or_default())
    }

    /// Up to `limit` entries for what the user typed, best first: the name equal to, starting
    /// with or containing the query, then a keyword, then most of the query's character
    /// pairs (for Chinese: `孤儿人数` finds `保障对象人数` through 孤儿 and 人数). Entries are
    /// placed in `framework` (when given) and filtered by `level1`/`level2` (when given);
    /// an empty query lists the entries of that place. Full-width letters, digits and spaces
    /// count as their ASCII forms.
    pub fn suggest(
        &self,
        query: &str,
        level1: Option<&str>,
        level2: Option<&str>,
        framework: Option<&Framework>,
        limit: usize,
    ) -> Vec<Suggestion<'_>> {
        let q = normalize(query);
        let level1 = level1.map(str::trim).filter(|s| !s.is_empty());
        let level2 = level2.map(str::trim).filter(|s| !s.is_empty());
        let mut found: Vec<(u32, usize, Suggestion<'_>)> = self
            .indicators
            .iter()
            .enumerate()
            .filter_map(|(n, e)| {
                let (l1, l2) = place(e, framework)?;
                if level1.is_some_and(|x| x != l1) || level2.is_some_and(|x| x != l2) {
                    return None;
                }
                let score = relevance(&q, e);
                (score > 0).then(|| (score, n, Suggestion::of(e, l1, l2)))
            })
            .collect();
        found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        found.into_iter().take(limit.clamp(1, MAX_SUGGESTIONS)).map(|(_, _, s)| s).collect()
    }
}

/// A suggestion as the form receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion<'a> {
    /// 三级指标名称.
    pub name: &'a str,
    /// Level 1, in the framework asked for.
    pub level1: &'a str,
    /// Level 2, in the framework asked for.
    pub level2: &'a str,
    /// `quantitative` or `qualitative`.
    pub nature: &'static str,
    /// `ge`, `gt`, `eq`, `le` or `lt`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<&'static str>,
    /// The usual unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<&'a str>,
    /// 指标解释.
    pub explanation: &'a str,
    /// A typical value, for orientation only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub typical_value: Option<&'a str>,
    /// Sector code.
    pub sector: &'a str,
}

impl<'a> Suggestion<'a> {
    fn of(e: &'a CommonIndicator, level1: &'a str, level2: &'a str) -> Suggestion<'a> {
        Suggestion {
            name: &e.name,
            level1,
            level2,
            nature: match e.nature {
                Nature::Quantitative => "quantitative",
                Nature::Qualitative => "qualitative",
            },
            operator: e.operator.map(Operator::code),
            unit: e.unit.as_deref(),
            explanation: &e.explanation,
            typical_value: e.typical_value.as_deref(),
            sector: &e.sector,
        }
    }
}

/// Where an entry sits in `framework`: its own place, or 成本 as a level 2 of 产出.
fn place<'a>(e: &'a CommonIndicator, framework: Option<&Framework>) -> Option<(&'a str, &'a str)> {
    let Some(fw) = framework else { return Some((&e.level1, &e.level2)) };
    if fw.allows(&e.level1, &e.level2) {
        Some((&e.level1, &e.level2))
    } else if e.level1 == "cost" && fw.allows("output", "cost") {
        Some(("output", "cost"))
    } else {
        None
    }
}

/// Lower-case, full-width ASCII as ASCII, no whitespace.
pub fn normalize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn relevance(q: &str, e: &CommonIndicator) -> u32 {
    relevance_of(q, &e.name, &e.keywords)
}

/// How well `name` (with `keywords`) matches the normalized query `q`: 0 = not at all.
fn relevance_of(q: &str, name: &str, keywords: &[String]) -> u32 {
    if q.is_empty() {
        return 1;
    }
    let name = normalize(name);
    if name == q {
        return 1000;
    }
    if name.starts_with(q) {
        return 800;
    }
    if name.contains(q) {
        return 600;
    }
    let keywords: Vec<String> = keywords.iter().map(|k| normalize(k)).collect();
    if let Some(k) = keywords
        .iter()
        .filter(|k| k.contains(q) || (k.chars().count() >= 2 && q.contains(k.as_str())))
        .map(|k| k.chars().count())
        .max()
    {
        return 400 + u32::try_from(k).unwrap_or(0).min(99);
    }
    let chars: Vec<char> = q.chars().collect();
    if chars.len() < 2 {
        return 0;
    }
    let hay: String = std::iter::once(name).chain(keywords).collect::<Vec<_>>().join("|");
    let pairs: Vec<String> = chars.windows(2).map(|w| w.iter().collect()).collect();
    let hits = pairs.iter().filter(|p| hay.contains(p.as_str())).count();
    if hits * 2 >= pairs.len() && hits > 0 { 100 + u32::try_from(hits * 200 / pairs.len()).unwrap_or(0) } else { 0 }
}

/// An indicator a department declared in an approved target of an earlier year, offered
/// again as a suggestion (online, beside the library's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct PastIndicator {
    /// 三级指标名称.
    pub name: String,
    /// Level 1.
    pub level1: String,
    /// Level 2.
    pub level2: String,
    /// `quantitative` or `qualitative`.
    pub nature: String,
    /// `ge`, `gt`, `eq`, `le` or `lt`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// 计量单位.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// 指标解释.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// 评分标准.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scoring_rule: Option<String>,
    /// 指标值确定依据.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// The value declared then (for orientation; the form does not copy it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The fiscal year of the target it comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fiscal_year: Option<i32>,
    /// The project it comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_name: Option<String>,
}

/// The indicators of `targets` (approved documents, most recent first, with their fiscal
/// year) that match what the user typed, best first, each name once (its most recent use),
/// at most `limit` (1–[`MAX_SUGGESTIONS`]). An indicator is offered only when its name,
/// level 1, level 2 and nature are readable; other fields are copied when they are strings.
pub fn past_indicators<'a>(
    targets: impl IntoIterator<Item = (Option<i32>, &'a serde_json::Map<String, serde_json::Value>)>,
    query: &str,
    level1: Option<&str>,
    level2: Option<&str>,
    limit: usize,
) -> Vec<PastIndicator> {
    use serde_json::Value;
    let q = normalize(query);
    let level1 = level1.map(str::trim).filter(|s| !s.is_empty());
    let level2 = level2.map(str::trim).filter(|s| !s.is_empty());
    let text = |o: &serde_json::Map<String, Value>, k: &str| {
        o.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut found: Vec<(u32, usize, PastIndicator)> = Vec::new();
    for (year, doc) in targets {
        let project_name = doc.get("project").and_then(Value::as_object).and_then(|p| text(p, "name"));
        let Some(list) = doc.get("indicators").and_then(Value::as_array) else { continue };
        for o in list.iter().filter_map(Value::as_object) {
            let (Some(name), Some(l1), Some(l2), Some(nature)) =
                (text(o, "name"), text(o, "level1"), text(o, "level2"), text(o, "nature"))
            else {
                continue;
            };
            if !matches!(nature.as_str(), "quantitative" | "qualitative")
                || level1.is_some_and(|x| x != l1)
                || level2.is_some_and(|x| x != l2)
                || !seen.insert(normalize(&name))
            {
                continue;
            }
            let score = relevance_of(&q, &name, &[]);
            if score == 0 {
                continue;
            }
            let operator = text(o, "operator").filter(|op| Operator::parse(op).is_some() && nature == "quantitative");
            let n = found.len();
            found.push((
                score,
                n,
                PastIndicator {
                    unit: text(o, "unit"),
                    explanation: text(o, "explanation"),
                    scoring_rule: text(o, "scoring_rule"),
                    basis: text(o, "basis"),
                    value: text(o, "value"),
                    name,
                    level1: l1,
                    level2: l2,
                    nature,
                    operator,
                    fiscal_year: year,
                    project_name: project_name.clone(),
                },
            ));
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    found.into_iter().take(limit.clamp(1, MAX_SUGGESTIONS)).map(|(_, _, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Registry;

    fn lib() -> Library {
        Library::parse(DATA).expect("the shipped library parses")
    }

    #[test]
    fn the_shipped_library_parses_whole_and_fits_both_frameworks() {
        let lib = lib();
        let raw: serde_json::Value = serde_json::from_str(DATA).unwrap();
        assert_eq!(lib.indicators.len(), raw["indicators"].as_array().unwrap().len());
        assert!(lib.indicators.len() >= 60);
        for sector in ["social_security", "education", "health", "agriculture", "infrastructure", "administration"] {
            let n = lib.indicators.iter().filter(|e| e.sector == sector).count();
            assert!(n >= 7, "{sector}: {n} entries");
            for l1 in ["output", "benefit", "satisfaction"] {
                assert!(
                    lib.indicators.iter().any(|e| (e.sector == sector || e.sector == "general") && e.level1 == l1),
                    "{sector} lacks {l1}"
                );
            }
        }
        let reg = Registry::builtin();
        let fw21 = reg.framework("cn-2021").unwrap();
        let fw15 = reg.framework("cn-2015").unwrap();
        for e in &lib.indicators {
            assert!(fw21.allows(&e.level1, &e.level2), "{} is not placed in cn-2021", e.name);
            assert!(place(e, Some(fw15)).is_some(), "{} has no place in cn-2015", e.name);
        }
        let names: std::collections::BTreeSet<&str> = lib.indicators.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names.len(), lib.indicators.len(), "a name appears twice");
        assert_eq!(Library::builtin().indicators.len(), lib.indicators.len());
    }

    #[test]
    fn a_library_with_a_bad_entry_is_refused_with_its_place() {
        let bad = DATA.replacen("\"operator\": \"ge\"", "\"operator\": \"gte\"", 1);
        let err = Library::parse(&bad).unwrap_err();
        assert!(err.0.starts_with("indicators[0]") && err.0.contains("operator"), "{err}");
        let no_unit = r#"{"id":"x","name":{"zh-CN":"x"},"sectors":[{"code":"g","label":{"zh-CN":"g"}}],
            "indicators":[{"sector":"g","level1":"output","level2":"quantity","name":"n","operator":"ge","explanation":""}]}"#;
        assert!(Library::parse(no_unit).unwrap_err().0.contains("unit"));
    }

    #[test]
    fn suggestions_rank_the_name_then_keywords_then_character_pairs() {
        let lib = lib();
        let names = |q: &str| lib.suggest(q, None, None, None, 10).into_iter().map(|s| s.name).collect::<Vec<_>>();
        assert_eq!(names("服务对象满意度").first(), Some(&"服务对象满意度"));
        assert_eq!(names("验收").first(), Some(&"验收合格率"), "a prefix beats a contained word");
        assert!(names("孤儿").contains(&"保障对象人数"), "孤儿 is a keyword of 保障对象人数");
        assert!(names("孤儿保障人数").contains(&"保障对象人数"), "character pairs: 保障, 人数");
        assert!(names("ＤＯＥＳ ＮＯＴ").is_empty());
        assert_eq!(names("疫苗"), vec!["适龄儿童免疫规划疫苗接种率"]);
        assert!(names("xyz不存在的词").is_empty());
    }

    #[test]
    fn suggestions_carry_what_the_form_fills_and_respect_the_place_asked_for() {
        let lib = lib();
        let s = &lib.suggest("道路", None, None, None, 5)[0];
        assert_eq!((s.name, s.level1, s.level2), ("新建（改建）道路里程", "output", "quantity"));
        assert_eq!((s.nature, s.operator, s.unit), ("quantitative", Some("ge"), Some("公里")));
        assert!(!s.explanation.is_empty() && s.typical_value.is_some());
        let json = serde_json::to_value(s).unwrap();
        assert_eq!(json["operator"], "ge");
        let q = &lib.suggest("长效", None, None, None, 5)[0];
        assert_eq!((q.nature, q.operator, q.unit), ("qualitative", None, None));
        assert!(serde_json::to_value(q).unwrap().get("operator").is_none());

        let only = lib.suggest("", Some("satisfaction"), Some("beneficiary"), None, 50);
        assert!(only.len() >= 6 && only.iter().all(|s| s.level1 == "satisfaction"));
        assert_eq!(lib.suggest("", None, None, None, 500).len(), MAX_SUGGESTIONS);
        assert_eq!(lib.suggest("", None, None, None, 0).len(), 1);

        let fw15 = Registry::builtin().framework("cn-2015").unwrap();
        let cost = lib.suggest("造价", None, None, Some(fw15), 5);
        assert_eq!((cost[0].level1, cost[0].level2), ("output", "cost"), "成本 moves under 产出 in cn-2015");
        assert!(lib.suggest("造价", Some("cost"), None, Some(fw15), 5).is_empty());
    }

    #[test]
    fn past_indicators_are_matched_once_each_most_recent_first() {
        let y2019 = crate::parse_object(r#"{"project":{"name":"孤儿被装"},"indicators":[
            {"id":"i1","level1":"output","level2":"quantity","name":"保障孤儿人数","nature":"quantitative","operator":"eq","value":"360","unit":"人","explanation":"当年保障人数","basis":"plan"},
            {"id":"i2","level1":"benefit","level2":"social","name":"生活条件改善","nature":"qualitative","value":"明显改善","operator":"ge"},
            {"id":"i3","level1":"output","level2":"quantity","name":"","nature":"quantitative"},
            {"id":"i4","level1":"output","name":"无二级","nature":"quantitative"}]}"#).unwrap();
        let y2018 = crate::parse_object(r#"{"project":{"name":"旧项目"},"indicators":[
            {"id":"i1","level1":"output","level2":"quantity","name":"保障孤儿人数 ","nature":"quantitative","operator":"ge","value":"300","unit":"人"},
            {"id":"i2","level1":"satisfaction","level2":"beneficiary","name":"孤儿满意度","nature":"quantitative","operator":"ge","value":"90","unit":"%"}]}"#).unwrap();
        let docs = [(Some(2019), &y2019), (Some(2018), &y2018)];
        let all = past_indicators(docs, "", None, None, 10);
        assert_eq!(
            all.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            ["保障孤儿人数", "生活条件改善", "孤儿满意度"]
        );
        let first = &all[0];
        assert_eq!(
            (first.fiscal_year, first.value.as_deref(), first.operator.as_deref()),
            (Some(2019), Some("360"), Some("eq"))
        );
        assert_eq!((first.basis.as_deref(), first.project_name.as_deref()), (Some("plan"), Some("孤儿被装")));
        assert_eq!(all[1].operator, None, "a qualitative indicator carries no operator");
        let hit = past_indicators(docs, "满意", None, None, 10);
        assert_eq!(hit.len(), 1);
        assert_eq!(hit[0].name, "孤儿满意度");
        assert!(
            past_indicators(docs, "孤儿", Some("satisfaction"), None, 10).iter().all(|p| p.level1 == "satisfaction")
        );
        assert_eq!(past_indicators(docs, "", None, None, 1).len(), 1);
    }
}
