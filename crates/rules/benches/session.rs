//! Benchmark of one keystroke in the form: one indicator's value edited, then the
//! report, at 60 and 200 indicators (the target of benches/web/gen.mjs). Compared:
//! a whole `check` of the kept document (what the WASM Session did before) and the
//! incremental [`CheckSession`] (`set` + `report`, and with the report serialized as
//! the WASM adapter returns it). Run: `cargo bench -p jixiao-rules --bench session`.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use jixiao_rules::{CheckSession, Locale, Registry};
use serde_json::{Map, Value, json};

/// The same valid project target as `makeTarget(n)` in benches/web/gen.mjs.
fn document(n: usize) -> Map<String, Value> {
    let groups = [
        ("output", "quantity"),
        ("output", "quality"),
        ("output", "timeliness"),
        ("output", "cost"),
        ("benefit", "social"),
        ("benefit", "economic"),
        ("satisfaction", "beneficiary"),
    ];
    let indicators: Vec<Value> = (0..n)
        .map(|i| {
            let (l1, l2) = groups[i % groups.len()];
            let sat = l1 == "satisfaction";
            if i % 10 != 9 {
                json!({"id": format!("i{}", i + 1), "level1": l1, "level2": l2, "name": format!("指标{}", i + 1),
                    "nature": "quantitative", "operator": "ge",
                    "value": if sat { "90".to_owned() } else { (100 + i).to_string() },
                    "unit": if sat { "%" } else { "个" }, "points": "1", "explanation": "说明"})
            } else {
                json!({"id": format!("i{}", i + 1), "level1": l1, "level2": l2, "name": format!("指标{}", i + 1),
                    "nature": "qualitative", "value": "明显改善", "points": "1"})
            }
        })
        .collect();
    let doc = json!({
        "kind": "project", "fiscal_year": 2019, "region": "653001",
        "department": {"code": "101", "name": "阿图什市民政局"},
        "unit": {"code": "101001", "name": "阿图什市儿童福利院"},
        "project": {"code": "P2019-001", "name": "基准项目", "attribute": "continuing",
                    "start": "2019-01-01", "end": "2019-12-31"},
        "funds": {"annual_total": "86.40", "mid_term_total": null,
                  "sources": [{"source": "本级财政", "amount": "86.40"}]},
        "goals": {"annual": "基准目标", "mid_term": null},
        "classified": false,
        "indicators": indicators,
    });
    match doc {
        Value::Object(o) => o,
        _ => unreachable!(),
    }
}

fn bench(c: &mut Criterion) {
    let profile = Registry::builtin().profile("artux-2018").unwrap();
    let values = [Value::from("100"), Value::from("100x")];
    let mut g = c.benchmark_group("keystroke");
    for n in [60usize, 200] {
        let pointer = format!("/indicators/{}/value", n / 2);
        let mut doc = Value::Object(document(n));
        let mut i = 0usize;
        g.bench_function(BenchmarkId::new("edit+full_check", n), |b| {
            b.iter(|| {
                i += 1;
                *doc.pointer_mut(&pointer).unwrap() = values[i & 1].clone();
                let (parsed, report) = jixiao_rules::check_parsed(doc.as_object().unwrap(), profile, Locale::ZhCn);
                (jixiao_rules::tree_counts(&parsed), report)
            })
        });
        let mut s = CheckSession::new(document(n), profile, Locale::ZhCn);
        g.bench_function(BenchmarkId::new("session_set+report", n), |b| {
            b.iter(|| {
                i += 1;
                s.set(&pointer, values[i & 1].clone()).unwrap();
                s.report()
            })
        });
        g.bench_function(BenchmarkId::new("session_set+report_json", n), |b| {
            b.iter(|| {
                i += 1;
                s.set(&pointer, values[i & 1].clone()).unwrap();
                serde_json::to_string(&s.report()).unwrap()
            })
        });
        g.bench_function(BenchmarkId::new("session_set+report+counts", n), |b| {
            b.iter(|| {
                i += 1;
                s.set(&pointer, values[i & 1].clone()).unwrap();
                (s.report(), s.counts())
            })
        });
    }
    // The worst case of the keystroke path: a report that is long (every indicator lacks
    // its unit, 180 errors), so each report clones many kept violations.
    let n = 200;
    let pointer = format!("/indicators/{}/value", n / 2);
    let mut doc = document(n);
    if let Some(Value::Array(items)) = doc.get_mut("indicators") {
        for item in items.iter_mut() {
            item.as_object_mut().unwrap().remove("unit");
        }
    }
    let mut full = Value::Object(doc.clone());
    let mut i = 0usize;
    g.bench_function(BenchmarkId::new("edit+full_check/no_units", n), |b| {
        b.iter(|| {
            i += 1;
            *full.pointer_mut(&pointer).unwrap() = values[i & 1].clone();
            jixiao_rules::check(full.as_object().unwrap(), profile, Locale::ZhCn)
        })
    });
    let mut s = CheckSession::new(doc, profile, Locale::ZhCn);
    g.bench_function(BenchmarkId::new("session_set+report_json/no_units", n), |b| {
        b.iter(|| {
            i += 1;
            s.set(&pointer, values[i & 1].clone()).unwrap();
            serde_json::to_string(&s.report()).unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
