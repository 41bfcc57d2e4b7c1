//! Benchmark of `check` (parse included) on documents of 10, 100 and 1,000 indicators,
//! next to `serde_json` parsing the same text into a `Value` (the floor).
//! Goal: check ≤ 2× the floor. Run: `cargo bench -p jixiao-rules --bench check`.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use jixiao_rules::{Locale, Registry};
use serde_json::{Value, json};

fn document(n: usize) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/targets/orphan-clothing-valid.json");
    let fx: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut doc = fx["document"].clone();
    let tree = [
        ("output", "quantity"),
        ("output", "quality"),
        ("output", "timeliness"),
        ("benefit", "social"),
        ("satisfaction", "beneficiary"),
    ];
    let items: Vec<Value> = (0..n)
        .map(|i| {
            let (l1, l2) = tree[i % tree.len()];
            if i % 5 == 4 {
                json!({"id": format!("i{i}"), "level1": l1, "level2": l2, "name": format!("定性指标{i}"), "nature": "qualitative", "value": "明显改善", "points": "1", "explanation": "按群众评议结果判断"})
            } else {
                json!({"id": format!("i{i}"), "level1": l1, "level2": l2, "name": format!("保障对象人数{i}"), "nature": "quantitative", "operator": "ge", "value": format!("{}", 90 + i % 10), "unit": "%", "points": "1", "explanation": "当年实际保障的对象人数", "basis": "plan"})
            }
        })
        .collect();
    doc["indicators"] = Value::Array(items);
    serde_json::to_string(&doc).unwrap()
}

fn bench(c: &mut Criterion) {
    let profile = Registry::builtin().profile("artux-2018").unwrap();
    let mut g = c.benchmark_group("check");
    for n in [10usize, 100, 1000] {
        let text = document(n);
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::new("serde_json_parse_floor", n), &text, |b, t| {
            b.iter(|| serde_json::from_str::<Value>(std::hint::black_box(t)).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("check_str", n), &text, |b, t| {
            b.iter(|| jixiao_rules::check_str(std::hint::black_box(t), profile, Locale::ZhCn).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
