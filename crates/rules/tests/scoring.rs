//! Scoring cases of FORMATS.md §4 beyond the worked fixture: each rule, each EVAL_* code.

mod common;

use std::str::FromStr;

use common::*;
use jixiao_rules::{Locale, ScoreReport};
use rust_decimal::Decimal;
use serde_json::{Value, json};

fn fixture() -> (Value, Value) {
    let fx = load("evaluations/orphan-clothing-2019.json");
    (fx["target"].clone(), fx["evaluation"].clone())
}

fn score(t: &Value, e: &Value) -> ScoreReport {
    jixiao_rules::score(as_obj(t), as_obj(e), profile("national-2015"), Locale::ZhCn)
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn row<'a>(r: &'a ScoreReport, id: &str) -> &'a jixiao_rules::scoring::IndicatorScore {
    r.indicators.iter().find(|x| x.indicator_id == id).unwrap()
}

fn codes(r: &ScoreReport) -> Vec<(String, String)> {
    r.violations.iter().map(|v| (v.code.as_str().to_owned(), v.path.clone())).collect()
}

#[test]
fn reverse_indicator_missed_scores_target_over_actual() {
    let (t, mut e) = fixture();
    e["results"][5]["actual"] = json!("0.30"); // 人均成本 ≤ 0.24
    e["results"][5]["deviation_reason"] = json!("物价上涨");
    let r = score(&t, &e);
    assert_eq!(row(&r, "i6").score, Some(d("4.00"))); // 5 × 0.24 / 0.30
    assert_eq!(serde_json::to_value(row(&r, "i6").rule).unwrap(), json!("reverse_proportional"));
    assert!(r.violations.is_empty());
}

#[test]
fn missing_reason_is_an_error_but_the_row_keeps_its_score() {
    let (t, mut e) = fixture();
    e["results"][0].as_object_mut().unwrap().remove("deviation_reason");
    let r = score(&t, &e);
    assert_eq!(codes(&r), vec![("EVAL_REASON_REQUIRED".into(), "/results/0/deviation_reason".into())]);
    assert_eq!(row(&r, "i1").score, Some(d("14.92")));
    assert_eq!(r.total, None);
    assert_eq!(r.grade, None);
}

#[test]
fn over_achievement_at_130_percent_needs_a_reason() {
    let (t, mut e) = fixture();
    e["results"][1]["actual"] = json!("1872"); // 1440 × 1.3
    e["results"][1].as_object_mut().unwrap().remove("deviation_reason");
    let r = score(&t, &e);
    assert_eq!(codes(&r), vec![("EVAL_REASON_REQUIRED".into(), "/results/1/deviation_reason".into())]);
    assert_eq!(row(&r, "i2").score, Some(d("10")));
    e["results"][1]["actual"] = json!("1871.99");
    assert!(score(&t, &e).violations.is_empty());
}

#[test]
fn execution_below_90_percent_needs_a_reason() {
    let (t, mut e) = fixture();
    e["execution"]["executed"] = json!("77.75"); // 89.99%
    let r = score(&t, &e);
    assert_eq!(codes(&r), vec![("EVAL_REASON_REQUIRED".into(), "/execution/reason".into())]);
    assert_eq!(r.execution.score, Some(d("9.00")));
    e["execution"]["reason"] = json!("部分采购款次年支付");
    assert_eq!(score(&t, &e).total, Some(d("97.36")));
}

#[test]
fn execution_figures_are_amounts() {
    let (t, mut e) = fixture();
    e["execution"]["executed"] = json!(84.96);
    e["execution"]["budget_full_year"] = json!("0");
    let r = score(&t, &e);
    assert_eq!(
        codes(&r),
        vec![
            ("AMOUNT_INVALID".into(), "/execution/executed".into()),
            ("DOC_FIELD_INVALID".into(), "/execution/budget_full_year".into())
        ]
    );
    assert_eq!(r.execution.score, None);
}

#[test]
fn over_execution_is_capped_at_the_execution_points() {
    let (t, mut e) = fixture();
    e["execution"]["executed"] = json!("90.00");
    let r = score(&t, &e);
    assert_eq!(r.execution.score, Some(d("10.00")));
    assert_eq!(r.execution.rate, Some(d("1.0417")));
}

#[test]
fn missing_unknown_and_duplicate_results() {
    let (t, mut e) = fixture();
    let results = e["results"].as_array_mut().unwrap();
    results.remove(2); // i3 missing
    results.push(json!({"indicator_id": "i99", "actual": "1"}));
    results.push(json!({"indicator_id": "i1", "actual": "0"})); // second result for i1: ignored
    let r = score(&t, &e);
    assert_eq!(
        codes(&r),
        vec![
            ("EVAL_RESULT_UNKNOWN".into(), "/results/9/indicator_id".into()),
            ("EVAL_RESULT_MISSING".into(), "/results".into())
        ]
    );
    assert_eq!(r.violations[1].params["indicator_id"], json!("i3"));
    assert_eq!(row(&r, "i3").score, Some(Decimal::ZERO));
    assert_eq!(serde_json::to_value(row(&r, "i3").rule).unwrap(), json!("missing"));
    assert_eq!(row(&r, "i1").score, Some(d("14.92")));
}

