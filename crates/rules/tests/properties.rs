//! Property tests: no JSON value makes `check` or `score` panic; tree counting follows
//! FORMATS.md §2; an indicator's score stays within [0, points]; a complete evaluation
//! under a 90-point profile never totals more than 100.

mod common;

use common::*;
use jixiao_rules::{Locale, Registry};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        interesting_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..8).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "kind",
            "fiscal_year",
            "department",
            "name",
            "code",
            "project",
            "start",
            "end",
            "funds",
            "annual_total",
            "mid_term_total",
            "sources",
            "amount",
            "goals",
            "annual",
            "indicators",
            "id",
            "level1",
            "level2",
            "nature",
            "operator",
            "value",
            "unit",
            "points",
            "execution",
            "results",
            "indicator_id",
            "actual",
            "tier",
            "score",
            "budget_full_year",
            "executed",
            "tasks",
            "classified",
            "region",
        ])
        .prop_map(str::to_owned),
        "[a-z_]{1,8}",
    ]
}

fn interesting_string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            " ",
            "project",
            "department",
            "output",
            "benefit",
            "satisfaction",
            "cost",
            "quantity",
            "quality",
            "social",
            "beneficiary",
            "quantitative",
            "qualitative",
            "ge",
            "gt",
            "eq",
            "le",
            "lt",
            "%",
            "人",
            "**",
            "无",
            "0",
            "-1",
            "86.40",
            "1e3",
            "99999999999999999999999999999999",
            "2019-10-31",
            "2019-02-29",
            "achieved",
            "partial",
            "not_achieved",
            "i1",
            "i2",
            "0.0000000000000000000000000001",
            "79228162514264337593543950335",
        ])
        .prop_map(str::to_owned),
        "\\PC{0,12}",
        "-?[0-9]{1,30}(\\.[0-9]{1,30})?",
    ]
}

