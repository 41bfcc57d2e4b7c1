//! Helpers of the sheets tests: fixtures, the normal form round trips are compared in,
//! and an independent look at the written files (calamine and the zip's XML).
#![allow(dead_code)]

use std::io::{Cursor, Read};
use std::path::PathBuf;

use calamine::{Data, Reader, Xlsx};
use jixiao_rules::{Profile, Registry};
use serde_json::{Map, Value};

/// The project's copy of the shared fixtures and the shared corpus itself.
pub fn fixture_dirs() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut v = vec![root.join("tests/fixtures")];
    let shared = root.join("../shared/fixtures");
    if shared.is_dir() {
        v.push(shared);
    }
    v
}

/// Every target fixture: (file name, profile id, document).
pub fn target_fixtures() -> Vec<(String, String, Map<String, Value>)> {
    let mut out = Vec::new();
    for dir in fixture_dirs() {
        let mut files: Vec<_> = std::fs::read_dir(dir.join("targets")).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
            let profile = v["profile"].as_str().unwrap_or("artux-2018").to_owned();
            let doc = v["document"].as_object().unwrap().clone();
            out.push((f.display().to_string(), profile, doc));
        }
    }
    out
}

/// A built-in profile.
pub fn profile(id: &str) -> &'static Profile {
    Registry::builtin().profile(id).unwrap()
}

/// A fixture document by file name (project copy).
pub fn load(rel: &str) -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(rel);
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

const AMOUNT_KEYS: [&str; 3] = ["annual_total", "mid_term_total", "amount"];

/// What a spreadsheet cannot carry, taken out of both sides of a round trip: `null` and
/// blank strings (an empty cell), objects left empty by that, `classified: false` and
/// `core: false` (the form's 否 and blank), and the JSON type of an amount (a cell holds a
/// number; the document's amounts are strings with 2 decimals).
pub fn normal(v: &Value) -> Value {
    normal_in(v, "")
}

fn normal_in(v: &Value, key: &str) -> Value {
    match v {
        Value::Object(o) => {
            let mut out = Map::new();
            for (k, x) in o {
                let n = normal_in(x, k);
                let drop = match (&n, k.as_str()) {
                    (Value::Null, _) => true,
                    (Value::String(s), _) if s.trim().is_empty() => true,
                    (Value::Object(m), _) if m.is_empty() => true,
                    (Value::Bool(false), "classified" | "core") => true,
                    _ => false,
                };
                if !drop {
                    out.insert(k.clone(), n);
                }
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| normal_in(x, "")).collect()),
        Value::Number(n) if AMOUNT_KEYS.contains(&key) => Value::String(format!("{:.2}", n.as_f64().unwrap())),
        Value::String(s) if AMOUNT_KEYS.contains(&key) => match s.parse::<rust_decimal::Decimal>() {
            Ok(mut d) if d.scale() <= 2 && !s.contains(['e', 'E', ' ']) => {
                d.rescale(2);
                Value::String(d.to_string())
            }
            _ => v.clone(),
        },
        other => other.clone(),
    }
}

/// A written workbook opened with calamine.
pub fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes.to_vec())).unwrap()
}

/// The value at an A1 reference of a sheet.
pub fn cell(bytes: &[u8], sheet: &str, a1: &str) -> Data {
    let mut wb = open(bytes);
    let range = wb.worksheet_range(sheet).unwrap();
    let (r, c) = parse_a1(a1);
    range.get_value((r, c)).cloned().unwrap_or(Data::Empty)
}

/// `F12` → (11, 5).
pub fn parse_a1(a1: &str) -> (u32, u32) {
    let letters: String = a1.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let digits: String = a1.chars().skip_while(|c| c.is_ascii_alphabetic()).collect();
    let col = letters.bytes().fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1)) - 1;
    (digits.parse::<u32>().unwrap() - 1, col)
}

/// The merged regions of a sheet as `A1:B2` strings.
pub fn merges(bytes: &[u8], sheet: &str) -> Vec<String> {
    let mut wb = open(bytes);
    wb.merge_cells_by_sheet_name(sheet).unwrap().into_iter().map(|d| format!("{}:{}", a1(d.start), a1(d.end))).collect()
}

/// (row, col) → `F12`.
pub fn a1((r, c): (u32, u32)) -> String {
    jixiao_sheets::CellRef::new("x", r, c as u16).a1()
}

/// A part of the package as text (`xl/worksheets/sheet1.xml`, `xl/styles.xml`).
pub fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}
