//! wasm-bindgen-test smoke tests: the exported functions called as JS would call them,
//! in the real wasm32 build (node by default; a browser with WASM_BINDGEN_USE_BROWSER=1).
#![cfg(target_arch = "wasm32")]

use jixiao_wasm::{Session, monitor, profiles, score, validate, version};
use wasm_bindgen_test::*;

const VALID: &str = include_str!("../../../tests/fixtures/targets/orphan-clothing-valid.json");
const EVALUATION: &str = include_str!("../../../tests/fixtures/evaluations/orphan-clothing-2019.json");
const MONITORING: &str = include_str!("../../../tests/fixtures/monitoring/missing-rows.json");

fn member(json: &str, key: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v[key].to_string()
}

#[wasm_bindgen_test]
fn validate_accepts_the_valid_fixture() {
    let out = validate(&member(VALID, "document"), "artux-2018", "zh-CN").unwrap();
    assert_eq!(out, r#"{"valid":true,"violations":[]}"#);
}

#[wasm_bindgen_test]
fn validate_reports_a_missing_unit_at_its_pointer() {
    let mut doc: serde_json::Value = serde_json::from_str(&member(VALID, "document")).unwrap();
    doc["indicators"][0].as_object_mut().unwrap().remove("unit");
    let out = validate(&doc.to_string(), "artux-2018", "en").unwrap();
    assert!(out.contains(r#""code":"IND_UNIT_REQUIRED","severity":"error","path":"/indicators/0/unit""#), "{out}");
}

#[wasm_bindgen_test]
fn score_gives_98_19() {
    let out = score(&member(EVALUATION, "target"), &member(EVALUATION, "evaluation"), "artux-2018", "zh-CN").unwrap();
    assert!(out.contains(r#""total":"98.19","grade":"excellent""#), "{out}");
}

#[wasm_bindgen_test]
fn monitor_gives_the_lights_of_formats_6() {
    let out = monitor(&member(MONITORING, "target"), &member(MONITORING, "report"), "", "artux-2018", "zh-CN").unwrap();
    assert!(
        out.starts_with(r#"{"time_progress":"0.7500","execution":{"rate":"0.4630","ratio":"0.6173","light":"yellow"}"#),
        "{out}"
    );
    assert!(out.contains(r#""code":"MON_RESULT_MISSING""#), "{out}");
}

#[wasm_bindgen_test]
fn profiles_and_version() {
    assert!(profiles().unwrap().starts_with(r#"[{"id":"artux-2018""#));
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn session_edits_match_validate() {
    let mut s = Session::new("artux-2018", "zh-CN").unwrap();
    let doc = member(VALID, "document");
    assert_eq!(s.load(&doc).unwrap(), r#"{"valid":true,"violations":[]}"#);
    let out = s.set_string("/indicators/0/unit", " ".into()).unwrap();
    assert_eq!(out, validate(&s.document().unwrap(), "artux-2018", "zh-CN").unwrap());
    assert!(out.contains("IND_UNIT_REQUIRED"));
    let out = s.set("/indicators/0/unit", r#""人""#).unwrap();
    assert_eq!(out, r#"{"valid":true,"violations":[]}"#);
    assert!(s.counts().unwrap().contains(r#""level3":"#));
}
