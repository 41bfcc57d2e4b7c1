//! The committed OpenAPI document must equal the generated one; /docs works offline.

use crate::helpers::{TestApp, get};

fn committed_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json")
}

/// Fails when `openapi/openapi.json` drifts. Regenerate with
/// `UPDATE_OPENAPI=1 cargo test -p jixiao-server --test api openapi` (or `jixiao openapi`).
#[test]
fn committed_openapi_matches_the_code() {
    let generated = jixiao_server::openapi::document_json();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(committed_path(), &generated).expect("write openapi.json");
    }
    let committed = std::fs::read_to_string(committed_path()).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `UPDATE_OPENAPI=1 cargo test -p jixiao-server --test api openapi`"
    );
}

#[test]
fn every_operation_has_an_id_and_errors_are_problems() {
    let doc: serde_json::Value = serde_json::from_str(&jixiao_server::openapi::document_json()).expect("json");
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            assert!(op["operationId"].is_string(), "{method} {path} has no operationId");
            for (status, resp) in op["responses"].as_object().expect("responses") {
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(resp["content"]["application/problem+json"].is_object(), "{method} {path} {status}");
                }
            }
        }
    }
}

async fn serves_the_document_and_offline_docs(app: &TestApp) {
    let (status, _, body) = get(app, "/api-docs/openapi.json", None).await;
    assert_eq!(status, 200);
    let generated: serde_json::Value = serde_json::from_str(&jixiao_server::openapi::document_json()).expect("json");
    assert_eq!(body, generated);
    let mut res = app.client.get(app.url("/docs/")).send().await.expect("docs");
    assert_eq!(res.status().as_u16(), 200);
    let html = String::from_utf8(res.body().await.expect("body").to_vec()).expect("utf8");
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(!html.contains("http://") && !html.contains("https://"), "docs page must not load remote assets: {html}");
    let mut res = app.client.get(app.url("/docs/swagger-ui-bundle.js")).send().await.expect("bundle");
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.body().limit(20 * 1024 * 1024).await.expect("body").len() > 100_000);
}

crate::both_backends!(serves_the_document_and_offline_docs);
