//! The `jixiao check` / `jixiao score` / `jixiao monitor` command line contract
//! (FORMATS.md §5): output, exit codes 0/1/2, `--jsonl`, `--profile`, `--profile-file`,
//! `--locale`, `--previous`, bad input.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn fixture(rel: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixtures().join(rel)).unwrap()).unwrap()
}

fn jixiao(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn tmp(name: &str, content: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jixiao-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

fn triples(out: &Value) -> Vec<(String, String, String)> {
    let mut t: Vec<_> = out["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["code"].as_str().unwrap().into(),
                v["path"].as_str().unwrap().into(),
                v["severity"].as_str().unwrap().into(),
            )
        })
        .collect();
    t.sort();
    t
}

#[test]
fn check_matches_every_fixture_with_the_right_exit_code() {
    for entry in std::fs::read_dir(fixtures().join("targets")).unwrap() {
        let path = entry.unwrap().path();
        let fx: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let doc = serde_json::to_vec(&fx["document"]).unwrap();
        let out = jixiao(&["check", "--profile", fx["profile"].as_str().unwrap(), "-"], &doc);
        let got: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(triples(&got), triples(&fx["expect"]), "{}", path.display());
        let valid = fx["expect"]["valid"].as_bool().unwrap();
        assert_eq!(out.status.code(), Some(if valid { 0 } else { 1 }), "{}", path.display());
    }
}

