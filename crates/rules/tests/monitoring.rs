//! Monitoring cases of FORMATS.md §6 beyond the worked fixtures: each rule, each MON_*
//! code, the precise readings, and a property: lights never depend on rounding.

mod common;

use common::*;
use jixiao_rules::monitoring::{Light, MonitorReport};
use jixiao_rules::{Locale, Registry};
use proptest::prelude::*;
use serde_json::{Value, json};

fn on_track() -> (Value, Value) {
    let fx = load("monitoring/on-track-quarter.json");
    (fx["target"].clone(), fx["report"].clone())
}

fn run_with(t: &Value, r: &Value, previous: Option<&Value>, profile_id: &str) -> MonitorReport {
    jixiao_rules::monitor(as_obj(t), as_obj(r), profile(profile_id), previous.map(as_obj), Locale::ZhCn)
}

fn mon(t: &Value, r: &Value) -> MonitorReport {
    run_with(t, r, None, "artux-2018")
}

fn codes(r: &MonitorReport) -> Vec<(String, String)> {
    r.violations.iter().map(|v| (v.code.as_str().to_owned(), v.path.clone())).collect()
}

fn pair(code: &str, path: &str) -> (String, String) {
    (code.to_owned(), path.to_owned())
}

fn light(r: &MonitorReport, id: &str) -> Option<Light> {
    r.indicators.iter().find(|x| x.indicator_id == id).unwrap().light
}

#[test]
fn period_errors_null_every_light() {
    let (t, mut r) = on_track();
    r["period"]["through_month"] = json!(13);
    r["period"]["fiscal_year"] = json!(2018);
    let out = mon(&t, &r);
    assert_eq!(
        codes(&out),
        vec![pair("MON_PERIOD_INVALID", "/period/fiscal_year"), pair("MON_PERIOD_INVALID", "/period/through_month")]
    );
    assert!(out.time_progress.is_none() && out.execution.light.is_none() && out.light.is_none());
    assert!(out.indicators.iter().all(|x| x.light.is_none()));
    assert_eq!(out.execution.rate.map(|d| d.to_string()).as_deref(), Some("0.2750"));
    for bad in [json!("6"), json!(0), json!(6.5), json!(null)] {
        let (t, mut r) = on_track();
        r["period"]["through_month"] = bad.clone();
        assert_eq!(codes(&mon(&t, &r)), vec![pair("MON_PERIOD_INVALID", "/period/through_month")], "{bad}");
    }
}

#[test]
fn execution_fields_follow_the_amount_rules() {
    let (t, mut r) = on_track();
    r["execution"] = json!({ "budget_full_year": "0", "executed": " 1", "forecast_full_year": 86.4 });
    let out = mon(&t, &r);
    assert_eq!(
        codes(&out),
        vec![
            pair("AMOUNT_INVALID", "/execution/executed"),
            pair("AMOUNT_INVALID", "/execution/forecast_full_year"),
            pair("DOC_FIELD_INVALID", "/execution/budget_full_year"),
        ]
    );
    assert!(out.execution.light.is_none());

    let (t, mut r) = on_track();
    r["execution"] = json!({ "budget_full_year": "86.40", "executed": "" });
    assert_eq!(codes(&mon(&t, &r)), vec![pair("DOC_FIELD_REQUIRED", "/execution/executed")]);

    let (t, mut r) = on_track();
    r["execution"]["executed"] = json!("90.00");
    let out = mon(&t, &r);
    assert_eq!(codes(&out), vec![pair("MON_EXECUTED_EXCEEDS_BUDGET", "/execution/executed")]);
    assert_eq!(out.execution.light, Some(Light::Green));
    assert!(out.light.is_none());
}