#[test]
fn invalid_actual_tier_and_score() {
    let (t, mut e) = fixture();
    e["results"][0]["actual"] = json!("三百五十八");
    e["results"][4]["actual"] = json!("2019/10/25");
    e["results"][7]["tier"] = json!("great");
    e["results"][8]["score"] = json!("3.99"); // achieved needs [4, 5]
    let r = score(&t, &e);
    assert_eq!(
        codes(&r),
        vec![
            ("EVAL_ACTUAL_INVALID".into(), "/results/0/actual".into()),
            ("EVAL_ACTUAL_INVALID".into(), "/results/4/actual".into()),
            ("EVAL_TIER_INVALID".into(), "/results/7/tier".into()),
            ("EVAL_SCORE_OUT_OF_TIER".into(), "/results/8/score".into()),
        ]
    );
    assert_eq!(row(&r, "i1").score, None);
}

#[test]
fn qualitative_tiers_are_half_open() {
    let (t, mut e) = fixture();
    e["results"][7] = json!({"indicator_id": "i8", "tier": "partial", "score": "8", "deviation_reason": "部分改善"});
    assert_eq!(codes(&score(&t, &e)), vec![("EVAL_SCORE_OUT_OF_TIER".into(), "/results/7/score".into())]);
    e["results"][7]["score"] = json!("6");
    let r = score(&t, &e);
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    e["results"][7] = json!({"indicator_id": "i8", "tier": "not_achieved", "score": "0"});
    assert_eq!(codes(&score(&t, &e)), vec![("EVAL_REASON_REQUIRED".into(), "/results/7/deviation_reason".into())]);
}

#[test]
fn zero_target_and_late_date() {
    let (mut t, mut e) = fixture();
    t["indicators"][5]["value"] = json!("0"); // 安全事故 = 0 style
    e["results"][5]["actual"] = json!("1");
    e["results"][4]["actual"] = json!("2019-11-01");
    let r = score(&t, &e);
    assert_eq!(row(&r, "i6").score, Some(d("0.00")));
    assert_eq!(serde_json::to_value(row(&r, "i6").rule).unwrap(), json!("zero_target"));
    assert_eq!(row(&r, "i5").score, Some(d("0.00")));
    assert_eq!(
        codes(&r),
        vec![
            ("EVAL_REASON_REQUIRED".into(), "/results/4/deviation_reason".into()),
            ("EVAL_REASON_REQUIRED".into(), "/results/5/deviation_reason".into())
        ]
    );
}

#[test]
fn indicator_without_points_cannot_be_scored() {
    let (mut t, e) = fixture();
    t["indicators"][2].as_object_mut().unwrap().remove("points");
    let r = score(&t, &e);
    assert_eq!(codes(&r), vec![("EVAL_POINTS_MISSING".into(), "/results/2".into())]);
}

#[test]
fn grade_bands_are_half_open() {
    use jixiao_rules::Grade;
    let p = &profile("artux-2018").scoring;
    assert_eq!(Grade::of(d("90"), p), Grade::Excellent);
    assert_eq!(Grade::of(d("89.99"), p), Grade::Good);
    assert_eq!(Grade::of(d("89.5"), p), Grade::Good);
    assert_eq!(Grade::of(d("80"), p), Grade::Good);
    assert_eq!(Grade::of(d("79.99"), p), Grade::Fair);
    assert_eq!(Grade::of(d("60"), p), Grade::Fair);
    assert_eq!(Grade::of(d("59.99"), p), Grade::Poor);
    assert_eq!(Grade::of(d("0"), p), Grade::Poor);
}

#[test]
fn rounding_is_midpoint_away_from_zero() {
    let (mut t, mut e) = fixture();
    // 15 × 359 / 360 = 14.958333.. -> 14.96; 10 × 1 / 8 style midpoint: 5 × 0.9 / 2 ...
    t["indicators"][0]["value"] = json!("8");
    t["indicators"][0]["points"] = json!("0.1");
    e["results"][0]["actual"] = json!("1"); // 0.1 × 1/8 = 0.0125 -> 0.01
    let r = score(&t, &e);
    assert_eq!(row(&r, "i1").score, Some(d("0.01")));
    t["indicators"][0]["points"] = json!("0.2");
    e["results"][0]["actual"] = json!("5"); // 0.2 × 5/8 = 0.125 -> 0.13 (away from zero)
    assert_eq!(row(&score(&t, &e), "i1").score, Some(d("0.13")));
}

