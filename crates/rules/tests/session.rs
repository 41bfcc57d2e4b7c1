//! Property test of the incremental checker: after any sequence of edits (values of
//! every type in the header and in indicators, whole indicators, array appends and
//! removals, duplicates, period changes, profile and locale switches), a
//! [`CheckSession`]'s report and counts are exactly those of `check` on its whole
//! current document (compared as serialized JSON: same violations, order, params and
//! messages).

mod common;

use common::*;
use jixiao_rules::{CheckSession, Locale, check_parsed, tree_counts};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// One edit a form (or a careless client) can make.
#[derive(Debug, Clone)]
enum Edit {
    Set(String, Value),
    Remove(String),
    Profile(&'static str),
    Locale(Locale),
}

fn text() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        "",
        " ",
        "360",
        "86.40",
        "86.401",
        "-1",
        "1e3",
        "0",
        "100",
        "120",
        "79",
        "*",
        "--",
        "无",
        "暂无",
        "2019-01-01",
        "2019-06-30",
        "2019-12-31",
        "2020-03-01",
        "2018-12-31",
        "2019-02-30",
        "人",
        "%",
        " % ",
        "ge",
        "gt",
        "le",
        "==",
        "quantitative",
        "qualitative",
        "output",
        "benefit",
        "satisfaction",
        "cost",
        "quantity",
        "quality",
        "social",
        "beneficiary",
        "economic",
        "i1",
        "i2",
        " i1",
        "保障孤儿人数",
        "保障孤儿人数 ",
        "指标A",
        "project",
        "department",
        "new",
        "continuing",
        "10",
        "15",
        "0.5",
    ])
    .prop_map(|s| Value::String(s.to_owned()))
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => text(),
        1 => Just(Value::Null),
        1 => prop::sample::select(vec![json!(5), json!(2019), json!(2020), json!(1999), json!(-3), json!(1.5)]),
        1 => Just(json!(true)),
        1 => Just(json!({})),
        1 => Just(json!([])),
    ]
}

fn indicator_object() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["i1", "i2", "new", ""]),
        prop::sample::select(vec![
            ("output", "quantity"),
            ("benefit", "social"),
            ("satisfaction", "beneficiary"),
            ("cost", "economic"),
            ("x", "y"),
        ]),
        prop::sample::select(vec!["保障孤儿人数", "指标A", "新指标", ""]),
        prop::sample::select(vec![("quantitative", Some("ge")), ("qualitative", None), ("quantitative", None)]),
        prop::sample::select(vec!["1", "85", "150", "2019-06-30", "2021-01-01", "明显改善", "x"]),
        prop::sample::select(vec![Some("个"), Some("%"), None]),
        prop::sample::select(vec![Some("5"), Some("10"), Some("0"), None]),
    )
        .prop_map(|(id, (l1, l2), name, (nature, op), v, unit, points)| {
            let mut o = Map::new();
            o.insert("id".into(), json!(id));
            o.insert("level1".into(), json!(l1));
            o.insert("level2".into(), json!(l2));
            o.insert("name".into(), json!(name));
            o.insert("nature".into(), json!(nature));
            if let Some(op) = op {
                o.insert("operator".into(), json!(op));
            }
            o.insert("value".into(), json!(v));
            if let Some(u) = unit {
                o.insert("unit".into(), json!(u));
            }
            if let Some(p) = points {
                o.insert("points".into(), json!(p));
            }
            Value::Object(o)
        })
}

fn item() -> impl Strategy<Value = Value> {
    prop_oneof![4 => indicator_object(), 1 => value()]
}

fn edit() -> impl Strategy<Value = Edit> {
    let field = prop::sample::select(vec![
        "id",
        "level1",
        "level2",
        "name",
        "nature",
        "operator",
        "value",
        "unit",
        "points",
        "core",
        "explanation",
    ]);
    let header = prop::sample::select(vec![
        "/kind",
        "/fiscal_year",
        "/region",
        "/department",
        "/department/name",
        "/unit/code",
        "/project",
        "/project/start",
        "/project/end",
        "/project/name",
        "/project/attribute",
        "/tasks",
        "/tasks/0/name",
        "/funds/annual_total",
        "/funds/mid_term_total",
        "/funds/sources",
        "/funds/sources/0/amount",
        "/goals/annual",
        "/classified",
        "/a~1b~0c",
    ]);
    let period = prop::sample::select(vec![
        ("/project/start", json!("2019-07-01")),
        ("/project/start", json!("2018-01-01")),
        ("/project/end", json!("2019-06-30")),
        ("/project/end", json!("2020-12-31")),
        ("/project/end", json!("2018-01-01")),
        ("/fiscal_year", json!(2020)),
        ("/fiscal_year", json!(2019)),
        ("/kind", json!("department")),
        ("/kind", json!("project")),
    ]);
    prop_oneof![
        8 => (0usize..12, field.clone(), value()).prop_map(|(i, f, v)| Edit::Set(format!("/indicators/{i}/{f}"), v)),
        2 => (0usize..12, item()).prop_map(|(i, v)| Edit::Set(format!("/indicators/{i}"), v)),
        2 => item().prop_map(|v| Edit::Set("/indicators/-".into(), v)),
        2 => (0usize..12).prop_map(|i| Edit::Remove(format!("/indicators/{i}"))),
        1 => (0usize..12, field).prop_map(|(i, f)| Edit::Remove(format!("/indicators/{i}/{f}"))),
        3 => (header.clone(), value()).prop_map(|(p, v)| Edit::Set(p.to_owned(), v)),
        3 => period.prop_map(|(p, v)| Edit::Set(p.to_owned(), v)),
        1 => header.prop_map(|p| Edit::Remove(p.to_owned())),
        1 => prop_oneof![
            prop::collection::vec(item(), 0..6).prop_map(Value::Array),
            value(),
        ]
        .prop_map(|v| Edit::Set("/indicators".into(), v)),
        1 => Just(Edit::Remove("/indicators".into())),
        1 => prop::sample::select(vec![
            "/indicators/0/name/x",
            "/indicators/01/name",
            "/indicators/x/name",
            "/indicators/99/name",
            "/indicators/0/value/0",
            "/kind/x",
            "nope",
        ])
        .prop_map(|p| Edit::Set(p.to_owned(), json!(1))),
        1 => prop::sample::select(vec!["artux-2018", "national-2015", "national-2021"]).prop_map(Edit::Profile),
        1 => prop::sample::select(vec![Locale::ZhCn, Locale::En]).prop_map(Edit::Locale),
    ]
}

