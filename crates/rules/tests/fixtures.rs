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

#[test]
fn the_project_copy_of_the_fixtures_matches_shared() {
    let shared = fixtures_dir().join("../../../shared/fixtures");
    if !shared.exists() {
        return; // a checkout without ../shared: the copy is the truth
    }
    for sub in ["targets", "evaluations"] {
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
