//! `POST /check`: every shared fixture gives exactly what `jixiao check` gives.

use jixiao_rules::{Locale, Registry};
use serde_json::Value;

use crate::helpers::{TestApp, post_json, target_fixtures};

fn cli_output(doc: &Value, profile: &str, locale: Locale) -> Value {
    let profile = Registry::builtin().profile(profile).expect("profile");
    let report = jixiao_rules::check(doc.as_object().expect("object"), profile, locale);
    serde_json::to_value(report).expect("json")
}

async fn fixtures_match_the_cli(app: &TestApp) {
    for (name, fx) in target_fixtures() {
        let profile = fx["profile"].as_str().expect("profile");
        for (locale, tag) in [(Locale::ZhCn, "zh-CN"), (Locale::En, "en")] {
            let (status, _, body) =
                post_json(app, &format!("/api/v1/check?profile={profile}&locale={tag}"), None, &fx["document"]).await;
            assert_eq!(status, 200, "{name}: {body}");
            assert_eq!(body, cli_output(&fx["document"], profile, locale), "{name} ({tag})");
            // The fixture's own expectation (codes and paths) holds too.
            if let Some(valid) = fx["expect"].get("valid") {
                assert_eq!(&body["valid"], valid, "{name}");
            }
        }
    }
}

async fn documents_with_wrong_types_are_violations_not_errors(app: &TestApp) {
    let doc = serde_json::json!({ "kind": 7, "fiscal_year": "2019", "department": [], "funds": { "annual_total": 86.4 },
                                  "indicators": "none" });
    let (status, _, body) = post_json(app, "/api/v1/check", None, &doc).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["valid"], false);
    assert_eq!(body, cli_output(&doc, "artux-2018", Locale::ZhCn));
}

crate::both_backends!(fixtures_match_the_cli, documents_with_wrong_types_are_violations_not_errors);