#[test]
fn slow_execution_needs_a_reason_yellow_and_red() {
    // month 3, t = 0.25: yellow below 0.8 × 0.25 × 86.40 = 17.28, red below 12.96
    for (executed, expect) in
        [("17.28", Light::Green), ("17.27", Light::Yellow), ("12.96", Light::Yellow), ("12.95", Light::Red)]
    {
        let (t, mut r) = on_track();
        r["execution"]["executed"] = json!(executed);
        let out = mon(&t, &r);
        assert_eq!(out.execution.light, Some(expect), "{executed}");
        let want = if expect == Light::Green { vec![] } else { vec![pair("MON_REASON_REQUIRED", "/execution/reason")] };
        assert_eq!(codes(&out), want, "{executed}");
        r["execution"]["reason"] = json!("  ");
        assert_eq!(codes(&mon(&t, &r)), want, "blank reason, {executed}");
        r["execution"]["reason"] = json!("项目招标推迟");
        assert!(codes(&mon(&t, &r)).is_empty(), "{executed}");
    }
}

#[test]
fn rows_light_by_their_rule() {
    let (t, mut r) = on_track();
    // i1 quantity eq 360 at t = 0.25: standard 90; 53 → 0.5889 red, 54 → 0.6 yellow, 108 → 1.2 blue
    for (actual, expect, ratio) in [
        ("53", Light::Red, "0.5889"),
        ("54", Light::Yellow, "0.6000"),
        ("107.99", Light::Green, "1.1999"),
        ("108", Light::Blue, "1.2000"),
    ] {
        r["indicators"][0]["actual_to_date"] = json!(actual);
        r["indicators"][0]["causes"] = json!(["other"]);
        r["indicators"][0]["measures"] = json!("加快进度");
        let out = mon(&t, &r);
        assert_eq!(light(&out, "i1"), Some(expect), "{actual}");
        assert_eq!(out.indicators[0].ratio.map(|d| d.to_string()).as_deref(), Some(ratio));
        assert!(out.violations.is_empty(), "{actual}: {:?}", codes(&out));
    }
    // i6 cost ≤ 0.24 (within_target): 0.25 misses → red; i3 100% eq: 99.9 → red
    let (t, mut r) = on_track();
    r["indicators"][5]["actual_to_date"] = json!("0.25");
    r["indicators"][2]["actual_to_date"] = json!("99.9");
    let out = mon(&t, &r);
    assert_eq!((light(&out, "i6"), light(&out, "i3")), (Some(Light::Red), Some(Light::Red)));
    assert_eq!(
        codes(&out),
        vec![
            pair("MON_CAUSES_REQUIRED", "/indicators/2/causes"),
            pair("MON_MEASURES_REQUIRED", "/indicators/2/measures"),
            pair("MON_CAUSES_REQUIRED", "/indicators/5/causes"),
            pair("MON_MEASURES_REQUIRED", "/indicators/5/measures"),
        ]
    );
    assert_eq!(out.counts.red, 2);
    assert!(out.light.is_none());
}

#[test]
fn date_rows_before_and_after_the_deadline() {
    let (t, mut r) = on_track();
    // i5 ≤ 2019-10-31; through month 10 with no date yet: still green; month 11: red
    r["period"]["through_month"] = json!(10);
    r["execution"]["executed"] = json!("80.00");
    assert_eq!(light(&mon(&t, &r), "i5"), Some(Light::Green));
    r["indicators"][4]["actual_to_date"] = json!("2019-11-02");
    let out = mon(&t, &r);
    assert_eq!(light(&out, "i5"), Some(Light::Red));
    let row4 = |out: &MonitorReport| -> Vec<(String, String)> {
        codes(out).into_iter().filter(|(_, p)| p.starts_with("/indicators/4/")).collect()
    };
    assert_eq!(
        row4(&out),
        vec![
            pair("MON_CAUSES_REQUIRED", "/indicators/4/causes"),
            pair("MON_MEASURES_REQUIRED", "/indicators/4/measures")
        ]
    );
    r["indicators"][4]["actual_to_date"] = json!("10月底");
    let out = mon(&t, &r);
    assert_eq!(row4(&out), vec![pair("MON_ACTUAL_INVALID", "/indicators/4/actual_to_date")]);
    assert_eq!(light(&out, "i5"), None);
}

