//! The `jixiao check` / `jixiao score` command line contract (FORMATS.md §5): output,
//! exit codes 0/1/2, `--jsonl`, `--profile`, `--profile-file`, `--locale`, bad input.

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
