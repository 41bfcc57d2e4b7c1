//! Native tests of the adapter logic: every shared fixture through `validate`, `score`
//! and `monitor`, the error paths, and a property test that a `Session` edited step by step always
//! reports exactly what `validate` reports on its whole document.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use jixiao_wasm::engine::{self, Session};
use proptest::prelude::*;
use serde_json::{Value, json};

fn fixtures(kind: &str) -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(kind);
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let v = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (p.file_name().unwrap().to_string_lossy().into_owned(), v)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(!out.is_empty(), "no fixtures in {}", dir.display());
    out
}

fn triples(report: &Value) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["code"].as_str().unwrap().to_owned(),
                x["path"].as_str().unwrap().to_owned(),
                x["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn every_target_fixture_gives_its_expected_violations() {
    for (name, fx) in fixtures("targets") {
        let doc = serde_json::to_string(&fx["document"]).unwrap();
        let line = engine::validate(&doc, fx["profile"].as_str().unwrap(), "zh-CN").unwrap();
        let report: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(report["valid"], fx["expect"]["valid"], "{name}");
        let expected: Value = json!({ "violations": fx["expect"]["violations"] });
        assert_eq!(triples(&report), triples(&expected), "{name}");
    }
}

#[test]
fn validate_output_is_the_compact_check_report() {
    let (_, fx) = fixtures("targets").into_iter().find(|(n, _)| n == "orphan-clothing-valid.json").unwrap();
    let text = serde_json::to_string_pretty(&fx["document"]).unwrap();
    let line = engine::validate(&text, "artux-2018", "en").unwrap();
    assert_eq!(line, r#"{"valid":true,"violations":[]}"#);
    assert!(!line.contains('\n'));
}

#[test]
fn the_evaluation_fixture_scores_98_19_excellent() {
    // The worked example of FORMATS.md §4 (the other evaluation fixture needs a profile file).
    let (_, fx) = fixtures("evaluations").into_iter().find(|(n, _)| n == "orphan-clothing-2019.json").unwrap();
    let target = serde_json::to_string(&fx["target"]).unwrap();
    let evaluation = serde_json::to_string(&fx["evaluation"]).unwrap();
    let out: Value =
        serde_json::from_str(&engine::score(&target, &evaluation, "artux-2018", "zh-CN").unwrap()).unwrap();
    assert_eq!(out["total"], "98.19");
    assert_eq!(out["grade"], "excellent");
}

#[test]
fn unusable_inputs_have_one_line_reasons() {
    for (text, needle) in
        [("", "document: input is empty"), ("[1]", "array"), ("{", "not valid JSON"), ("\u{feff}7", "number")]
    {
        let line = engine::validate(text, "artux-2018", "zh-CN").unwrap();
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["valid"], false);
        assert_eq!(v["violations"], json!([]));
        assert!(v["error"].as_str().unwrap().contains(needle), "{line}");
    }
    assert!(engine::validate("{}", "nope", "zh-CN").unwrap_err().contains("unknown profile `nope`"));
    assert!(engine::validate("{}", "artux-2018", "fr").unwrap_err().contains("unknown locale"));
    assert!(engine::score("{}", "[]", "artux-2018", "en").unwrap_err().starts_with("evaluation:"));
    assert!(engine::score("", "{}", "artux-2018", "en").unwrap_err().starts_with("target: input is empty"));
}

