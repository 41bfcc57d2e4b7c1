//! Every shared fixture is a test: target checks compared as a multiset of
//! (code, path, severity), the evaluation fixture compared numerically.

mod common;

use std::str::FromStr;

use common::*;
use jixiao_rules::Locale;
use rust_decimal::Decimal;

#[test]
fn every_target_fixture_gives_exactly_the_expected_violations() {
    let dir = fixtures_dir().join("targets");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let rel = format!("targets/{}", path.file_name().unwrap().to_string_lossy());
        let fx = load(&rel);
        let report = run(&fx["document"], fx["profile"].as_str().unwrap());
        assert_eq!(triples(&report), expected_triples(&fx["expect"]), "{rel}");
        assert_eq!(report.valid, fx["expect"]["valid"].as_bool().unwrap(), "{rel}");
        n += 1;
    }
    assert!(n >= 14, "only {n} fixtures found");
}

#[test]
fn the_evaluation_fixture_scores_98_19_excellent() {
    let fx = load("evaluations/orphan-clothing-2019.json");
    let p = profile(fx["profile"].as_str().unwrap());
    let r = jixiao_rules::score(as_obj(&fx["target"]), as_obj(&fx["evaluation"]), p, Locale::ZhCn);
    let exp = &fx["expect"];
    let dec = |v: &serde_json::Value| Decimal::from_str(v.as_str().unwrap()).unwrap();
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert_eq!(r.execution.score, Some(dec(&exp["execution_score"])));
    for row in &r.indicators {
        assert_eq!(row.score, Some(dec(&exp["indicator_scores"][&row.indicator_id])), "{}", row.indicator_id);
    }
    assert_eq!(r.indicators.len(), exp["indicator_scores"].as_object().unwrap().len());
    assert_eq!(r.total, Some(dec(&exp["total"])));
    assert_eq!(serde_json::to_value(r.grade).unwrap(), exp["grade"]);
}

/// Compares a `score` output with a fixture's `expect` of the same shape: decimals
/// numerically, every other member exactly, only the members the fixture names.
fn assert_subset(actual: &serde_json::Value, expected: &serde_json::Value, at: &str) {
    use serde_json::Value;
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            for (k, ev) in e {
                assert_subset(a.get(k).unwrap_or(&Value::Null), ev, &format!("{at}/{k}"));
            }
        }
        (Value::Array(a), Value::Array(e)) => {
            assert_eq!(a.len(), e.len(), "{at}: length");
            for (i, (av, ev)) in a.iter().zip(e).enumerate() {
                assert_subset(av, ev, &format!("{at}/{i}"));
            }
        }
        (Value::String(a), Value::String(e)) if Decimal::from_str(e).is_ok() => {
            assert_eq!(Decimal::from_str(a).ok(), Decimal::from_str(e).ok(), "{at}: {a} vs {e}");
        }
        (a, e) => assert_eq!(a, e, "{at}"),
    }
}

#[test]
fn the_bands_and_override_fixture_scores_97_4_under_its_profile_file() {
    let fx = load("evaluations/orphan-clothing-2019-bands-override.json");
    let p = jixiao_rules::Registry::builtin().parse_profile_json(&fx["profile_file"].to_string()).unwrap();
    let r = jixiao_rules::score(as_obj(&fx["target"]), as_obj(&fx["evaluation"]), &p, Locale::ZhCn);
    let out = serde_json::to_value(&r).unwrap();
    assert_subset(&out, &fx["expect"], "");
    // Printed exactly as the fixture: one decimal, the override as the assessor gave it.
    assert_eq!(out["execution"]["score"], "9.0");
    assert_eq!(out["indicators"][1]["score"], "10");
    assert_eq!(out["indicators"][1]["formula_score"], "9.9");
    assert_eq!(out["total"], "97.4");
}

/// (code, severity, path, params) of each violation, sorted: the monitoring fixtures' multiset.
fn quads(v: &serde_json::Value) -> Vec<String> {
    let mut q: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| format!("{} {} {} {}", x["code"], x["severity"], x["path"], x["params"]))
        .collect();
    q.sort();
    q
}

#[test]
fn every_monitoring_fixture_gives_exactly_the_expected_output() {
    let dir = fixtures_dir().join("monitoring");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let rel = format!("monitoring/{}", path.file_name().unwrap().to_string_lossy());
        let fx = load(&rel);
        let p = profile(fx["profile"].as_str().unwrap());
        let previous = fx.get("previous").map(as_obj);
        let r = jixiao_rules::monitor(as_obj(&fx["target"]), as_obj(&fx["report"]), p, previous, Locale::ZhCn);
        let mut out = serde_json::to_value(&r).unwrap();
        let mut exp = fx["expect"].clone();
        assert_eq!(quads(&out["violations"]), quads(&exp["violations"]), "{rel}");
        out.as_object_mut().unwrap().remove("violations");
        exp.as_object_mut().unwrap().remove("violations");
        // Figures are exact strings ("0.7500"), so the rest compares as JSON.
        assert_eq!(out, exp, "{rel}");
        n += 1;
    }
    assert!(n >= 6, "only {n} monitoring fixtures found");
}

#[test]
fn the_project_copy_of_the_fixtures_matches_shared() {
    let shared = fixtures_dir().join("../../../shared/fixtures");
    if !shared.exists() {
        return; // a checkout without ../shared: the copy is the truth
    }
    for sub in ["targets", "evaluations", "monitoring"] {
        for entry in std::fs::read_dir(shared.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            let ours = fixtures_dir().join(sub).join(path.file_name().unwrap());
            assert_eq!(
                std::fs::read(&path).unwrap(),
                std::fs::read(&ours).unwrap_or_default(),
                "{} differs from the project copy; copy it into tests/fixtures",
                path.display()
            );
        }
    }
}