fn documents() -> Vec<(Value, String)> {
    let mut out: Vec<(Value, String)> = std::fs::read_dir(fixtures_dir().join("targets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let fx: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (fx["document"].clone(), fx["profile"].as_str().unwrap().to_owned())
        })
        .collect();
    out.sort_by_key(|(d, p)| (p.clone(), d.to_string()));
    out
}

/// The session agrees with a whole check of its document: report (as JSON) and counts.
fn assert_agrees(s: &CheckSession) -> Result<(), TestCaseError> {
    let (parsed, report) = check_parsed(s.document(), s.profile(), s.locale());
    prop_assert_eq!(serde_json::to_string(&s.report()).unwrap(), serde_json::to_string(&report).unwrap());
    prop_assert_eq!(s.counts(), tree_counts(&parsed));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 640, ..ProptestConfig::default() })]

    #[test]
    fn a_session_always_reports_exactly_check_of_its_document(
        start in 0usize..64,
        edits in prop::collection::vec(edit(), 1..30),
    ) {
        let docs = documents();
        let (doc, profile_id) = &docs[start % docs.len()];
        let mut s = CheckSession::new(as_obj(doc).clone(), profile(profile_id), Locale::ZhCn);
        assert_agrees(&s)?;
        for e in edits {
            match e {
                Edit::Set(p, v) => {
                    let _ = s.set(&p, v);
                }
                Edit::Remove(p) => {
                    let _ = s.remove(&p);
                }
                Edit::Profile(id) => s.set_profile(profile(id)),
                Edit::Locale(l) => s.set_locale(l),
            }
            assert_agrees(&s)?;
        }
    }
}

#[test]
fn edits_follow_json_pointer_rules() {
    let mut s = CheckSession::new(Map::new(), profile("artux-2018"), Locale::En);
    s.set("/indicators", json!([])).unwrap();
    s.set("/indicators/-", json!({"id": "a"})).unwrap();
    s.set("/indicators/1", json!({"id": "b"})).unwrap();
    s.set("/indicators/0/name", json!("x")).unwrap();
    assert_eq!(Value::Object(s.document().clone()), json!({"indicators": [{"id": "a", "name": "x"}, {"id": "b"}]}));
    assert_eq!(
        s.set("/indicators/3", json!({})).unwrap_err().to_string(),
        "`/indicators/3`: `3` is not an index of an array of 2"
    );
    assert!(s.set("/indicators/2/name", json!(1)).is_err());
    assert!(s.set("/indicators/0/name/x", json!(1)).is_err());
    assert!(s.set("", json!([])).is_err());
    assert!(s.remove("").is_err());
    s.remove("/indicators/0").unwrap();
    assert_eq!(Value::Object(s.document().clone()), json!({"indicators": [{"id": "b"}]}));
    // The kept report names the shifted indicator at its new index.
    assert!(s.report().violations.iter().any(|v| v.path == "/indicators/0/name"));
    assert!(!s.report().violations.iter().any(|v| v.path.starts_with("/indicators/1")));
}

#[test]
fn a_duplicate_name_moves_when_the_first_one_changes() {
    let mut doc = orphan();
    let name = doc["indicators"][0]["name"].clone();
    doc["indicators"][2]["name"] = name;
    let mut s = CheckSession::new(as_obj(&doc).clone(), profile("artux-2018"), Locale::ZhCn);
    let dup = |s: &CheckSession| -> Vec<String> {
        s.report()
            .violations
            .iter()
            .filter(|v| v.code.as_str() == "IND_NAME_DUPLICATE")
            .map(|v| v.path.clone())
            .collect()
    };
    assert_eq!(dup(&s), ["/indicators/2/name"]);
    s.set("/indicators/0/name", json!("另一个名称")).unwrap();
    assert!(dup(&s).is_empty());
    s.set("/indicators/3/name", json!("另一个名称")).unwrap();
    assert_eq!(dup(&s), ["/indicators/3/name"]);
}

#[test]
fn a_period_change_moves_date_warnings() {
    let mut doc = orphan();
    doc["indicators"][0]["value"] = json!("2019-10-31");
    let mut s = CheckSession::new(as_obj(&doc).clone(), profile("artux-2018"), Locale::ZhCn);
    let dates = |s: &CheckSession| {
        let r = s.report();
        r.violations
            .iter()
            .filter(|v| v.code.as_str() == "IND_DATE_OUT_OF_PERIOD" && v.path == "/indicators/0/value")
            .count()
    };
    assert_eq!(dates(&s), 0);
    s.set("/project/end", json!("2019-06-30")).unwrap();
    assert_eq!(dates(&s), 1);
    s.set("/kind", json!("department")).unwrap();
    assert_eq!(dates(&s), 0);
    s.set("/fiscal_year", json!(2020)).unwrap();
    assert_eq!(dates(&s), 1);
}
