//! Benchmark of `monitor` (parsing of both texts included) on targets of 10, 100 and 1,000
//! indicators with a full report, next to `serde_json` parsing the same two texts (the
//! floor). Run: `cargo bench -p jixiao-rules --bench monitor`; report the ratio.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use jixiao_rules::{Locale, Registry, parse_object};
use serde_json::{Value, json};

fn pair(n: usize) -> (String, String) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/monitoring/on-track-quarter.json");
    let fx: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut target = fx["target"].clone();
    let mut report = fx["report"].clone();
    let levels =
        [("output", "quantity"), ("output", "quality"), ("benefit", "social"), ("satisfaction", "beneficiary")];
    let mut inds = Vec::with_capacity(n);
    let mut rows = Vec::with_capacity(n);
    for i in 0..n {
        let (l1, l2) = levels[i % levels.len()];
        if i % 5 == 4 {
            inds.push(json!({"id": format!("i{i}"), "level1": l1, "level2": l2, "name": format!("定性{i}"), "nature": "qualitative", "value": "明显改善", "points": "1"}));
            rows.push(json!({"indicator_id": format!("i{i}"), "actual_to_date": "按计划推进", "likelihood": if i % 3 == 0 { "possible" } else { "certain" }, "causes": ["other"], "measures": "加快推进"}));
        } else {
            inds.push(json!({"id": format!("i{i}"), "level1": l1, "level2": l2, "name": format!("数量{i}"), "nature": "quantitative", "operator": "ge", "value": format!("{}", 120 + i), "unit": "人", "points": "1"}));
            rows.push(json!({"indicator_id": format!("i{i}"), "actual_to_date": format!("{}", 25 + i % 20), "forecast_full_year": format!("{}", 120 + i), "likelihood": "certain", "causes": ["funding"], "measures": "资金已到位"}));
        }
    }
    target["indicators"] = Value::Array(inds);
    report["indicators"] = Value::Array(rows);
    (target.to_string(), report.to_string())
}

fn bench(c: &mut Criterion) {
    let profile = Registry::builtin().profile("artux-2018").unwrap();
    let mut g = c.benchmark_group("monitor");
    for n in [10usize, 100, 1000] {
        let texts = pair(n);
        g.bench_with_input(BenchmarkId::new("serde_json_parse_floor", n), &texts, |b, (t, r)| {
            b.iter(|| {
                let t: Value = serde_json::from_str(std::hint::black_box(t)).unwrap();
                let r: Value = serde_json::from_str(std::hint::black_box(r)).unwrap();
                (t, r)
            })
        });
        g.bench_with_input(BenchmarkId::new("monitor", n), &texts, |b, (t, r)| {
            b.iter(|| {
                let t = parse_object(std::hint::black_box(t)).unwrap();
                let r = parse_object(std::hint::black_box(r)).unwrap();
                jixiao_rules::monitor(&t, &r, profile, None, Locale::ZhCn)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