fn all_profiles() -> Vec<&'static jixiao_rules::Profile> {
    Registry::builtin().profiles().iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn no_json_value_makes_check_or_score_panic(v in arb_json(), e in arb_json()) {
        let obj = |v: &Value| match v { Value::Object(o) => o.clone(), other => { let mut m = Map::new(); m.insert("indicators".into(), other.clone()); m } };
        for p in all_profiles() {
            let r = jixiao_rules::check(&obj(&v), p, Locale::En);
            prop_assert_eq!(r.valid, !jixiao_rules::has_errors(&r.violations));
            let _ = jixiao_rules::score(&obj(&v), &obj(&e), p, Locale::ZhCn);
        }
    }

    #[test]
    fn mutated_documents_never_panic_and_count_as_specified(
        edits in prop::collection::vec((0usize..12, key(), arb_json()), 0..6),
        profile_idx in 0usize..3,
    ) {
        let mut doc = orphan();
        for (i, k, v) in edits {
            if let Some(ind) = doc["indicators"].get_mut(i).and_then(Value::as_object_mut) {
                ind.insert(k, v);
            } else {
                doc.as_object_mut().unwrap().insert(k, v);
            }
        }
        let p = all_profiles()[profile_idx];
        let r = jixiao_rules::check(as_obj(&doc), p, Locale::ZhCn);
        // independent count of the tree from the raw JSON
        let items = doc.get("indicators").and_then(Value::as_array).cloned().unwrap_or_default();
        let mut l1 = std::collections::BTreeSet::new();
        let mut l2 = std::collections::BTreeSet::new();
        let mut l3 = 0usize;
        for it in &items {
            let (Some(a), Some(b)) = (it.get("level1").and_then(Value::as_str), it.get("level2").and_then(Value::as_str)) else { continue };
            if p.framework.allows(a, b) { l1.insert(a.to_owned()); l2.insert((a.to_owned(), b.to_owned())); l3 += 1; }
        }
        for (code, actual, min) in [("TREE_LEVEL1_MIN", l1.len(), p.review.min_level1), ("TREE_LEVEL2_MIN", l2.len(), p.review.min_level2), ("TREE_LEVEL3_MIN", l3, p.review.min_level3)] {
            let found = r.violations.iter().find(|v| v.code.as_str() == code);
            let expected = min.is_some_and(|m| actual < m as usize);
            prop_assert_eq!(found.is_some(), expected, "{}", code);
            if let Some(f) = found { prop_assert_eq!(&f.params["actual"], &json!(actual)); }
        }
        // every violation is of a known code, with a pointer path that starts with '/'
        for v in &r.violations { prop_assert!(v.path.starts_with('/')); prop_assert!(!v.message.is_empty()); }
    }

    #[test]
    fn an_indicator_score_is_never_negative_nor_above_its_points(
        target in "-?[0-9]{1,6}(\\.[0-9]{1,3})?",
        actual in "-?[0-9]{1,7}(\\.[0-9]{1,4})?",
        points in "[0-9]{1,2}(\\.[0-9]{1,2})?",
        op in prop::sample::select(vec!["ge", "gt", "eq", "le", "lt"]),
        tier_score in "[0-9]{1,2}(\\.[0-9]{1,2})?",
        tier in prop::sample::select(vec!["achieved", "partial", "not_achieved"]),
    ) {
        let mut t = orphan();
        t["indicators"][0]["value"] = json!(target);
        t["indicators"][0]["operator"] = json!(op);
        t["indicators"][0]["points"] = json!(points);
        t["indicators"][7]["points"] = json!(points);
        let mut e = load("evaluations/orphan-clothing-2019.json")["evaluation"].clone();
        e["results"][0]["actual"] = json!(actual);
        e["results"][7] = json!({"indicator_id": "i8", "tier": tier, "score": tier_score, "deviation_reason": "x"});
        for p in all_profiles() {
            let r = jixiao_rules::score(as_obj(&t), as_obj(&e), p, Locale::ZhCn);
            for row in &r.indicators {
                if let (Some(s), Some(pts)) = (row.score, row.points) {
                    prop_assert!(s >= Decimal::ZERO, "{:?}", row);
                    prop_assert!(s <= pts, "{:?}", row);
                }
            }
        }
    }

    #[test]
    fn a_complete_evaluation_under_a_90_point_profile_never_exceeds_100(
        actuals in prop::collection::vec("[0-9]{1,5}(\\.[0-9]{1,2})?", 10),
        executed in "[0-9]{1,3}\\.[0-9]{2}",
        q1 in 0u32..=100, q2 in 0u32..=100,
    ) {
        let p = jixiao_rules::Registry::builtin().profile("national-2015").unwrap();
        let t = load("evaluations/orphan-clothing-2019.json")["target"].clone();
        let mut e = load("evaluations/orphan-clothing-2019.json")["evaluation"].clone();
        e["execution"]["executed"] = json!(executed);
        e["execution"]["reason"] = json!("原因");
        for (k, a) in actuals.iter().enumerate() {
            let r = &mut e["results"][k];
            if r.get("tier").is_some() {
                let pts = if k == 7 { 10u32 } else { 5 };
                // a score inside the achieved tier
                let s = Decimal::from(pts) * (Decimal::new(80, 2) + Decimal::new(20, 2) * Decimal::from(if k == 7 { q1 } else { q2 }) / Decimal::from(100));
                *r = json!({"indicator_id": r["indicator_id"], "tier": "achieved", "score": s.round_dp(2).to_string()});
            } else if k == 4 {
                r["actual"] = json!("2019-10-01");
            } else {
                r["actual"] = json!(a);
                r["deviation_reason"] = json!("原因");
            }
        }
        let r = jixiao_rules::score(as_obj(&t), as_obj(&e), p, Locale::ZhCn);
        prop_assert!(r.violations.is_empty(), "{:?}", r.violations);
        let total = r.total.unwrap();
        prop_assert!(total <= Decimal::ONE_HUNDRED && total >= Decimal::ZERO, "{}", total);
    }
}
