//! Helpers shared by the rules integration tests: fixture loading and JSON mutation.
#![allow(dead_code)]

use std::path::PathBuf;

use jixiao_rules::{CheckReport, Profile, Registry};
use serde_json::{Map, Value};

/// The project's copy of the shared fixtures.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// Reads a fixture file as JSON.
pub fn load(rel: &str) -> Value {
    let path = fixtures_dir().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A built-in profile.
pub fn profile(id: &str) -> &'static Profile {
    Registry::builtin().profile(id).unwrap()
}

/// The valid orphan-clothing document (artux-2018).
pub fn orphan() -> Value {
    load("targets/orphan-clothing-valid.json")["document"].clone()
}

/// Sets the value at a JSON Pointer (the parent must exist); `None` removes it.
pub fn set(doc: &mut Value, pointer: &str, v: Option<Value>) {
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    let target = doc.pointer_mut(parent).unwrap_or_else(|| panic!("no parent {parent}"));
    match (target, v) {
        (Value::Object(o), Some(v)) => {
            o.insert(last.to_owned(), v);
        }
        (Value::Object(o), None) => {
            o.remove(last);
        }
        (Value::Array(a), Some(v)) => {
            let i: usize = last.parse().unwrap();
            if i == a.len() { a.push(v) } else { a[i] = v }
        }
        (Value::Array(a), None) => {
            a.remove(last.parse::<usize>().unwrap());
        }
        _ => panic!("cannot set {pointer}"),
    }
}

/// Checks a document value.
pub fn run(doc: &Value, profile_id: &str) -> CheckReport {
    jixiao_rules::check(as_obj(doc), profile(profile_id), jixiao_rules::Locale::ZhCn)
}

/// The object inside a value.
pub fn as_obj(v: &Value) -> &Map<String, Value> {
    v.as_object().unwrap()
}

/// (code, path, severity) triples, sorted (a multiset).
pub fn triples(r: &CheckReport) -> Vec<(String, String, String)> {
    let mut t: Vec<_> = r
        .violations
        .iter()
        .map(|v| (v.code.as_str().to_owned(), v.path.clone(), format!("{:?}", v.severity).to_lowercase()))
        .collect();
    t.sort();
    t
}

/// Expected triples from a fixture's `expect.violations`.
pub fn expected_triples(expect: &Value) -> Vec<(String, String, String)> {
    let mut t: Vec<_> = expect["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["code"].as_str().unwrap().to_owned(),
                v["path"].as_str().unwrap().to_owned(),
                v["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    t.sort();
    t
}
