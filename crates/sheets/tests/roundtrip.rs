//! Document → xlsx → document: equal (in the normal form of `common::normal`) for every
//! target fixture and for generated documents, and the violations the export lists are
//! the ones the import finds again, at the same cells.

mod common;

use jixiao_rules::Locale;
use jixiao_sheets::container::Limits;
use jixiao_sheets::{import_target, target};
use serde_json::Value;

#[test]
fn every_fixture_round_trips() {
    let fixtures = common::target_fixtures();
    assert!(fixtures.len() >= 14, "found {} fixtures", fixtures.len());
    for (file, profile, doc) in fixtures {
        let p = common::profile(&profile);
        let out = target::export(&doc, p, Locale::ZhCn).unwrap_or_else(|e| panic!("{file}: {e}"));
        let back =
            import_target(&out.bytes, p, Locale::ZhCn, &Limits::default()).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            common::normal(&Value::Object(back.document.clone())),
            common::normal(&Value::Object(doc.clone())),
            "{file}: the document read back differs"
        );
        let codes = |v: &[jixiao_sheets::CellViolation]| {
            v.iter().map(|x| (x.violation.code, x.violation.path.clone(), x.cell.clone())).collect::<Vec<_>>()
        };
        // Equal documents give equal violations; where the JSON types differed (a number
        // where an amount string belongs) the normal form already says what changed.
        if common::normal(&Value::Object(doc.clone())) == Value::Object(doc.clone()) {
            assert_eq!(codes(&back.violations), codes(&out.violations), "{file}: violations differ");
        }
        for v in &out.violations {
            assert!(v.cell.is_some(), "{file}: {} at {} has no cell", v.violation.code.as_str(), v.violation.path);
        }
    }
}

mod generated {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{Map, json};

    const FRAME: [(&str, &[&str]); 3] = [
        ("output", &["quantity", "quality", "timeliness", "cost"]),
        ("benefit", &["economic", "social", "ecological", "sustainability"]),
        ("satisfaction", &["beneficiary"]),
    ];

    fn text(max: usize) -> impl Strategy<Value = String> {
        proptest::string::string_regex(&format!(
            "[孤儿被装保障人数率合格满意村路桥修建发放覆盖改善（），、0-9]{{1,{max}}}"
        ))
        .unwrap()
    }

    fn amount() -> impl Strategy<Value = String> {
        (0u64..100_000_000, 0u32..100).prop_map(|(i, c)| format!("{i}.{c:02}"))
    }

    fn indicator() -> impl Strategy<Value = Map<String, Value>> {
        (
            0usize..3,
            0usize..4,
            text(20),
            prop_oneof![
                proptest::string::string_regex("[1-9][0-9]{0,4}(\\.[0-9]{1,2})?")
                    .unwrap()
                    .prop_map(|v| ("quantitative", v)),
                (1u32..13, 1u32..29).prop_map(|(m, d)| ("quantitative", format!("2019-{m:02}-{d:02}"))),
                text(8).prop_map(|t| ("qualitative", t)),
            ],
            prop::sample::select(vec!["ge", "gt", "eq", "le", "lt"]),
            prop::sample::select(vec!["%", "人", "套", "万元/人", "公里"]),
            proptest::string::string_regex("[1-9](\\.5)?").unwrap(),
            proptest::option::of(text(30)),
            proptest::option::of(prop::sample::select(vec!["plan", "industry", "history", "budget_standard", "other"])),
            any::<bool>(),
        )
            .prop_map(|(a, b, name, (nature, value), op, unit, points, expl, basis, core)| {
                let (l1, l2s) = FRAME[a];
                let mut o = Map::new();
                o.insert("level1".into(), json!(l1));
                o.insert("level2".into(), json!(l2s[b % l2s.len()]));
                o.insert("name".into(), json!(name));
                o.insert("nature".into(), json!(nature));
                if nature == "quantitative" {
                    o.insert("operator".into(), json!(op));
                    if !value.contains('-') {
                        o.insert("unit".into(), json!(unit));
                    }
                }
                o.insert("value".into(), json!(value));
                o.insert("points".into(), json!(points));
                if let Some(e) = expl {
                    o.insert("explanation".into(), json!(e));
                }
                if let Some(b) = basis {
                    o.insert("basis".into(), json!(b));
                }
                if core {
                    o.insert("core".into(), json!(true));
                }
                o
            })
    }

    fn document() -> impl Strategy<Value = Map<String, Value>> {
        (
            2000u32..2100,
            "[0-9]{3}",
            text(12),
            text(16),
            prop::sample::select(vec!["new", "continuing"]),
            amount(),
            proptest::collection::vec((text(6), amount()), 0..3),
            text(60),
            proptest::option::of(text(40)),
            proptest::collection::vec(indicator(), 0..14),
            any::<bool>(),
        )
            .prop_map(|(year, code, dept, project, attr, annual, sources, goal, mid, inds, classified)| {
                let mut doc = json!({
                    "kind": "project",
                    "fiscal_year": year,
                    "department": {"code": code, "name": dept},
                    "project": {"name": project, "attribute": attr, "start": format!("{year}-01-01"), "end": format!("{year}-12-31")},
                    "funds": {"annual_total": annual},
                    "goals": {"annual": goal},
                    "classified": classified,
                });
                if !sources.is_empty() {
                    doc["funds"]["sources"] = sources.into_iter().map(|(s, a)| json!({"source": s, "amount": a})).collect();
                }
                if let Some(m) = mid {
                    doc["goals"]["mid_term"] = json!(m);
                }
                let list: Vec<Value> = inds
                    .into_iter()
                    .enumerate()
                    .map(|(k, mut o)| {
                        o.insert("id".into(), json!(format!("g{k}")));
                        Value::Object(o)
                    })
                    .collect();
                doc["indicators"] = Value::Array(list);
                doc.as_object().unwrap().clone()
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]
        #[test]
        fn generated_documents_round_trip(doc in document()) {
            let p = common::profile("artux-2018");
            let out = target::export(&doc, p, Locale::ZhCn).unwrap();
            let back = import_target(&out.bytes, p, Locale::ZhCn, &Limits::default()).unwrap();
            prop_assert_eq!(common::normal(&Value::Object(back.document.clone())), common::normal(&Value::Object(doc.clone())));
            let key = |v: &[jixiao_sheets::CellViolation]| v.iter().map(|x| (x.violation.code, x.violation.path.clone(), x.cell.clone())).collect::<Vec<_>>();
            prop_assert_eq!(key(&back.violations), key(&out.violations));
        }
    }
}