#[test]
fn row_field_errors_stop_the_row() {
    let (t, mut r) = on_track();
    r["indicators"][0]["actual_to_date"] = json!("九十");
    r["indicators"][1]["actual_to_date"] = json!(null);
    r["indicators"][2]["likelihood"] = json!("sure");
    r["indicators"][3]["causes"] = json!("funding");
    r["indicators"][6]["causes"] = json!(["funding", "weather"]);
    r["indicators"][7]["likelihood"] = json!("possible");
    r["indicators"].as_array_mut().unwrap().push(json!({ "indicator_id": "i99", "likelihood": "certain" }));
    r["indicators"].as_array_mut().unwrap().push(json!("i1"));
    let out = mon(&t, &r);
    assert_eq!(
        codes(&out),
        vec![
            pair("MON_RESULT_UNKNOWN", "/indicators/10/indicator_id"),
            pair("DOC_FIELD_INVALID", "/indicators/11"),
            pair("MON_ACTUAL_INVALID", "/indicators/0/actual_to_date"),
            pair("DOC_FIELD_REQUIRED", "/indicators/1/actual_to_date"),
            pair("MON_LIKELIHOOD_INVALID", "/indicators/2/likelihood"),
            pair("MON_CAUSE_INVALID", "/indicators/3/causes"),
            pair("MON_CAUSE_INVALID", "/indicators/6/causes/1"),
            pair("MON_CAUSES_REQUIRED", "/indicators/7/causes"),
            pair("MON_MEASURES_REQUIRED", "/indicators/7/measures"),
        ]
    );
    assert_eq!((light(&out, "i1"), light(&out, "i2"), light(&out, "i3")), (None, None, None));
    assert_eq!(light(&out, "i8"), Some(Light::Yellow));
}

#[test]
fn only_the_first_row_of_an_indicator_counts() {
    let (t, mut r) = on_track();
    let dup = json!({ "indicator_id": "i1", "actual_to_date": "oops", "likelihood": "bad" });
    r["indicators"].as_array_mut().unwrap().push(dup);
    let out = mon(&t, &r);
    assert!(out.violations.is_empty());
    assert_eq!(out.light, Some(Light::Green));
}

#[test]
fn warnings_decreased_execution_and_inconsistent_likelihood() {
    let (t, mut r) = on_track();
    r["indicators"][0]["forecast_full_year"] = json!("350");
    r["indicators"][5]["forecast_full_year"] = json!("0.30"); // cost ≤ 0.24
    r["indicators"][9]["forecast_full_year"] = json!("很高"); // not a decimal: ignored
    let prev = json!({ "period": { "fiscal_year": 2019, "through_month": 2 }, "execution": { "executed": "30.00" } });
    let out = run_with(&t, &r, Some(&prev), "artux-2018");
    assert_eq!(
        codes(&out),
        vec![
            pair("MON_EXECUTION_DECREASED", "/execution/executed"),
            pair("MON_LIKELIHOOD_INCONSISTENT", "/indicators/0/likelihood"),
            pair("MON_LIKELIHOOD_INCONSISTENT", "/indicators/5/likelihood"),
        ]
    );
    assert!(out.valid());
    assert_eq!(out.light, Some(Light::Green), "warnings do not hide the light");
}

#[test]
fn messages_follow_the_locale() {
    let (t, mut r) = on_track();
    r["indicators"] = json!([]);
    let zh = mon(&t, &r);
    let en = jixiao_rules::monitor(as_obj(&t), as_obj(&r), profile("artux-2018"), None, Locale::En);
    assert_eq!(zh.violations.len(), 10);
    assert_eq!(zh.violations[0].message, "指标 i1 未填写监控情况");
    assert_eq!(en.violations[0].message, "No progress reported for indicator i1");
}