/// Violations as a sorted multiset of (code, severity, path, params).
fn quads(report: &Value) -> Vec<(String, String, String, String)> {
    let mut v: Vec<_> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["code"].as_str().unwrap().to_owned(),
                x["severity"].as_str().unwrap().to_owned(),
                x["path"].as_str().unwrap().to_owned(),
                x["params"].to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn previous_of(fx: &Value) -> String {
    if fx["previous"].is_null() { String::new() } else { serde_json::to_string(&fx["previous"]).unwrap() }
}

#[test]
fn every_monitoring_fixture_gives_its_expected_output() {
    let all = fixtures("monitoring");
    assert!(all.len() >= 6);
    for (name, fx) in all {
        let target = serde_json::to_string(&fx["target"]).unwrap();
        let report = serde_json::to_string(&fx["report"]).unwrap();
        let line =
            engine::monitor(&target, &report, &previous_of(&fx), fx["profile"].as_str().unwrap(), "zh-CN").unwrap();
        assert!(!line.contains('\n'), "{name}");
        let got: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(quads(&got), quads(&fx["expect"]), "{name}");
        let (mut g, mut e) = (got, fx["expect"].clone());
        g.as_object_mut().unwrap().remove("violations");
        e.as_object_mut().unwrap().remove("violations");
        assert_eq!(g, e, "{name}");
    }
}

#[test]
fn monitor_prints_what_the_rules_serialise() {
    // The same bytes as serialising jixiao_rules::monitor, which is what `jixiao monitor` prints.
    let profile = jixiao_rules::Registry::builtin().profile("artux-2018").unwrap();
    for (name, fx) in fixtures("monitoring") {
        let target = serde_json::to_string(&fx["target"]).unwrap();
        let report = serde_json::to_string(&fx["report"]).unwrap();
        let previous = fx["previous"].as_object();
        for locale in ["zh-CN", "en"] {
            let expected = serde_json::to_string(&jixiao_rules::monitor(
                fx["target"].as_object().unwrap(),
                fx["report"].as_object().unwrap(),
                profile,
                previous,
                jixiao_rules::Locale::parse(locale).unwrap(),
            ))
            .unwrap();
            let line = engine::monitor(&target, &report, &previous_of(&fx), "artux-2018", locale).unwrap();
            assert_eq!(line, expected, "{name} {locale}");
        }
    }
}

#[test]
fn monitor_previous_may_be_empty_or_null() {
    let (_, fx) = fixtures("monitoring").into_iter().find(|(n, _)| n == "late-execution-with-reason.json").unwrap();
    let target = serde_json::to_string(&fx["target"]).unwrap();
    let report = serde_json::to_string(&fx["report"]).unwrap();
    let with = engine::monitor(&target, &report, &previous_of(&fx), "artux-2018", "en").unwrap();
    assert!(with.contains(r#""code":"MON_EXECUTION_DECREASED","severity":"warning""#), "{with}");
    let none = engine::monitor(&target, &report, "", "artux-2018", "en").unwrap();
    assert!(!none.contains("MON_EXECUTION_DECREASED"), "{none}");
    assert_eq!(engine::monitor(&target, &report, "null", "artux-2018", "en").unwrap(), none);
    assert_eq!(engine::monitor(&target, &report, " null\n", "artux-2018", "en").unwrap(), none);
    // an empty previous object has nothing to compare with either
    assert_eq!(engine::monitor(&target, &report, "{}", "artux-2018", "en").unwrap(), none);
}

#[test]
fn monitor_unusable_inputs_have_one_line_reasons() {
    let (_, fx) = fixtures("monitoring").remove(0);
    let target = serde_json::to_string(&fx["target"]).unwrap();
    let report = serde_json::to_string(&fx["report"]).unwrap();
    for (t, r, p, needle) in [
        ("", report.as_str(), "", "target: input is empty"),
        ("[]", report.as_str(), "", "target:"),
        (target.as_str(), "", "", "report: input is empty"),
        (target.as_str(), "[1]", "", "report:"),
        (target.as_str(), "{", "", "report:"),
        (target.as_str(), report.as_str(), "[]", "previous:"),
        (target.as_str(), report.as_str(), "42", "previous:"),
        (target.as_str(), report.as_str(), "{", "previous:"),
    ] {
        let err = engine::monitor(t, r, p, "artux-2018", "zh-CN").unwrap_err();
        assert!(err.starts_with(needle), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }
    assert!(engine::monitor(&target, &report, "", "nope", "zh-CN").unwrap_err().contains("unknown profile `nope`"));
    assert!(engine::monitor(&target, &report, "", "artux-2018", "fr").unwrap_err().contains("unknown locale"));
}

#[test]
fn profiles_lists_the_builtin_profiles_with_their_frameworks() {
    let v: Value = serde_json::from_str(&engine::profiles().unwrap()).unwrap();
    let ids: Vec<&str> = v.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["artux-2018", "national-2015", "national-2021"]);
    assert_eq!(v[0]["framework"]["level1"][0]["code"], "output");
    assert_eq!(v[0]["framework"]["level1"][0]["label"]["zh-CN"], "产出指标");
    assert_eq!(v[2]["framework"]["id"], "cn-2021");
}

#[test]
fn session_set_creates_members_appends_and_refuses_bad_pointers() {
    let mut s = Session::new("artux-2018", "en").unwrap();
    s.set("/funds/annual_total", json!("1.00")).unwrap();
    s.set("/indicators", json!([])).unwrap();
    s.set("/indicators/-", json!({"id": "a"})).unwrap();
    s.set("/indicators/1", json!({"id": "b"})).unwrap();
    s.set("/indicators/0/name", json!("x")).unwrap();
    s.set("/a~1b~0c", json!(1)).unwrap();
    let doc: Value = serde_json::from_str(&s.document().unwrap()).unwrap();
    assert_eq!(
        doc,
        json!({"funds": {"annual_total": "1.00"}, "indicators": [{"id": "a", "name": "x"}, {"id": "b"}], "a/b~c": 1})
    );
    assert!(s.set("/indicators/3", json!({})).is_err());
    assert!(s.set("/indicators/01", json!({})).is_err());
    assert!(s.set("/indicators/0/name/x", json!(1)).is_err());
    assert!(s.set("nope", json!(1)).is_err());
    assert!(s.set("", json!([])).is_err());
    s.remove("/indicators/0").unwrap();
    s.remove("/not_there").unwrap();
    let doc: Value = serde_json::from_str(&s.document().unwrap()).unwrap();
    assert_eq!(doc["indicators"], json!([{"id": "b"}]));
    assert!(s.remove("").is_err());
}

#[test]
fn session_counts_follow_the_document() {
    let (_, fx) = fixtures("targets").into_iter().find(|(n, _)| n == "orphan-clothing-valid.json").unwrap();
    let mut s = Session::new("artux-2018", "zh-CN").unwrap();
    s.load(&fx["document"].to_string()).unwrap();
    let c: Value = serde_json::from_str(&s.counts().unwrap()).unwrap();
    let n = fx["document"]["indicators"].as_array().unwrap().len();
    assert_eq!(c["level3"], n);
    // The share the meters show is the rules' (the figure TREE_QUANT_RATIO_MIN would state).
    let q = c["quantitative"].as_u64().unwrap() as usize;
    let counts = jixiao_rules::TreeCounts { level1: 0, level2: 0, level3: n, quantitative: q };
    assert_eq!(c["quantitative_percent"], counts.quantitative_percent().unwrap().as_str());
    let third = jixiao_rules::TreeCounts { level1: 1, level2: 1, level3: 3, quantitative: 2 };
    assert_eq!(third.quantitative_percent().as_deref(), Some("66.67"));
    assert_eq!(jixiao_rules::TreeCounts::default().quantitative_percent(), None);
    s.set("/indicators/0/level1", json!("nope")).unwrap();
    let c: Value = serde_json::from_str(&s.counts().unwrap()).unwrap();
    assert_eq!(c["level3"], n - 1);
}

/// One edit a form can make.
#[derive(Debug, Clone)]
enum Edit {
    Set(String, Value),
    Remove(String),
    Profile(&'static str),
    Locale(&'static str),
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
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
            "2019-06-30",
            "2025-01-01",
            "2019-02-30",
            "人",
            "%",
            "万元",
            "ge",
            "gt",
            "eq",
            "le",
            "lt",
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
            "保障孤儿人数",
            "project",
            "department",
            "new",
            "continuing",
            "10",
            "15",
            "0.5",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
        Just(Value::Null),
        Just(json!(5)),
        Just(json!(true)),
        Just(json!(2019)),
        Just(json!({})),
        Just(json!([])),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let field = prop::sample::select(vec![
        "id", "level1", "level2", "name", "nature", "operator", "value", "unit", "points", "core",
    ]);
    let top = prop::sample::select(vec![
        "/kind",
        "/fiscal_year",
        "/department/name",
        "/project/start",
        "/project/end",
        "/project/name",
        "/funds/annual_total",
        "/funds/mid_term_total",
        "/funds/sources/0/amount",
        "/goals/annual",
        "/classified",
    ]);
    prop_oneof![
        6 => (0usize..12, field, value()).prop_map(|(i, f, v)| Edit::Set(format!("/indicators/{i}/{f}"), v)),
        2 => (top, value()).prop_map(|(p, v)| Edit::Set(p.to_owned(), v)),
        1 => (0usize..12, prop::sample::select(vec!["unit", "operator", "points", "value"]))
            .prop_map(|(i, f)| Edit::Remove(format!("/indicators/{i}/{f}"))),
        1 => (0usize..12).prop_map(|i| Edit::Remove(format!("/indicators/{i}"))),
        1 => Just(Edit::Set("/indicators/-".into(), json!({"id": "new", "level1": "output", "level2": "quantity",
            "name": "新指标", "nature": "quantitative", "operator": "ge", "value": "1", "unit": "个", "points": "5"}))),
        1 => prop::sample::select(vec!["artux-2018", "national-2015", "national-2021"]).prop_map(Edit::Profile),
        1 => prop::sample::select(vec!["zh-CN", "en"]).prop_map(Edit::Locale),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// After any sequence of edits, the session's report and counts equal a fresh
    /// `validate` of its whole document, and its document equals a model edited with
    /// serde_json's own pointer access.
    #[test]
    fn session_always_equals_validate(start in 0usize..14, edits in prop::collection::vec(edit(), 1..25)) {
        let all = fixtures("targets");
        let (_, fx) = &all[start % all.len()];
        let mut profile = fx["profile"].as_str().unwrap();
        let mut locale = "zh-CN";
        let mut s = Session::new(profile, locale).unwrap();
        s.load(&fx["document"].to_string()).unwrap();
        let mut model = fx["document"].clone();
        for e in edits {
            match e {
                Edit::Set(p, v) => {
                    let applied = s.set(&p, v.clone()).is_ok();
                    if applied {
                        model_set(&mut model, &p, v);
                    }
                }
                Edit::Remove(p) => {
                    if s.remove(&p).is_ok() {
                        model_remove(&mut model, &p);
                    }
                }
                Edit::Profile(id) => { s.set_profile(id).unwrap(); profile = id; }
                Edit::Locale(l) => { s.set_locale(l).unwrap(); locale = l; }
            }
            let doc = s.document().unwrap();
            prop_assert_eq!(serde_json::from_str::<Value>(&doc).unwrap(), model.clone());
            prop_assert_eq!(s.report().unwrap(), engine::validate(&doc, profile, locale).unwrap());
            let fresh = {
                let mut f = Session::new(profile, locale).unwrap();
                f.load(&doc).unwrap();
                f.counts().unwrap()
            };
            prop_assert_eq!(s.counts().unwrap(), fresh);
        }
    }
}

/// The model's `set`, written with `pointer_mut`: every missing or null parent
/// member is created as an empty object first, then the last token is set.
fn model_set(doc: &mut Value, pointer: &str, v: Value) {
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    let mut path = String::new();
    for t in parent.split('/').skip(1) {
        let holder = path.clone();
        path.push('/');
        path.push_str(t);
        match doc.pointer_mut(&path) {
            Some(slot) if slot.is_null() => *slot = json!({}),
            Some(_) => {}
            None => {
                doc.pointer_mut(&holder).unwrap().as_object_mut().unwrap().insert(t.to_owned(), json!({}));
            }
        }
    }
    match doc.pointer_mut(parent).unwrap() {
        Value::Object(o) => {
            o.insert(last.to_owned(), v);
        }
        Value::Array(a) => match last.parse::<usize>().ok().filter(|&i| i < a.len()) {
            Some(i) => a[i] = v,
            None => a.push(v),
        },
        _ => unreachable!("the session accepted a walk through a scalar"),
    }
}

fn model_remove(doc: &mut Value, pointer: &str) {
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    match doc.pointer_mut(parent) {
        Some(Value::Object(o)) => {
            o.remove(last);
        }
        Some(Value::Array(a)) => {
            let i: usize = last.parse().unwrap();
            if i < a.len() {
                a.remove(i);
            }
        }
        _ => {}
    }
}

#[test]
fn hints_cover_every_code_in_both_locales() {
    let zh: Value = serde_json::from_str(&engine::hints("zh-CN").unwrap()).unwrap();
    let en: Value = serde_json::from_str(&engine::hints("en").unwrap()).unwrap();
    assert_eq!(zh.as_object().unwrap().len(), jixiao_rules::Code::ALL.len());
    assert!(zh["IND_UNIT_REQUIRED"].as_str().unwrap().contains("计量单位"));
    assert!(en["FUNDS_SOURCES_SUM"].as_str().unwrap().contains("annual total"));
    assert!(engine::hints("fr").unwrap_err().contains("fr"));
}

#[test]
fn suggestions_come_from_the_library_in_the_profile_framework() {
    let all: Value = serde_json::from_str(&engine::suggest_indicators("满意", "", "", 3, "").unwrap()).unwrap();
    let first = &all[0];
    assert_eq!(all.as_array().unwrap().len(), 3);
    assert_eq!((first["level1"].as_str(), first["nature"].as_str()), (Some("satisfaction"), Some("quantitative")));
    assert!(first["unit"].is_string() && first["explanation"].is_string() && first["operator"].is_string());
    // national-2015 uses cn-2015, where 成本 is a level 2 of 产出.
    let cost: Value =
        serde_json::from_str(&engine::suggest_indicators("单位造价", "output", "", 5, "national-2015").unwrap())
            .unwrap();
    assert_eq!(cost[0]["level2"], "cost");
    assert!(engine::suggest_indicators("x", "", "", 5, "no-such-profile").is_err());
}
