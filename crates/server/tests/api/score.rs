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

/// FORMATS §4.1 through the API: the bands-and-override profile uploaded by an admin, then
/// `POST /score?profile=` gives the fixture's output (as `jixiao score --profile-file`).
async fn scores_bands_and_overrides_under_an_uploaded_profile(app: &TestApp) {
    let fx = fixture("evaluations/orphan-clothing-2019-bands-override.json");
    let admin = app.token(jixiao_server::auth::Role::Admin, None, None).await;
    let (status, _, body) = post_json(app, "/api/v1/profiles", Some(&admin), &fx["profile_file"]).await;
    assert_eq!(status, 201, "{body}");
    let body = json!({ "target": fx["target"], "evaluation": fx["evaluation"] });
    let (status, _, out) = post_json(app, "/api/v1/score?profile=example-bands-2019", None, &body).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!((out["total"].as_str(), out["execution"]["score"].as_str()), (Some("97.4"), Some("9.0")));
    assert_eq!(
        out["indicators"][1],
        json!({ "indicator_id": "i2", "points": "10", "score": "10", "rule": "proportional", "override": true, "formula_score": "9.9" })
    );
    let mut bad = fx["profile_file"].clone();
    bad["id"] = json!("bad-bands");
    bad["scoring"]["execution_bands"][0]["score"] = json!("11");
    let (status, headers, out) = post_json(app, "/api/v1/profiles", Some(&admin), &bad).await;
    assert_problem(status, &headers, &out, 400, "invalid-body");
}

crate::both_backends!(
    scores_the_worked_example,
    envelope_shape_errors_name_their_paths,
    scores_bands_and_overrides_under_an_uploaded_profile
);