#[test]
fn huge_figures_never_drop_a_score() {
    let (t, mut e) = fixture();
    e["execution"]["budget_full_year"] = json!("0.01");
    // The largest amount (16 digits before the point: what NUMERIC(18, 2) stores).
    e["execution"]["executed"] = json!(format!("{}.99", "9".repeat(16)));
    let r = score(&t, &e);
    assert_eq!(r.execution.score, Some(d("10.00")));
    assert_eq!(r.total, Some(d("98.36")));
    // One digit more is no amount: a violation at the field, never an overflow.
    e["execution"]["executed"] = json!("9".repeat(27));
    let r = score(&t, &e);
    assert!(r.violations.iter().any(|v| v.code.as_str() == "AMOUNT_INVALID" && v.path == "/execution/executed"));
    assert_eq!(r.total, None);

    let (mut t, mut e) = fixture();
    t["indicators"][0]["points"] = json!("1000000000000000");
    t["indicators"][0]["value"] = json!("10000000000000000");
    t["indicators"][0]["operator"] = json!("ge");
    e["results"][0]["actual"] = json!("1000000000000000");
    let r = score(&t, &e);
    assert_eq!(row(&r, "i1").score, Some(d("100000000000000.00")));
}

fn bands_profile() -> jixiao_rules::Profile {
    let fx = load("evaluations/orphan-clothing-2019-bands-override.json");
    jixiao_rules::Registry::builtin().parse_profile_json(&fx["profile_file"].to_string()).unwrap()
}

fn score_bands(t: &Value, e: &Value) -> ScoreReport {
    jixiao_rules::score(as_obj(t), as_obj(e), &bands_profile(), Locale::ZhCn)
}

#[test]
fn execution_bands_pick_the_first_band_at_or_below_the_rate_exactly() {
    let (t, mut e) = fixture();
    // 86.40 × 0.95 = 82.08 exactly: band 10; one cent less: band 9; under 0.6: 0
    for (executed, want) in [("82.08", "10.0"), ("82.07", "9.0"), ("51.84", "6.0"), ("51.83", "0.0")] {
        e["execution"]["executed"] = json!(executed);
        e["execution"]["reason"] = json!("原因");
        let r = score_bands(&t, &e);
        assert_eq!(r.execution.score.map(|d| d.to_string()).as_deref(), Some(want), "{executed}");
    }
}

#[test]
fn overrides_are_checked_and_keep_the_formula_score() {
    let (t, mut e) = fixture();
    e["results"][1]["actual"] = json!("1432");
    e["results"][1]["deviation_reason"] = json!("少配发8套");
    e["results"][1]["override"] = json!({ "score": "10", "reason": " " });
    e["results"][2]["override"] = json!({ "score": "10.55", "reason": "复核" }); // 3 decimals under a 2-decimal profile: no
    e["results"][3]["override"] = json!({ "score": "5.01", "reason": "复核" }); // above the 5 points
    e["results"][4]["override"] = json!("10");
    e["execution"]["override"] = json!({ "score": "8", "reason": "预算调整未及时批复" });
    let r = score(&t, &e);
    assert_eq!(
        codes(&r),
        vec![
            ("EVAL_OVERRIDE_REASON_REQUIRED".into(), "/results/1/override/reason".into()),
            ("EVAL_OVERRIDE_OUT_OF_RANGE".into(), "/results/2/override/score".into()),
            ("EVAL_OVERRIDE_OUT_OF_RANGE".into(), "/results/3/override/score".into()),
            ("DOC_FIELD_INVALID".into(), "/results/4/override".into()),
        ]
    );
    // invalid overrides are not applied; the valid one on execution is, beside the formula
    assert!(!row(&r, "i2").overridden && row(&r, "i2").score == Some(d("9.94")));
    assert!(r.execution.overridden);
    assert_eq!((r.execution.score, r.execution.formula_score), (Some(d("8")), Some(d("9.83"))));
    assert_eq!(r.total, None);
}

#[test]
fn a_valid_override_scores_a_row_whose_actual_is_invalid_but_its_error_remains() {
    let (t, mut e) = fixture();
    e["results"][0]["actual"] = json!("约358");
    e["results"][0]["override"] = json!({ "score": "14", "reason": "按花名册核实358人" });
    let r = score(&t, &e);
    assert_eq!(codes(&r), vec![("EVAL_ACTUAL_INVALID".into(), "/results/0/actual".into())]);
    let i1 = row(&r, "i1");
    assert_eq!((i1.score, i1.formula_score, i1.overridden), (Some(d("14")), None, true));
    // the reason rule is judged on the actual, not the override
    let (t, mut e) = fixture();
    e["results"][0]["deviation_reason"] = json!(null);
    e["results"][0]["override"] = json!({ "score": "15", "reason": "按实际保障人数足额" });
    let r = score(&t, &e);
    assert_eq!(codes(&r), vec![("EVAL_REASON_REQUIRED".into(), "/results/0/deviation_reason".into())]);
}

#[test]
fn a_band_above_the_execution_points_is_refused() {
    let bad = r#"{"id":"x","framework":"cn-2015","scoring":{"execution_method":"bands","execution_bands":[{"min_rate":"0.9","score":"11"}]}}"#;
    assert!(jixiao_rules::Registry::builtin().parse_profile_json(bad).is_err());
    let unsorted = r#"{"id":"x","framework":"cn-2015","scoring":{"execution_method":"bands","execution_bands":[{"min_rate":"0.8","score":"8"},{"min_rate":"0.9","score":"9"}]}}"#;
    assert!(jixiao_rules::Registry::builtin().parse_profile_json(unsorted).is_err());
}