#[test]
fn jsonl_prints_one_compact_line_per_document() {
    let a = serde_json::to_string(&fixture("targets/orphan-clothing-valid.json")["document"]).unwrap();
    let b = serde_json::to_string(&fixture("targets/funds-errors.json")["document"]).unwrap();
    let out = jixiao(&["check", "--jsonl"], format!("{a}\n{b}\n").as_bytes());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0], r#"{"valid":true,"violations":[]}"#);
    assert!(lines[1].starts_with(r#"{"valid":false,"violations":[{"code":"FUNDS_ANNUAL_EXCEEDS_MID_TERM""#));
    assert_eq!(out.status.code(), Some(1));
    // the plain mode prints the same line for the same document
    let single = jixiao(&["check"], b.as_bytes());
    assert_eq!(String::from_utf8(single.stdout).unwrap().trim_end(), lines[1]);
}

#[test]
fn jsonl_reports_a_bad_line_and_exits_2() {
    let a = serde_json::to_string(&fixture("targets/orphan-clothing-valid.json")["document"]).unwrap();
    let out = jixiao(&["check", "--jsonl"], format!("{a}\n[1,2]\n").as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 2);
    assert!(String::from_utf8(out.stderr).unwrap().contains("line 2"));
}

#[test]
fn bad_input_exits_2_with_a_one_line_reason() {
    let binary = tmp("binary.bin", &[0xff, 0xfe, 0x00, 0x01]);
    let empty = tmp("empty.json", b"");
    for (args, stdin) in [
        (vec!["check", "-"], b"not json".to_vec()),
        (vec!["check", "-"], b"[1]".to_vec()),
        (vec!["check", "-"], b"\"text\"".to_vec()),
        (vec!["check", "-"], b"".to_vec()),
        (vec!["check", binary.to_str().unwrap()], vec![]),
        (vec!["check", empty.to_str().unwrap()], vec![]),
        (vec!["check", "/nonexistent/file.json"], vec![]),
        (vec!["check", "--profile", "no-such-profile", "-"], b"{}".to_vec()),
        (vec!["check", "--locale", "fr", "-"], b"{}".to_vec()),
    ] {
        let out = jixiao(&args, &stdin);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn an_empty_object_is_checked_not_rejected() {
    let out = jixiao(&["check", "--locale", "en"], b"{}");
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["violations"][0]["code"], json!("DOC_FIELD_REQUIRED"));
    assert_eq!(v["violations"][0]["message"], json!("This field is required"));
}

#[test]
fn score_prints_the_worked_example() {
    let fx = fixture("evaluations/orphan-clothing-2019.json");
    let target = tmp("target.json", &serde_json::to_vec(&fx["target"]).unwrap());
    let eval = serde_json::to_vec(&fx["evaluation"]).unwrap();
    let out = jixiao(&["score", "--profile", "national-2015", "--target", target.to_str().unwrap()], &eval);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], json!("98.19"));
    assert_eq!(v["grade"], json!("excellent"));
    assert_eq!(v["execution"]["score"], json!("9.83"));
    // an error in the evaluation: exit 1, total null
    let mut bad = fx["evaluation"].clone();
    bad["results"][7]["tier"] = json!("great");
    let out = jixiao(&["score", "--target", target.to_str().unwrap()], &serde_json::to_vec(&bad).unwrap());
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], Value::Null);
    // a target that is not an object: exit 2
    let arr = tmp("arr.json", b"[]");
    let out = jixiao(&["score", "--target", arr.to_str().unwrap()], &eval);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn score_applies_bands_decimals_and_overrides_from_a_profile_file() {
    // FORMATS §4.1 worked case: banded execution, one decimal toward zero, an assessor's override.
    let fx = fixture("evaluations/orphan-clothing-2019-bands-override.json");
    let target = tmp("bands-target.json", &serde_json::to_vec(&fx["target"]).unwrap());
    let profile = tmp("bands-profile.json", &serde_json::to_vec(&fx["profile_file"]).unwrap());
    let eval = serde_json::to_vec(&fx["evaluation"]).unwrap();
    let args = ["score", "--profile-file", profile.to_str().unwrap(), "--target", target.to_str().unwrap()];
    let out = jixiao(&args, &eval);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["total"].as_str(), v["grade"].as_str()), (Some("97.4"), Some("excellent")));
    assert_eq!(v["execution"]["score"], "9.0");
    for (got, want) in v["indicators"].as_array().unwrap().iter().zip(fx["expect"]["indicators"].as_array().unwrap()) {
        assert_eq!(got["indicator_id"], want["indicator_id"]);
        assert_eq!(got["score"], want["score"], "{}", got["indicator_id"]);
        assert_eq!(got.get("override"), want.get("override"));
        assert_eq!(got.get("formula_score"), want.get("formula_score"));
    }
    // A band above the execution points is a profile error: exit 2.
    let mut bad = fx["profile_file"].clone();
    bad["scoring"]["execution_bands"][0]["score"] = json!("11");
    let bad = tmp("bands-bad.json", &serde_json::to_vec(&bad).unwrap());
    let out = jixiao(&["score", "--profile-file", bad.to_str().unwrap(), "--target", target.to_str().unwrap()], &eval);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_region_profile_file_changes_thresholds_and_scoring() {
    let strict = tmp(
        "strict.json",
        r#"{"id":"kashgar-2020","name":{"zh-CN":"喀什","en":"Kashgar"},"framework":"cn-2015",
            "review":{"min_level1":3,"min_level2":5,"min_level3":11,"min_quantitative_share":"0.90"},
            "scoring":{"grades":{"excellent":"99","good":"85","fair":"60"}}}"#
            .as_bytes(),
    );
    let doc = serde_json::to_vec(&fixture("targets/orphan-clothing-valid.json")["document"]).unwrap();
    let out = jixiao(&["check", "--profile-file", strict.to_str().unwrap()], &doc);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = v["violations"].as_array().unwrap().iter().map(|x| x["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["TREE_LEVEL3_MIN", "TREE_QUANT_RATIO_MIN"]);

    let fx = fixture("evaluations/orphan-clothing-2019.json");
    let target = tmp("target2.json", &serde_json::to_vec(&fx["target"]).unwrap());
    let out = jixiao(
        &["score", "--profile-file", strict.to_str().unwrap(), "--target", target.to_str().unwrap()],
        &serde_json::to_vec(&fx["evaluation"]).unwrap(),
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], json!("98.19"));
    assert_eq!(v["grade"], json!("good")); // 98.19 < 99: the region's own band
}