#[test]
fn a_profile_file_sets_the_thresholds_and_the_cumulative_level2() {
    let profile = Registry::builtin()
        .parse_profile_json(
            r#"{"id":"strict","framework":"cn-2015","monitoring":{"red_below":"0.9","yellow_below":"1","blue_from":"1.5","cumulative_level2":["quantity","social"]}}"#,
        )
        .unwrap();
    let (t, mut r) = on_track();
    r["execution"]["executed"] = json!("21.60"); // ratio exactly 1.0: green
    r["indicators"][6]["actual_to_date"] = json!("25"); // i7 social eq 100 at t 0.25: ratio 1.0
    let out = jixiao_rules::monitor(as_obj(&t), as_obj(&r), &profile, None, Locale::ZhCn);
    assert_eq!(out.execution.light, Some(Light::Green));
    assert_eq!(serde_json::to_value(out.indicators[6].rule).unwrap(), json!("time_proportional"));
    assert_eq!(light(&out, "i7"), Some(Light::Green));
    r["execution"]["executed"] = json!("21.59");
    r["execution"]["reason"] = json!("进度略慢");
    let out = jixiao_rules::monitor(as_obj(&t), as_obj(&r), &profile, None, Locale::ZhCn);
    assert_eq!(out.execution.light, Some(Light::Yellow));
    for bad in [
        r#"{"id":"x","framework":"cn-2015","monitoring":{"red_below":"0.9","yellow_below":"0.8"}}"#,
        r#"{"id":"x","framework":"cn-2015","monitoring":{"blue_from":"0.9"}}"#,
    ] {
        assert!(Registry::builtin().parse_profile_json(bad).is_err(), "{bad}");
    }
}

proptest! {
    /// A ratio exactly at a threshold takes the upper light, one hundredth below takes the
    /// lower one, whatever the budget and month, for the execution light and for a
    /// cumulative row: the lights come from exact comparisons, never from a rounded or
    /// divided figure (a month of 7 makes every ratio a repeating decimal).
    #[test]
    fn lights_at_thresholds_do_not_depend_on_rounding(cents in 1i64..100_000_000, month in 1u8..=12, pick in 0usize..3) {
        use rust_decimal::Decimal;
        let thresholds = [("0.6", Light::Yellow, Light::Red), ("0.8", Light::Green, Light::Yellow), ("1.2", Light::Blue, Light::Green)];
        let (thr, at, below) = thresholds[pick];
        let thr: Decimal = thr.parse().unwrap();
        let cent = Decimal::new(1, 2);
        // a budget for which threshold × budget × month ÷ 12 is a whole number of cents
        let budget = Decimal::new(cents * 60, 2);
        let exact = (thr * budget * Decimal::from(month) / Decimal::from(12)).normalize();
        prop_assert!(exact.scale() <= 2);
        let (t, mut r) = on_track();
        r["period"]["through_month"] = json!(month);
        r["execution"]["budget_full_year"] = json!(budget.to_string());
        r["execution"]["reason"] = json!("原因");
        let exec_at = if at == Light::Blue { Light::Green } else { at };
        r["execution"]["executed"] = json!(exact.to_string());
        prop_assert_eq!(mon(&t, &r).execution.light, Some(exec_at));
        r["execution"]["executed"] = json!((exact - cent).to_string());
        prop_assert_eq!(mon(&t, &r).execution.light, Some(below));

        // i1: quantity, eq 360; standard = 360 × month ÷ 12 = 30 × month
        let row_exact = (thr * Decimal::from(30) * Decimal::from(month)).normalize();
        r["indicators"][0]["causes"] = json!(["other"]);
        r["indicators"][0]["measures"] = json!("措施");
        r["indicators"][0]["actual_to_date"] = json!(row_exact.to_string());
        prop_assert_eq!(light(&mon(&t, &r), "i1"), Some(at));
        r["indicators"][0]["actual_to_date"] = json!((row_exact - cent).to_string());
        prop_assert_eq!(light(&mon(&t, &r), "i1"), Some(below));
    }
}
