//! Benchmark of `score` (parsing of both texts included) on targets of 10, 100 and 1,000
//! indicators with a result per row (quantitative rows proportional or met, qualitative
//! tiers, every tenth row with an assessor's override), next to `serde_json` parsing the same
//! two texts (the floor). Run: `cargo bench -p jixiao-rules --bench score`; report the ratio.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use jixiao_rules::{Locale, Registry, parse_object};
use serde_json::{Value, json};

fn pair(n: usize) -> (String, String) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/evaluations/orphan-clothing-2019.json");
    let fx: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut target = fx["target"].clone();
    let mut evaluation = fx["evaluation"].clone();
    let levels =
        [("output", "quantity"), ("output", "quality"), ("benefit", "social"), ("satisfaction", "beneficiary")];
    let (mut inds, mut rows) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let (l1, l2) = levels[i % levels.len()];
        if i % 5 == 4 {
            inds.push(json!({"id": format!("i{i}"), "level1": l1, "level2": l2, "name": format!("定性{i}"),
                "nature": "qualitative", "value": "明显改善", "points": "1"}));
            rows.push(json!({"indicator_id": format!("i{i}"), "tier": "partial", "score": "0.7",
                "deviation_reason": "长效机制尚在建立"}));
        } else {
            inds.push(json!({"id": format!("i{i}"), "level1": l1, "level2": l2, "name": format!("数量{i}"),
                "nature": "quantitative", "operator": "ge", "value": format!("{}", 120 + i), "unit": "人", "points": "1"}));
            let mut row = json!({"indicator_id": format!("i{i}"), "actual": format!("{}", 110 + i),
                "deviation_reason": "部分任务顺延"});
            if i % 10 == 0 {
                row["override"] = json!({"score": "0.9", "reason": "复评抽样核实"});
            }
            rows.push(row);
        }
    }
    target["indicators"] = Value::Array(inds);
    evaluation["results"] = Value::Array(rows);
    (target.to_string(), evaluation.to_string())
}

fn bench(c: &mut Criterion) {
    let profile = Registry::builtin().profile("national-2015").unwrap();
    let mut g = c.benchmark_group("score");
    for n in [10usize, 100, 1000] {
        let texts = pair(n);
        g.bench_with_input(BenchmarkId::new("serde_json_parse_floor", n), &texts, |b, (t, e)| {
            b.iter(|| {
                let t: Value = serde_json::from_str(std::hint::black_box(t)).unwrap();
                let e: Value = serde_json::from_str(std::hint::black_box(e)).unwrap();
                (t, e)
            })
        });
        g.bench_with_input(BenchmarkId::new("score", n), &texts, |b, (t, e)| {
            b.iter(|| {
                let t = parse_object(std::hint::black_box(t)).unwrap();
                let e = parse_object(std::hint::black_box(e)).unwrap();
                jixiao_rules::score(&t, &e, profile, Locale::ZhCn)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