#[test]
fn a_bad_profile_file_is_refused_with_the_schema_error() {
    for (name, body, needle) in [
        ("p1.json", &br#"{"id":"x","framework":"cn-2015","review":{"min_level1":"three"}}"#[..], "/review/min_level1"),
        ("p2.json", br#"{"id":"x","framework":"cn-1999"}"#, "unknown framework"),
        ("p3.json", br#"{"framework":"cn-2015"}"#, "id"),
        ("p4.json", b"not json", "not JSON"),
    ] {
        let p = tmp(name, body);
        let out = jixiao(&["check", "--profile-file", p.to_str().unwrap()], b"{}");
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(needle), "{name}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{name}: {err}");
    }
}

/// Violations as a sorted multiset of (code, severity, path, params).
fn quads(out: &Value) -> Vec<(String, String, String, String)> {
    let mut q: Vec<_> = out["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["code"].as_str().unwrap().into(),
                v["severity"].as_str().unwrap().into(),
                v["path"].as_str().unwrap().into(),
                v["params"].to_string(),
            )
        })
        .collect();
    q.sort();
    q
}

fn monitoring_fixtures() -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = std::fs::read_dir(fixtures().join("monitoring"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let v = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (p.file_name().unwrap().to_string_lossy().into_owned(), v)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Runs `jixiao monitor` on a fixture (target and previous as files, the report on stdin).
fn monitor_fixture(name: &str, fx: &Value, extra: &[&str]) -> Output {
    let target = tmp(&format!("mon-target-{name}"), &serde_json::to_vec(&fx["target"]).unwrap());
    let mut args = vec!["monitor".to_owned(), "--target".into(), target.to_str().unwrap().into()];
    if !fx["previous"].is_null() {
        let previous = tmp(&format!("mon-previous-{name}"), &serde_json::to_vec(&fx["previous"]).unwrap());
        args.extend(["--previous".into(), previous.to_str().unwrap().into()]);
    }
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args.push("-".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    jixiao(&args, &serde_json::to_vec(&fx["report"]).unwrap())
}

#[test]
fn monitor_matches_every_fixture_with_the_right_exit_code() {
    let all = monitoring_fixtures();
    assert!(all.len() >= 6, "monitoring fixtures: {}", all.len());
    for (name, fx) in &all {
        let out = monitor_fixture(name, fx, &["--profile", fx["profile"].as_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        let got: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{name}: {e}: {err}"));
        let expect = &fx["expect"];
        assert_eq!(quads(&got), quads(expect), "{name}");
        // everything but the violations exactly as expected
        let (mut g, mut e) = (got.clone(), expect.clone());
        g.as_object_mut().unwrap().remove("violations");
        e.as_object_mut().unwrap().remove("violations");
        assert_eq!(g, e, "{name}");
        let errors = expect["violations"].as_array().unwrap().iter().any(|v| v["severity"] == "error");
        assert_eq!(out.status.code(), Some(if errors { 1 } else { 0 }), "{name}: {err}");
        assert!(out.stderr.is_empty(), "{name}: {err}");
        // one compact line
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(text.lines().count(), 1, "{name}");
        assert!(text.ends_with("}\n"), "{name}");
    }
}

#[test]
fn monitor_exit_codes_and_locale() {
    let all = monitoring_fixtures();
    let find = |n: &str| all.iter().find(|(name, _)| name == n).unwrap().1.clone();
    // errors: exit 1, the report's light null
    let fx = find("missing-rows.json");
    let out = monitor_fixture("missing", &fx, &[]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["light"], Value::Null);
    assert_eq!(v["violations"][0]["code"], json!("MON_RESULT_MISSING"));
    assert_eq!(v["violations"][0]["params"], json!({"indicator_id": "i2"}));
    // a warning only: exit 0
    let fx = find("late-execution-with-reason.json");
    let out = monitor_fixture("late", &fx, &["--locale", "en"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["violations"][0]["code"], json!("MON_EXECUTION_DECREASED"));
    let en = v["violations"][0]["message"].as_str().unwrap().to_owned();
    let out = monitor_fixture("late-zh", &fx, &[]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let zh = v["violations"][0]["message"].as_str().unwrap().to_owned();
    assert_ne!(en, zh);
    assert!(en.is_ascii() && !zh.is_ascii(), "{en} / {zh}");
    // without --previous there is nothing to decrease from
    let mut no_prev = fx.clone();
    no_prev.as_object_mut().unwrap().remove("previous");
    let out = monitor_fixture("late-no-prev", &no_prev, &[]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["violations"], json!([]));
    // a report that is checked, not rejected: an empty object
    let target = tmp("mon-target-empty", &serde_json::to_vec(&fx["target"]).unwrap());
    let out = jixiao(&["monitor", "--target", target.to_str().unwrap()], b"{}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn monitor_bad_input_exits_2_with_a_one_line_reason() {
    let fx = monitoring_fixtures().remove(0).1;
    let target = tmp("mon-target-bad", &serde_json::to_vec(&fx["target"]).unwrap());
    let report = tmp("mon-report-bad", &serde_json::to_vec(&fx["report"]).unwrap());
    let arr = tmp("mon-arr.json", b"[]");
    let binary = tmp("mon-binary.bin", &[0xff, 0xfe, 0x00, 0x01]);
    let t = target.to_str().unwrap();
    let r = report.to_str().unwrap();
    let a = arr.to_str().unwrap();
    for (args, stdin) in [
        (vec!["monitor", "--target", t, "-"], b"[1]".to_vec()),
        (vec!["monitor", "--target", t, "-"], b"not json".to_vec()),
        (vec!["monitor", "--target", t, "-"], b"".to_vec()),
        (vec!["monitor", "--target", t, binary.to_str().unwrap()], vec![]),
        (vec!["monitor", "--target", a, r], vec![]),
        (vec!["monitor", "--target", "/nonexistent/target.json", r], vec![]),
        (vec!["monitor", "--target", t, "--previous", a, r], vec![]),
        (vec!["monitor", "--target", t, "--previous", "/nonexistent/prev.json", r], vec![]),
        (vec!["monitor", "--profile", "no-such-profile", "--target", t, r], vec![]),
        (vec!["monitor", "--locale", "fr", "--target", t, r], vec![]),
    ] {
        let out = jixiao(&args, &stdin);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // --target is required (clap's usage error is exit 2 as well)
    let out = jixiao(&["monitor", r], b"");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn monitor_takes_its_thresholds_from_a_profile_file() {
    let all = monitoring_fixtures();
    let fx = all.iter().find(|(n, _)| n == "missing-rows.json").unwrap().1.clone();
    // the default profile: execution ratio 0.6173 is yellow
    let out = monitor_fixture("thr-default", &fx, &[]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["execution"]["light"], json!("yellow"));
    assert_eq!(v["indicators"][0]["light"], json!("blue"));
    // a region that calls red below 0.7 and blue from 1.5
    let strict = tmp(
        "mon-strict.json",
        br#"{"id":"kashgar-2020","framework":"cn-2015",
            "monitoring":{"red_below":"0.7","yellow_below":"0.9","blue_from":"1.5"}}"#,
    );
    let out = monitor_fixture("thr-strict", &fx, &["--profile-file", strict.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["execution"]["light"], json!("red"));
    assert_eq!(v["execution"]["ratio"], json!("0.6173"));
    assert_eq!(v["indicators"][0]["light"], json!("green"));
    assert_eq!(v["indicators"][0]["ratio"], json!("1.3259"));
}

#[test]
fn monitor_refuses_a_profile_file_with_unordered_thresholds() {
    let fx = monitoring_fixtures().remove(0).1;
    for (name, body, needle) in [
        (
            "mon-p1.json",
            &br#"{"id":"x","framework":"cn-2015","monitoring":{"red_below":"0.9","yellow_below":"0.8"}}"#[..],
            "red_below",
        ),
        ("mon-p2.json", br#"{"id":"x","framework":"cn-2015","monitoring":{"blue_from":"0.9"}}"#, "blue_from"),
        ("mon-p3.json", br#"{"id":"x","framework":"cn-2015","monitoring":{"red_below":"-0.1"}}"#, "red_below"),
        ("mon-p4.json", br#"{"id":"x","framework":"cn-2015","monitoring":{"green_from":"1"}}"#, "green_from"),
        ("mon-p5.json", br#"{"id":"x","framework":"cn-2015","monitoring":{"red_below":0.6}}"#, "/monitoring/red_below"),
    ] {
        let p = tmp(name, body);
        let out = monitor_fixture(name, &fx, &["--profile-file", p.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(needle), "{name}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{name}: {err}");
        assert!(out.stdout.is_empty(), "{name}");
    }
}

/// `jixiao export target` then `jixiao import`: the same document; violations on stderr
/// with their cells; exit 1 on errors, 0 without, 2 for a file that is not a spreadsheet.
#[test]
fn export_then_import_round_trips_with_cells_and_exit_codes() {
    let doc = fixture("targets/indicator-field-errors.json")["document"].clone();
    let input = tmp("errors.json", doc.to_string().as_bytes());
    let xlsx = input.with_extension("xlsx");
    let out = jixiao(&["export", "target", input.to_str().unwrap(), "-o", xlsx.to_str().unwrap()], b"");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = jixiao(&["import", xlsx.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["document"]["indicators"], doc["indicators"]);
    assert_eq!(got["violations"][0]["cell"], json!("申报表!G17"));
    assert_eq!(got["violations"][0]["path"], json!("/indicators/1/unit"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("申报表!G17\tIND_UNIT_REQUIRED\t/indicators/1/unit"), "{stderr}");

    let valid = fixture("targets/orphan-clothing-valid.json")["document"].clone();
    let input = tmp("valid.json", valid.to_string().as_bytes());
    let xlsx = input.with_extension("xlsx");
    assert!(jixiao(&["export", "target", input.to_str().unwrap(), "-o", xlsx.to_str().unwrap()], b"").status.success());
    let out = jixiao(&["import", "--document-only", xlsx.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let back: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The document checks clean with `jixiao check`, as the original.
    let out = jixiao(&["check", "-"], back.to_string().as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));

    let out = jixiao(&["import", input.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an xlsx"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// `jixiao export report` and `jixiao export evaluation` write their forms.
#[test]
fn export_report_and_evaluation() {
    let m = fixture("monitoring/over-run-blue.json");
    let t = tmp("m-target.json", m["target"].to_string().as_bytes());
    let r = tmp("m-report.json", m["report"].to_string().as_bytes());
    let o = t.with_file_name("m.xlsx");
    let out = jixiao(
        &["export", "report", "--target", t.to_str().unwrap(), r.to_str().unwrap(), "-o", o.to_str().unwrap()],
        b"",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&o).unwrap().starts_with(b"PK"));
    let e = fixture("evaluations/orphan-clothing-2019.json");
    let t = tmp("e-target.json", e["target"].to_string().as_bytes());
    let o = t.with_file_name("e.xlsx");
    let out = jixiao(
        &["export", "evaluation", "--target", t.to_str().unwrap(), "-", "-o", o.to_str().unwrap()],
        e["evaluation"].to_string().as_bytes(),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&o).unwrap().starts_with(b"PK"));
}
