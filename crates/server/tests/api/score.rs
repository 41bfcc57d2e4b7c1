//! `POST /score`: same output as `jixiao score`; the envelope is schema-checked.

use serde_json::json;

use crate::helpers::{TestApp, assert_problem, fixture, post_json};

async fn scores_the_worked_example(app: &TestApp) {
    let fx = fixture("evaluations/orphan-clothing-2019.json");
    let body = json!({ "target": fx["target"], "evaluation": fx["evaluation"] });
    let (status, _, out) = post_json(app, "/api/v1/score?profile=national-2015", None, &body).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["total"], "98.19");
    assert_eq!(out["grade"], "excellent");
    let profile = jixiao_rules::Registry::builtin().profile("national-2015").expect("profile");
    let cli = jixiao_rules::score(
        fx["target"].as_object().expect("target"),
        fx["evaluation"].as_object().expect("evaluation"),
        profile,
        jixiao_rules::Locale::ZhCn,
    );
    assert_eq!(out, serde_json::to_value(cli).expect("json"));
}

async fn envelope_shape_errors_name_their_paths(app: &TestApp) {
    let cases = [
        (json!({}), vec!["required", "required"]),
        (json!({ "target": [], "evaluation": {} }), vec!["type"]),
        (json!({ "target": {}, "evaluation": {}, "extra": 1 }), vec!["additionalProperties"]),
    ];
    for (body, keywords) in cases {
        let (status, headers, out) = post_json(app, "/api/v1/score", None, &body).await;
        assert_problem(status, &headers, &out, 400, "invalid-body");
        let got: Vec<&str> =
            out["errors"].as_array().expect("errors").iter().filter_map(|e| e["keyword"].as_str()).collect();
        assert_eq!(got, keywords, "{out}");
    }
    let (_, _, out) = post_json(app, "/api/v1/score", None, &json!({ "target": 1, "evaluation": {} })).await;
    assert_eq!(out["errors"][0]["path"], "/target", "{out}");
}

crate::both_backends!(scores_the_worked_example, envelope_shape_errors_name_their_paths);
